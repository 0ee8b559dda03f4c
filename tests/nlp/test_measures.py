"""Evaluation measures named where a result sentence puts a measure (kg.nlp.measures):
"in terms of naturalness", "reduces token usage by 50%", "a 2.1x decoding speedup"
(abstracts written by us)."""

from __future__ import annotations

import pytest

from kg.extract import extract_papers
from kg.nlp.measures import metric_slots
from kg.nlp.resources import fold_case, load_resources
from kg.records import Paper


def slots(abstract: str, tasks=()) -> list[str]:
    res = load_resources()
    text = "Title\n" + abstract
    shift = [(s + 6, e + 6) for s, e in tasks]
    return [
        text[s:e]
        for s, e in metric_slots(
            text, fold_case(text), 6, res.measure_heads, res.modifier_stops, shift
        )
    ]


@pytest.mark.parametrize(
    "abstract, expected",
    [
        (
            "We obtain promising results in terms of naturalness, speaker similarity, and "
            "intelligibility.",
            ["naturalness", "speaker similarity", "intelligibility"],
        ),
        (
            "Our method outperforms existing baselines in motion realism, efficiency, and "
            "controllability.",
            ["motion realism", "controllability"],  # bare "efficiency" names nothing
        ),
        (
            "It reduces both token usage and inference time by approximately 50%.",
            ["token usage", "inference time"],
        ),
        (
            "A shallow DPN has 26% smaller model size, 25% less computational cost and 8% "
            "lower memory consumption.",
            ["model size", "computational cost", "memory consumption"],
        ),
        ("It achieves more than 2.1x decoding speedup on the edge.", ["decoding speedup"]),
        ("The tracker, running at 120fps on GPU, is fast.", ["fps"]),
        ("Univid achieves superior temporal coherence on T2V.", ["temporal coherence"]),
        (
            "The framework is judged on key metrics, including communication overhead.",
            ["communication overhead"],
        ),
        ("It runs with 150ms inference time.", ["inference time"]),
        ("The results are reported in terms of SSIM and PSNR.", ["SSIM", "PSNR"]),
    ],
)
def test_measure_slots(abstract, expected):
    assert slots(abstract) == expected


@pytest.mark.parametrize(
    "abstract",
    [
        "The quality of the data and the speed of training matter.",  # no slot
        "We collected 60K hours of speech and 400M parameters.",  # "K hours": a unit
        "Errors are lower on 2D and 3D errors.",  # "3D errors" is no glued unit
        "It outperforms the baselines in the few-shot setting.",  # not a measure noun
        "We scale GPT-4 model quality.",  # a number inside a name
        "It surpasses prior simulations in realism, complexity and scale.",  # bare realism
        "The models lag behind in terms of beat, dynamics, requiring greater precision.",
        "The 2025 IMO problems are hard.",  # a name after a number is not a measure
    ],
)
def test_no_measure_outside_slots(abstract):
    assert slots(abstract) == []


def test_a_task_before_the_measure_noun_stays_the_task():
    abstract = "Our method also achieves better relation extraction accuracy than X."
    start = abstract.index("relation extraction")
    task = [(start, start + len("relation extraction"))]
    assert slots(abstract) == ["relation extraction accuracy"]
    assert slots(abstract, task) == []


def test_slot_measures_end_to_end(nlp):
    abstract = (
        "We propose FastVoice, a zero-shot TTS model. Experiments show that FastVoice "
        "outperforms VALL-E in terms of naturalness and speaker similarity, and reduces "
        "memory consumption by 3.6x."
    )
    ex = next(extract_papers([Paper(id="p", title="FastVoice", abstract=abstract)], nlp))
    ents = {(e.name, e.type.value) for e in ex.entities}
    assert {("naturalness", "METRIC"), ("speaker similarity", "METRIC")} <= ents
    assert ("memory consumption", "METRIC") in ents
    rels = {(r.type.value, r.head, r.tail) for r in ex.relations}
    assert ("uses_metric", "FastVoice", "naturalness") in rels


def test_slot_measures_are_not_attached_to_datasets(nlp):
    abstract = (
        "On ImageNet-1k, our DPN surpasses ResNeXt-101 with 26% smaller model size and "
        "an accuracy of 80.1%."
    )
    ex = next(extract_papers([Paper(id="p", title="Dual Path Networks", abstract=abstract)], nlp))
    rels = {(r.type.value, r.head, r.tail) for r in ex.relations}
    assert ("uses_metric", "Dual Path Networks", "model size") in rels  # DPN is its acronym
    assert not any(
        t == "uses_metric" and h == "ImageNet-1k" and m == "model size" for t, h, m in rels
    )
    assert ("uses_metric", "ImageNet-1k", "accuracy") in rels


@pytest.mark.parametrize("phrase", ["running at 5 fps", "at a speed of 65.8 FPS"])
def test_frames_per_second_is_a_measure(nlp, phrase):
    # "fps" was a stop term; annotators mark it as the speed measure it is
    abstract = f"Our detector reaches 80.1 mAP on COCO, {phrase}."
    ex = next(extract_papers([Paper(id="p", title="Fast Detection", abstract=abstract)], nlp))
    metrics = {m.text.lower() for e in ex.entities if e.type.value == "METRIC" for m in e.mentions}
    assert "fps" in metrics
