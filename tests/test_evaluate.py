"""kg.evaluate: gold loading and exact scores on a tiny hand-made gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import load_gold, match_key, score
from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

GOLD = [
    {
        "n": 1,
        "title": "Heron: Sparse Retrieval",
        "entities": [
            {"name": "Heron", "type": "METHOD", "aliases": ["Heron"], "introduced": True},
            {"name": "ColBERT", "type": "MODEL", "aliases": ["ColBERT"], "introduced": False},
            {"name": "MS MARCO", "type": "DATASET", "aliases": ["MS MARCO"], "introduced": False},
            {
                "name": "passage retrieval",
                "type": "TASK",
                "aliases": ["Passage Retrieval"],
                "introduced": False,
            },
        ],
        "relations": [
            {"type": "proposes", "head": "PAPER", "tail": "Heron"},
            {"type": "outperforms", "head": "Heron", "tail": "ColBERT"},
            {"type": "evaluates_on", "head": "Heron", "tail": "MS MARCO"},
        ],
    },
    {
        "n": 3,
        "title": "Missing Paper",
        "entities": [{"name": "X-Net", "type": "MODEL", "aliases": ["X-Net"], "introduced": False}],
        "relations": [],
    },
]


def _entity(name, etype, *texts):
    mentions = tuple(Mention(t, "abstract", 0, len(t)) for t in texts or (name,))
    return Entity(
        id="", name=name, type=etype, mentions=mentions, aliases=tuple(m.text for m in mentions)
    )


def _extractions():
    paper = Paper(id="heron-sparse-retrieval", title="Heron: Sparse Retrieval", abstract="")
    other = Paper(id="other", title="Not In Gold", abstract="")
    ents = (
        _entity("Heron", EntityType.METHOD),
        _entity("ColBERT", EntityType.METHOD),  # right thing, wrong type
        _entity("The MS-MARCO", EntityType.DATASET, "the MS-MARCO"),  # article, hyphen ignored
        _entity("BM25", EntityType.MODEL),  # not in gold
    )
    rels = (
        Relation(RelationType.PROPOSES, "PAPER", "Heron"),
        Relation(RelationType.OUTPERFORMS, "Heron", "ColBERT"),
        Relation(RelationType.OUTPERFORMS, "Heron", "BM25"),
    )
    return [Extraction(paper, ents, rels), Extraction(other, (_entity("Foo", EntityType.TASK),))]


def test_exact_scores():
    report = score(GOLD, _extractions())
    # strict: Heron, MS MARCO of 4 predicted / 5 gold; untyped adds ColBERT
    assert (report.entities.tp, report.entities.pred, report.entities.gold) == (2, 4, 5)
    assert report.entities.precision == pytest.approx(0.5)
    assert report.entities.recall == pytest.approx(0.4)
    assert report.entities.f1 == pytest.approx(2 * 0.5 * 0.4 / 0.9)
    assert (report.entities_untyped.tp, report.entities_untyped.f1) == (3, pytest.approx(2 / 3))
    # relations: proposes and outperforms(Heron, ColBERT) match; (Heron, BM25) does not
    assert (report.relations.tp, report.relations.pred, report.relations.gold) == (2, 3, 3)
    assert report.by_relation_type["outperforms"].precision == pytest.approx(0.5)
    assert report.by_entity_type["MODEL"].to_dict()["recall"] == 0.0
    assert (report.papers_gold, report.papers_matched) == (2, 1)


def test_format_text_ends_with_the_four_overall_lines():
    lines = score(GOLD, _extractions()).format_text().splitlines()
    assert lines[-4].startswith("papers: 1 of 2")
    assert lines[-3] == "entities (strict type): P 0.50 R 0.40 F1 0.44"
    assert lines[-2] == "entities (untyped): P 0.75 R 0.60 F1 0.67"
    assert lines[-1] == "relations: P 0.67 R 0.67 F1 0.67"


def test_to_dict_is_json():
    d = score(GOLD, _extractions()).to_dict()
    assert json.loads(json.dumps(d))["relations"]["overall"]["tp"] == 2


def test_matching_is_one_to_one():
    gold = [
        {
            "title": "T",
            "entities": [{"name": "GPT-4", "type": "MODEL", "aliases": ["GPT-4"]}],
            "relations": [],
        }
    ]
    paper = Paper(id="t", title="T", abstract="")
    ex = Extraction(paper, (_entity("GPT-4", EntityType.MODEL), _entity("GPT4", EntityType.MODEL)))
    report = score(gold, [ex])
    assert (report.entities.tp, report.entities.pred) == (1, 2)


@pytest.mark.parametrize(
    ("a", "b"),
    [("The Backdoor-Attacks", "backdoor attack"), ("Llama 2", "llama-2"), ("GPT-4o", "gpt4o")],
)
def test_match_key(a, b):
    assert match_key(a) == match_key(b)


def test_versions_do_not_match():
    assert match_key("GPT-4") != match_key("GPT-4o")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "x", "entities": []}\n{oops\n', ":2: invalid JSON"),
        ('{"entities": []}\n', ":1: expected an object with a 'title'"),
        ('{"title": "x", "entities": [{"name": "A", "type": "THING"}]}\n', ":1: bad entity"),
        ('{"title": "x", "relations": [{"type": "likes"}]}\n', ":1: bad relation"),
    ],
)
def test_load_gold_errors_name_the_line(tmp_path, text, message):
    path = tmp_path / "gold.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gold(path)


def test_load_gold_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot read gold file"):
        load_gold(tmp_path / "nope.jsonl")


@pytest.mark.shared
def test_dev_set_figures_stay_at_or_above_targets(nlp):
    gold_path = SHARED / "gold" / "seed-dev.jsonl"
    corpus = SHARED / "corpus" / "trending-papers.txt"
    if not gold_path.exists():
        pytest.skip("../shared is missing")
    from kg.extract import extract_papers
    from kg.io import read_papers

    report = score(load_gold(gold_path), extract_papers(read_papers([corpus]), nlp))
    assert report.papers_matched == report.papers_gold == 41
    assert report.entities.f1 >= 0.75
    assert report.relations.f1 >= 0.60
