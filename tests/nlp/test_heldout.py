"""Held-out dev sets we wrote ourselves (tests/nlp/fixtures): valid gold, and floors.

``heldout-*`` (35 abstracts across subfields) was used to find general weaknesses;
``blind-*`` (10 more) was written afterwards and is only measured, never tuned on;
``scirex-*`` are SciREX abstracts (``scripts/scirex_abstracts.py``) and ``trend-even-*``
the even-numbered papers of ../shared's trending page, annotated by the guideline for this
project: ``scirex-dev``/``scirex-dev2`` for error analysis, the others blind (only scored, see
the README's quality table). ``blind2-*`` (15 more: theory, survey, dataset, medical, speech,
robotics, recommender papers, 2019 and 2025 naming) was measured before any rule changed
(0.73 entity / 0.63 relation F1: the honest generalisation estimate), then used
to find general weaknesses (now 0.82 / 0.77).
``trend2-*``, ``trend3-*`` (2021-2026 papers, trending-page style) and ``classic-*``
(2015-2019 vision/NLP papers) are real abstracts from stored arXiv pages, collected and
annotated in session 3 (``-dev`` for error analysis, ``-blind`` only scored); ``trend4-*``
and ``classic3-*`` (session 4) and ``trend5-*`` and ``classic4-*`` (session 5) are blind.
Session 6 made the session 3-4 sets (``trend2-*``, ``trend3-*``, ``classic-*``,
``trend4-*``, ``classic3-*``) and ``scirex-dev*`` the error-analysis and training pool
(they train the learned keep/type step, ``scripts/train_entity_model.py``: their figures
are in-sample now) and added ``trend6-*`` and ``classic5-*`` (blind, only scored; trend6-b
leans to well-known papers). ``trend-even``, ``trend5-*``, ``classic4-*``, ``trend6-*``,
``classic5-*``, ``scirex-blind`` and ``scirex-final`` stay blind.
``trend-even-b-gold`` and ``scirex-final-b-gold`` are second, independent annotations of
two blind sets, and ``seed-dev-b-gold`` one of the seed-dev texts by an annotator who never
saw seed-dev.jsonl (annotator agreement, README).
Score them with ``kg eval --gold tests/nlp/fixtures/heldout-gold.jsonl
tests/nlp/fixtures/heldout-papers.jsonl`` (same for ``blind-``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import load_gold, score
from kg.extract import extract_papers
from kg.nlp import build_nlp
from kg.records import Paper

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SETS = {
    "heldout": (0.79, 0.80),
    "blind": (0.75, 0.74),
    "blind2": (0.78, 0.71),
    # real abstracts annotated by the guideline: SciREX (error analysis: dev, dev2; blind:
    # blind, final) and the other half of the shared trending page (blind); floors a little
    # under the figures of the code that wrote them, so a regression fails here
    "scirex-dev": (0.57, 0.46),
    "scirex-dev2": (0.59, 0.44),
    "scirex-blind": (0.57, 0.52),
    "scirex-final": (0.62, 0.38),
    "trend-even": (0.64, 0.51),
    # session 3: real 2015-2026 abstracts from stored arXiv pages, annotated by the guideline
    # by helpers who never saw kg: trend2/trend3 (recent, trending-page style) and classic
    # (2015-2019 vision/NLP); -dev for error analysis, -blind only scored
    "trend2-dev": (0.63, 0.57),
    "trend3-dev": (0.65, 0.59),
    "classic-dev": (0.58, 0.46),
    "trend2-blind": (0.56, 0.48),
    "trend3-blind": (0.59, 0.41),
    "classic-blind": (0.58, 0.38),
    # session 4: 160 more, blind (only scored): trend4 (2023-2026), classic3 (2015-2019)
    "trend4-a": (0.57, 0.53),
    "trend4-b": (0.52, 0.50),
    "classic3-a": (0.59, 0.48),
    "classic3-b": (0.61, 0.48),
    # session 5: 160 more, blind (only scored): trend5 (2024-2026), classic4 (2015-2019;
    # classic4-a leans to famous papers)
    "trend5-a": (0.56, 0.44),
    "trend5-b": (0.57, 0.41),
    "classic4-a": (0.65, 0.42),
    "classic4-b": (0.56, 0.38),
    # session 6: 109 more, blind (only scored): trend6 (2023-2026), classic5 (2015-2019)
    "trend6-a": (0.61, 0.57),
    "trend6-b": (0.63, 0.56),
    "classic5-a": (0.56, 0.37),
    "classic5-b": (0.61, 0.38),
    # session 7: 195 more, first scored blind by the session's starting code, then error
    # analysis and training data of the learned step: trend7 (2023-2026), classic7
    # (2015-2019), scirex7 (the 90 SciREX abstracts no earlier set used)
    "trend7-a": (0.68, 0.52),
    "trend7-b": (0.67, 0.61),
    "classic7": (0.63, 0.47),
    "scirex7-a": (0.68, 0.45),
    "scirex7-b": (0.64, 0.47),
    "scirex7-c": (0.67, 0.42),
}


def _papers(name: str) -> list[Paper]:
    lines = (FIXTURES / f"{name}-papers.jsonl").read_text(encoding="utf-8").splitlines()
    return [
        Paper(id=d["id"], title=d["title"], abstract=d["abstract"]) for d in map(json.loads, lines)
    ]


@pytest.mark.parametrize("name", sorted(SETS))
def test_gold_follows_the_guideline_format(name):
    papers = {p.title: p for p in _papers(name)}
    gold = load_gold(FIXTURES / f"{name}-gold.jsonl")
    assert len(gold) == len(papers)
    for g in gold:
        p = papers[g["title"]]
        text = p.title + "\n" + p.abstract
        names = {e["name"] for e in g["entities"]}
        for e in g["entities"]:
            assert e["aliases"] and all(a in text for a in e["aliases"]), e
        proposed = {r["tail"] for r in g["relations"] if r["type"] == "proposes"}
        assert proposed == {e["name"] for e in g["entities"] if e["introduced"]}
        for r in g["relations"]:
            assert r["tail"] in names and (r["head"] in names or r["head"] == "PAPER"), r


@pytest.fixture(scope="module")
def kg_nlp():
    return build_nlp()


@pytest.mark.parametrize("name", sorted(SETS))
def test_figures_stay_at_or_above_floors(kg_nlp, name):
    entity_floor, relation_floor = SETS[name]
    gold = load_gold(FIXTURES / f"{name}-gold.jsonl")
    report = score(gold, extract_papers(_papers(name), kg_nlp))
    assert report.papers_matched == len(gold)
    assert report.entities.f1 >= entity_floor
    assert report.relations.f1 >= relation_floor


SEED_DEV = Path(__file__).resolve().parents[3] / "shared" / "gold" / "seed-dev.jsonl"


@pytest.mark.parametrize(
    ("name", "floors"),
    [
        ("trend-even", (0.95, 0.95)),
        ("scirex-final", (0.85, 0.85)),
        pytest.param("seed-dev", (0.95, 0.95), marks=pytest.mark.shared),
    ],
)
def test_second_annotation_agrees_with_the_first(name, floors):
    """Two annotators (helpers who never saw kg nor each other's file) on the same blind set:
    the second scored against the first with kg's own scorer (README, annotator agreement).
    ``seed-dev-b-gold`` is ours of the texts of ../shared's adjudicated seed-dev, written from
    the guideline alone: how close our annotators come to the shared gold."""
    from types import SimpleNamespace as NS

    from kg.evaluate import EvalReport, score_paper
    from kg.records import EntityType, RelationType

    first = load_gold(SEED_DEV if name == "seed-dev" else FIXTURES / f"{name}-gold.jsonl")
    second = {g["title"]: g for g in load_gold(FIXTURES / f"{name}-b-gold.jsonl")}
    assert {g["title"] for g in first} == set(second)
    report = EvalReport(papers_gold=len(first))
    for g in first:
        b = second[g["title"]]
        ents = [
            NS(name=e["name"], aliases=e["aliases"], mentions=[], type=EntityType[e["type"]])
            for e in b["entities"]
        ]
        rels = [
            NS(type=RelationType(r["type"]), head=r["head"], tail=r["tail"]) for r in b["relations"]
        ]
        score_paper(NS(entities=ents, relations=rels), g, report)
    assert report.entities.f1 >= floors[0] and report.relations.f1 >= floors[1]
