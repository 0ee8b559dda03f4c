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
annotated in session 3 (``-dev`` for error analysis, ``-blind`` only scored).
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
    "heldout": (0.75, 0.75),
    "blind": (0.66, 0.60),
    "blind2": (0.76, 0.70),
    # real abstracts annotated by the guideline: SciREX (error analysis: dev, dev2; blind:
    # blind, final) and the other half of the shared trending page (blind); floors a little
    # under the figures of the code that wrote them, so a regression fails here
    "scirex-dev": (0.52, 0.45),
    "scirex-dev2": (0.53, 0.35),
    "scirex-blind": (0.51, 0.48),
    "scirex-final": (0.52, 0.23),
    "trend-even": (0.59, 0.47),
    # session 3: real 2015-2026 abstracts from stored arXiv pages, annotated by the guideline
    # by helpers who never saw kg: trend2/trend3 (recent, trending-page style) and classic
    # (2015-2019 vision/NLP); -dev for error analysis, -blind only scored
    "trend2-dev": (0.60, 0.54),
    "trend3-dev": (0.61, 0.55),
    "classic-dev": (0.53, 0.36),
    "trend2-blind": (0.54, 0.48),
    "trend3-blind": (0.59, 0.42),
    "classic-blind": (0.54, 0.34),
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
