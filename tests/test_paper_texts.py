"""Abstracts kept on disk: written once, read back exactly (quotes, escapes, Unicode)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.paper_texts import PaperTexts
from kg.records import Extraction, Paper


def _line(paper: Paper) -> str:
    return json.dumps(Extraction(paper).to_dict(), ensure_ascii=False, sort_keys=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(), min_size=1, max_size=5))
def test_every_abstract_reads_back_exactly(tmp_path_factory, abstracts):
    path = tmp_path_factory.mktemp("texts") / "extractions.jsonl"
    texts = PaperTexts(path)
    papers = [Paper(f"p{i}", f"T {i}", a) for i, a in enumerate(abstracts)]
    with open(path, "wb") as f:
        for p in papers:
            texts.write(f, _line(p), p.id)
    try:
        assert [texts.abstract(p.id) for p in papers] == abstracts
        assert len(texts) == len(papers)
    finally:
        texts.close()
    # the file holds exactly the lines, so extractions.jsonl is unchanged
    assert path.read_text(encoding="utf-8") == "".join(_line(p) + "\n" for p in papers)


def test_tricky_abstract_with_the_marker_inside_it(tmp_path):
    tricky = 'He said "paper": {"abstract": "x"} \\" \\\\ é \u2028 ✓'
    path = tmp_path / "e.jsonl"
    texts = PaperTexts(path)
    paper = Paper("p1", '"paper": {"abstract": "t"}', tricky)
    with open(path, "wb") as f:
        texts.write(f, _line(paper))  # paper id found in the line itself
    assert texts.abstract("p1") == tricky
    texts.close()
