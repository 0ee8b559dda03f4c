"""kg.extract: the Extraction contract (offsets, order, streaming, parallel = serial)."""

from __future__ import annotations

import json

import pytest

from kg.extract import extract_papers
from kg.records import Extraction, Paper

PAPERS = [
    Paper(
        id="a",
        title="Quokka: A Vision Language Model for Charts",
        abstract="We introduce Quokka, which outperforms GPT-4V on ChartQA by 4.2% accuracy.",
    ),
    Paper(
        id="b",
        title="Sparse Token Routing for Retrieval",
        abstract="Sparse token routing (STR) beats ColBERT on MS MARCO and BEIR.",
    ),
    Paper(id="c", title="Empty Abstract: Still a Paper", abstract=""),
    Paper(
        id="d",
        title="<script>alert('x')</script>: A Test",
        abstract='Names like "Z\u00e9ta-Net\U0001f600" and '
        + "Q" * 2000
        + "Net appear.\n\nTwo paragraphs.",
    ),
    Paper(id="e", title="Multi\nline title about CIFAR-10", abstract="We report top-1 accuracy."),
]


@pytest.fixture(scope="module")
def extractions(nlp):
    return list(extract_papers(PAPERS, nlp, batch_size=2))


def test_one_extraction_per_paper_in_input_order(extractions):
    assert [ex.paper.id for ex in extractions] == [p.id for p in PAPERS]


def test_mention_offsets_point_into_their_field(extractions):
    for ex in extractions:
        for e in ex.entities:
            assert e.id == ""
            assert e.mentions and set(e.aliases) == {m.text for m in e.mentions}
            for m in e.mentions:
                assert m.field in ("title", "abstract")
                assert ex.paper.field_text(m.field)[m.start : m.end] == m.text


def test_relations_name_entities_of_the_same_paper(extractions):
    for ex in extractions:
        names = {e.name for e in ex.entities}
        for r in ex.relations:
            assert r.head == "PAPER" or r.head in names
            assert r.tail in names and r.evidence and r.rule


def test_extraction_round_trips_through_json(extractions):
    for ex in extractions:
        again = Extraction.from_dict(json.loads(json.dumps(ex.to_dict())))
        assert again.to_dict() == ex.to_dict()


def test_same_input_gives_identical_output(nlp, extractions):
    again = list(extract_papers(PAPERS, nlp, batch_size=64))
    assert [e.to_dict() for e in again] == [e.to_dict() for e in extractions]


def test_streams_lazily(nlp):
    seen = []

    def papers():
        for p in PAPERS:
            seen.append(p.id)
            yield p

    it = extract_papers(papers(), nlp, batch_size=1)
    assert seen == []
    first = next(it)
    assert first.paper.id == "a" and len(seen) < len(PAPERS)


def test_parallel_equals_serial(nlp, extractions):
    parallel = list(extract_papers(PAPERS, nlp, batch_size=2, n_process=2))
    assert [e.to_dict() for e in parallel] == [e.to_dict() for e in extractions]


def test_builds_a_pipeline_when_none_is_given():
    (ex,) = extract_papers(PAPERS[:1])
    assert any(e.name == "Quokka" for e in ex.entities)


@pytest.mark.parametrize(
    "abstract",
    [
        "See " + "(" * 30000 + "x" + ")" * 30000 + " and GPT-4 on COCO.",  # tokenizer worst case
        "1" * 200000 + " GPT-4 on COCO.",  # long digit run (regex worst case)
        "AB" * 50000 + " GPT-4 on COCO.",  # a 100k-character 'name'
        "Mail " + "a." * 50000 + "@b.com about GPT-4 on COCO.",  # e-mail scan worst case
        "We design a " + "ab " * 30000 + "sampler for GPT-4 on COCO.",  # a part's modifiers
    ],
)
def test_pathological_text_is_fast_and_keeps_offsets(nlp, abstract):
    import time

    from kg.extract import safe_make_doc
    from kg.nlp import paper_text

    paper = Paper(id="p", title="Stress", abstract=abstract)
    assert safe_make_doc(nlp, paper_text("Stress", abstract)).text == paper_text("Stress", abstract)
    start = time.perf_counter()
    (ex,) = extract_papers([paper], nlp)
    assert time.perf_counter() - start < 5
    assert {e.name for e in ex.entities} == {"GPT-4", "COCO"}
    for e in ex.entities:
        for m in e.mentions:
            assert ex.paper.field_text(m.field)[m.start : m.end] == m.text


def test_output_does_not_depend_on_hash_seed():
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import json; from kg.extract import extract_papers; from kg.records import Paper\n"
        "ps = [Paper(id='a', title='Quokka: A Model', abstract='Quokka (QK) beats GPT-4 and "
        "BERT on GLUE and SQuAD with 90% accuracy; we also release QBench.')]\n"
        "print(json.dumps([e.to_dict() for e in extract_papers(ps)], sort_keys=True))\n"
    )
    repo = Path(__file__).resolve().parent.parent
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(repo)}
        run = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outs.append(run.stdout)
    assert outs[0] == outs[1] and "Quokka" in outs[0]
