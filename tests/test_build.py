"""End-to-end builds: every output written and read back by its own library,
determinism, workers, --update, and no half-written files."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from kg.build import BuildOptions, build, load_graph
from kg.export.nodelink import read_nodelink
from tests.conftest import write_jsonl

OUTPUTS = ["graph.json", "graph.graphml", "graph.ttl", "graph.html", "extractions.jsonl"]


def _files(folder):
    """What a reader of a build folder sees at the documented paths (through the links):
    relative path -> bytes; the hidden build machinery (.kg-*) is left out."""
    found = {}
    for top in sorted(folder.iterdir()):
        if top.name.startswith("."):
            continue
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for p in paths:
            found[(Path(top.name) / p.relative_to(top)).as_posix()] = p.read_bytes()
    return found


def test_example_build_writes_every_output(example_build):
    out, summary = example_build
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 0, name
    assert (out / "neo4j").is_dir() and any((out / "neo4j").iterdir())
    assert summary.papers_read == 6
    assert summary.entities_by_type["DATASET"] >= 3


@pytest.mark.shared
def test_shared_corpus_build_reads_back(shared_build):
    import rdflib

    out, summary = shared_build
    assert summary.papers_read == 82 and not summary.skipped
    g = read_nodelink(out / "graph.json")
    assert sum(1 for _, d in g.nodes(data=True) if d["kind"] == "Paper") == 82
    gml = nx.read_graphml(out / "graph.graphml")
    assert gml.number_of_nodes() == g.number_of_nodes()
    assert gml.number_of_edges() == g.number_of_edges()
    rdf = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    assert len(rdf) > g.number_of_nodes()
    lines = (out / "extractions.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 82
    for line in lines:
        rec = json.loads(line)
        texts = {"title": rec["paper"]["title"], "abstract": rec["paper"]["abstract"]}
        for ent in rec["entities"]:
            assert ent["id"] in g
            for m in ent["mentions"]:
                assert texts[m["field"]][m["start"] : m["end"]] == m["text"]


def test_same_input_gives_byte_identical_outputs(tmp_path, example_path, nlp):
    build([example_path], tmp_path / "a", BuildOptions(), nlp=nlp)
    build([example_path], tmp_path / "b", BuildOptions(), nlp=nlp)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_two_workers_give_identical_output(tmp_path, example_path):
    build([example_path], tmp_path / "one", BuildOptions(workers=1, batch_size=2))
    build([example_path], tmp_path / "two", BuildOptions(workers=2, batch_size=2))
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_update_equals_full_rebuild(tmp_path, example_path, nlp):
    lines = example_path.read_text(encoding="utf-8").splitlines()
    first = write_jsonl(tmp_path / "first.jsonl", lines[:3])
    second = write_jsonl(tmp_path / "second.jsonl", lines[2:])  # overlaps by one paper
    build([first, second], tmp_path / "full", BuildOptions(), nlp=nlp)
    build([first], tmp_path / "inc", BuildOptions(), nlp=nlp)
    summary = build([second], tmp_path / "inc", BuildOptions(update=True), nlp=nlp)
    assert summary.papers_kept == 3 and summary.papers_read == 3
    assert _files(tmp_path / "full") == _files(tmp_path / "inc")


def test_update_needs_an_earlier_build(tmp_path, example_path, nlp):
    from kg.errors import KgError

    with pytest.raises(KgError, match="no kg build"):
        build([example_path], tmp_path / "none", BuildOptions(update=True), nlp=nlp)


def test_failed_export_leaves_earlier_files_whole(tmp_path, example_path, nlp, monkeypatch):
    out = tmp_path / "out"
    first = write_jsonl(tmp_path / "first.jsonl", example_path.read_text().splitlines()[:2])
    build([first], out, BuildOptions(), nlp=nlp)
    before = _files(out)

    import kg.export.html as html

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(html, "write", boom)
    with pytest.raises(RuntimeError):
        build([example_path], out, BuildOptions(), nlp=nlp)
    after = _files(out)
    assert after == before  # no new file published, nothing half-written, no temp files left


def test_load_graph_of_a_folder_without_build(tmp_path):
    from kg.errors import KgError

    with pytest.raises(KgError, match="kg build"):
        load_graph(tmp_path)


def test_update_skips_a_known_paper_exactly_as_a_full_build_does(tmp_path, nlp):
    """Regression: --update compared titles with another normalisation than the readers,
    so a title differing only in punctuation was merged by a full build but added again
    by an update."""
    old = {"id": "a1", "title": "Sparse Experts: Routing at Scale", "abstract": "We study MoE."}
    new = {"id": "b2", "title": "Sparse Experts - Routing at Scale!", "abstract": "We study MoE."}
    first = write_jsonl(tmp_path / "first.jsonl", [old])
    second = write_jsonl(tmp_path / "second.jsonl", [new])
    full = build([first, second], tmp_path / "full", BuildOptions(), nlp=nlp)
    build([first], tmp_path / "inc", BuildOptions(), nlp=nlp)
    inc = build([second], tmp_path / "inc", BuildOptions(update=True), nlp=nlp)
    assert full.duplicates == inc.duplicates == 1
    assert _files(tmp_path / "full") == _files(tmp_path / "inc")
