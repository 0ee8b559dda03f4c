"""Candidate families as plain functions: name shapes, head phrases, cued names."""

from __future__ import annotations

import pytest

from kg.nlp import candidates
from kg.nlp.resources import load_resources
from kg.records import EntityType


@pytest.fixture(scope="module")
def res():
    return load_resources()


@pytest.mark.parametrize(
    "word",
    ["ZetaLM-7", "QuoraBench", "γ-Flow", "E^3-Net", "T5X", "ParaGon", "NB-101", "Phi-9", "XLM"],
)
def test_name_shaped(word):
    assert candidates.is_name_shaped(word)


@pytest.mark.parametrize(
    "word",
    [
        "Zebra",
        "7B",
        "3D",
        "ALL",
        "Geometry-Aware",
        "Text-Rich",
        "OurMethod",
        "L_0",
        "II",
        "https://x.io/A1",
        "2024",
        "O(N^2)",
        "R^2",
    ],
)
def test_not_name_shaped(word):
    assert not candidates.is_name_shaped(word)


def _names(text):
    return [text[s:e] for s, e in candidates.name_spans(text)]


def test_names_keep_versions_and_sizes_and_drop_descriptive_tails():
    text = "We compare ZetaLM-2 7B, ZetaLM-2, BERT-based tools, (QuoraBench) and [MASK] tokens."
    assert _names(text) == ["ZetaLM-2 7B", "ZetaLM-2", "BERT", "QuoraBench"]


def test_unit_with_descriptive_tail_is_not_a_name():
    assert _names("a 0.4B-parameter encoder and a 7B-sized GPT-4-generated set") == ["GPT-4"]


def test_versions_stay_apart():
    assert _names("OrcaVL-4 and OrcaVL-4o and OrcaVL-4V") == ["OrcaVL-4", "OrcaVL-4o", "OrcaVL-4V"]


def _phrases(text, res):
    hits = candidates.head_hits(text, candidates.head_regex(res.heads))
    found = candidates.head_phrases(text, res.heads, res.modifier_stops, [0], hits)
    return [(text[s:e], t) for s, e, t in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "we employ sparse lattice segmentation here",
            ("sparse lattice segmentation", EntityType.TASK),
        ),
        ("a novel coral reef detection model", ("coral reef detection", EntityType.TASK)),
        (
            "they use gradient-free prompt distillation.",
            ("gradient-free prompt distillation", EntityType.METHOD),
        ),
        ("the token drop rate rises", ("drop rate", EntityType.METRIC)),
        ("it improves bird song retrieval", ("bird song retrieval", EntityType.TASK)),
    ],
)
def test_head_phrases(text, expected, res):
    assert expected in _phrases(text, res)


@pytest.mark.parametrize(
    "text",
    [
        "we study detection.",  # a bare head that is not an entity on its own
        "effective learning is hard",  # evaluative adjective only
        "our generation is fast",  # pronoun only
        "the learning-based pipeline",  # head inside a hyphenated word
    ],
)
def test_no_head_phrase(text, res):
    assert _phrases(text, res) == []


def test_cued_names(res):
    text = (
        'Quill: A Tool for Writing\n\nWe release a parser called Inkwell and a "Paper Crane" set.'
    )
    found = {
        text[s:e]: rule
        for s, e, rule, _ in candidates.cued_names(text, res.trigger_regex("named"), 25)
    }
    assert found == {"Quill": "title-colon", "Inkwell": "named"}


def test_title_prefix_must_be_short_and_not_a_phrase(res):
    named = res.trigger_regex("named")
    assert candidates.cued_names("Pooling And Attention: What Works\n\n", named, 33) == []


@pytest.mark.parametrize(
    ("name", "etype"),
    [
        ("OmniBench-2", EntityType.BENCHMARK),
        ("MedQA", EntityType.DATASET),
        ("BioBERTa", EntityType.MODEL),
        ("Foo", None),
    ],
)
def test_suffix_type(name, etype, res):
    assert candidates.suffix_type(name, res.affixes) is etype


def test_capitalised_uncommon_words_are_names():
    from kg.nlp.lists import capitalised_names

    common = frozenset({"weather", "anything", "model"})
    text = (
        "Title\n\nWe test Loki and Weather data. Figure Two shows Harry Potter fans. Nepali text."
    )
    languages = frozenset({"nepali"})
    found = [text[s:e] for s, e in capitalised_names(text, common, frozenset(), 5, languages)]
    # not an ordinary word, a sentence start, a capitalised run or a language
    assert found == ["Loki"]


def test_lower_case_items_listed_after_a_cue_noun():
    from kg.nlp.lists import such_as_lists
    from kg.records import EntityType

    cues = {"tasks": EntityType.TASK, "techniques": EntityType.METHOD, "models": EntityType.MODEL}
    text = (
        "T\n\nWe test tasks such as function calling, tool use and code completion. "
        "Techniques including pruning and quantization help. "
        "It covers settings such as handling longer texts and multilingual data. "
        "Some models such as tiny ones exist."
    )
    found = {(text[s:e], t) for s, e, t in such_as_lists(text, cues, frozenset(), 3)}
    assert found == {
        ("function calling", EntityType.TASK),
        ("tool use", EntityType.TASK),
        ("code completion", EntityType.TASK),
        ("pruning", EntityType.METHOD),
        ("quantization", EntityType.METHOD),
    }
