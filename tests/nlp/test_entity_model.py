"""The learned keep/type step after the entity rules (kg.nlp.entity_model), its training
(kg.train.entity_model, scripts/train_entity_model.py) and its shipped weights."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from kg.errors import DataFileError
from kg.evaluate import load_gold, score
from kg.extract import extract_papers
from kg.io import read_papers
from kg.nlp import build_nlp
from kg.nlp.entity_model import NONE, EntityModel, apply_model, features, read_model
from kg.nlp.resolve import Group
from kg.nlp.resources import DATA_DIR, load_resources
from kg.records import EntityType
from kg.train.entity_model import collect, cross_validate, fit, to_json

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "nlp" / "fixtures"
sys.path.insert(0, str(ROOT / "scripts"))
import train_entity_model  # noqa: E402

BLIND = {
    "trend-even", "trend5-a", "trend5-b", "classic4-a", "classic4-b", "trend6-a", "trend6-b",
    "classic5-a", "classic5-b", "scirex-blind", "scirex-final",
}  # fmt: skip


def _group(name: str, etype: EntityType, sources: set[str], start: int) -> Group:
    return Group(
        key=name.lower(),
        mentions=[(start, start + len(name))],
        type=etype,
        name=name,
        sources=sources,
    )


def test_the_shipped_model_is_trained_on_error_analysis_sets_only():
    data = json.loads((DATA_DIR / "entity_model.json").read_text(encoding="utf-8"))
    assert set(data["classes"]) == {t.value for t in EntityType} | {NONE}
    trained = set(data["trained_on"])
    assert trained == set(train_entity_model.TRAIN_SETS)
    assert not trained & BLIND and "seed-dev" not in trained
    assert all((FIXTURES / f"{s}-gold.jsonl").exists() for s in trained)
    model = load_resources().entity_model
    assert 0.5 <= model.threshold < 1 and len(model.weights) > 100


def test_apply_drops_what_the_model_calls_none_and_retypes_the_rest():
    text = "Title\n\nWe test Heron on KittyBench with speed."
    model = EntityModel(
        classes=("BENCHMARK", "METHOD", NONE),
        weights={"src=capitalised": (0.0, 0.0, 5.0), "next=with": (4.0, 0.0, 0.0)},
        intercept=(0.0, 1.0, 0.0),
        threshold=0.6,
    )
    groups = {
        "heron": _group("Heron", EntityType.METHOD, {"capitalised"}, text.index("Heron")),
        "kittybench": _group("KittyBench", EntityType.DATASET, {"shape"}, text.index("Kitty")),
    }
    kept = apply_model(text, 5, groups, {}, model)
    assert list(kept) == ["kittybench"]
    assert kept["kittybench"].type is EntityType.BENCHMARK  # "next=with" -> BENCHMARK


def test_a_model_without_classes_changes_nothing():
    text = "Title\n\nWe test Heron."
    groups = {"heron": _group("Heron", EntityType.METHOD, {"capitalised"}, 15)}
    assert apply_model(text, 5, groups, {}, EntityModel()) == groups


def test_features_name_no_capitalised_head():
    text = "Title\n\nWe train GPT-4 and a graph neural network."
    gpt = _group("GPT-4", EntityType.MODEL, {"gaz"}, text.index("GPT"))
    gnn = _group("graph neural network", EntityType.METHOD, {"head"}, text.index("graph"))
    assert not any(k.startswith("head=") for k in features(text, 5, gpt, ""))
    f = features(text, 5, gnn, "")
    assert f["head=network"] == 1.0 and f["prev=a"] == 1.0 and f["src=head|METHOD"] == 1.0


def test_features_name_the_cue_nouns_around_the_mentions():
    text = "Title\n\nWe test LiteFlowNet, a compact network, on the KITTI driving benchmark."
    cues = load_resources().cue_nouns
    net = _group("LiteFlowNet", EntityType.METHOD, {"shape"}, text.index("Lite"))
    kitti = _group("KITTI", EntityType.DATASET, {"gaz"}, text.index("KITTI"))
    f = features(text, 5, net, "", cues)
    assert f["cue_after=MODEL"] == 1.0  # "network"
    assert features(text, 5, kitti, "", cues)["cue_after=BENCHMARK"] == 1.0
    assert not any(k.startswith("cue_") for k in features(text, 5, net, ""))


def test_fit_learns_separable_rows_and_is_deterministic():
    rows = [({"src=capitalised": 1.0, "x": 1.0}, NONE, "a", "METHOD")] * 30
    rows += [({"src=gaz": 1.0, "x": 1.0}, "TASK", "b", "METHOD")] * 30
    one, two = fit(rows, c=1.0, threshold=0.6), fit(rows, c=1.0, threshold=0.6)
    assert to_json(one, ["a"], 1.0) == to_json(two, ["a"], 1.0)
    assert one.probabilities({"src=capitalised": 1.0, "x": 1.0})[NONE] > 0.9
    assert one.probabilities({"src=gaz": 1.0, "x": 1.0})["TASK"] > 0.9


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"classes": ["NONE", "MODEL"], "weights": {"a": [1]}, "intercept": [0, 0], '
     '"threshold": 0.5}', '{"classes": ["FOO"], "weights": {}, "intercept": [0], "threshold": 1}'],
)  # fmt: skip
def test_a_bad_model_file_is_a_one_line_error(tmp_path, content):
    path = tmp_path / "entity_model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_model(path)
    assert "\n" not in str(err.value) and "entity_model.json" in str(err.value)


@pytest.fixture(scope="module")
def training_rows():
    pairs = [
        (FIXTURES / f"{s}-papers.jsonl", FIXTURES / f"{s}-gold.jsonl")
        for s in train_entity_model.TRAIN_SETS
    ]
    return collect(pairs)


def test_the_script_rebuilds_the_shipped_file(training_rows):
    rows, _ = training_rows
    c, threshold = train_entity_model.C, train_entity_model.THRESHOLD
    model = fit(rows, c, threshold)
    rebuilt = to_json(model, list(train_entity_model.TRAIN_SETS), c)
    assert rebuilt == (DATA_DIR / "entity_model.json").read_text(encoding="utf-8")


def test_leave_one_set_out_the_model_beats_the_rules_alone(training_rows):
    rows, gold_counts = training_rows
    two = sorted({r[2] for r in rows})[:2]  # a quick check: two folds, each unseen
    subset = [r for r in rows if r[2] in two] + [r for r in rows if r[2] not in two]
    figures = cross_validate(
        subset, gold_counts, train_entity_model.C, train_entity_model.THRESHOLD, held=two
    )
    for name in two:
        before, after = figures[name]
        assert after >= before - 0.01
    before, after = figures["pooled"]
    assert after > before


def test_on_a_blind_set_the_learned_step_beats_the_rules_alone():
    gold = load_gold(FIXTURES / "trend-even-gold.jsonl")
    papers = list(read_papers([str(FIXTURES / "trend-even-papers.jsonl")]))
    rules = score(gold, extract_papers(papers, build_nlp(learned=False)))
    learned = score(gold, extract_papers(papers, build_nlp()))
    assert learned.entities.f1 >= rules.entities.f1 + 0.01
    assert learned.relations.f1 >= rules.relations.f1 - 0.01
