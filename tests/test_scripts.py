"""The benchmark script's corpus builders (the benchmark prints figures; it is no test)."""

from __future__ import annotations

import importlib.util
import json

from kg.io import read_papers
from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("bench", REPO / "scripts" / "bench.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def _fake_scirex(path):
    text = "We train V - Net ( a CNN ) on PROMISE12 . It reaches 0.87 Dice , better than U - Net ."
    words = text.split()
    doc = {
        "words": words * 3,
        "sentences": [[0, 10], [10, 24], [24, 48], [48, 72]],
        "sections": [[0, 72]],
    }
    path.write_text(json.dumps(doc) + "\n" + json.dumps(doc) + "\n", encoding="utf-8")
    return path


def test_detokenize_rejoins_punctuation_and_hyphens():
    assert (
        bench.detokenize("V - Net ( a CNN ) reaches 0.87 .".split())
        == "V-Net (a CNN) reaches 0.87."
    )


def test_synthetic_corpus_has_unique_readable_papers(tmp_path):
    sents = bench.load_sentences(_fake_scirex(tmp_path / "s.jsonl"))
    assert sents and all("  " not in s for s in sents)
    corpus = bench.synthetic_corpus(sents * 3, 50, tmp_path / "c.jsonl")
    papers = list(read_papers([corpus]))
    assert len(papers) == 50  # no title collides, so nothing is merged as a duplicate
    assert len({p.id for p in papers}) == 50


def test_paragraphs_are_abstract_sized(tmp_path):
    texts = bench.load_paragraphs(_fake_scirex(tmp_path / "s.jsonl"), limit=3, words_per_text=20)
    assert 1 <= len(texts) <= 3
    assert all(len(t.split()) >= 20 for t in texts)
