"""The local engine: a build's compact graph and parallel exports give exactly
the files of a plain graph exported one exporter after another."""

from __future__ import annotations

import os
import signal

import networkx as nx
import pytest

from kg.build import BuildOptions, build, read_extractions
from kg.engine.local import export_graph
from kg.errors import KgError
from kg.export import ExportOptions, write_all
from kg.graph import add_extraction, attach_texts, build_graph, node_data
from kg.paper_texts import PaperTexts
from kg.records import MENTIONS

OPTIONS = ExportOptions(rdf_formats=("turtle", "nt", "json-ld", "xml"))


def _files(folder, skip=("extractions.jsonl", "manifest.json")):
    """The outputs at a folder's documented paths (a build publishes them as links into
    its ``.kg-build-*`` folder, kg.publish)."""
    root = (folder / ".kg-current").resolve() if (folder / ".kg-current").exists() else folder
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def _compact(extractions_path, copy_to):
    """The compact graph of a build, its abstracts in a copy of extractions.jsonl."""
    import json

    graph = nx.MultiDiGraph()
    texts = PaperTexts(copy_to)
    with open(copy_to, "wb") as f:
        for ex in read_extractions(extractions_path):
            texts.write(f, json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True))
            add_extraction(graph, ex, compact=True)
    attach_texts(graph, texts)
    return graph, texts


@pytest.mark.parametrize("workers", [1, 2])
def test_build_equals_plain_graph_exported_sequentially(tmp_path, example_path, nlp, workers):
    out = tmp_path / "build"
    build([example_path], out, BuildOptions(workers=workers, export=OPTIONS), nlp=nlp)
    plain = build_graph(read_extractions(out / "extractions.jsonl"))
    assert all("abstract" in d for _, d in plain.nodes(data=True) if d["kind"] == "Paper")
    write_all(plain, tmp_path / "plain", OPTIONS)
    built, expected = _files(out), _files(tmp_path / "plain")
    assert set(built) == set(expected) and len(built) >= 10
    for name in expected:
        assert built[name] == expected[name], name


def test_compact_graph_reads_abstracts_back_and_shares_mentions(example_build, tmp_path):
    out, _ = example_build
    plain = build_graph(read_extractions(out / "extractions.jsonl"))
    graph, texts = _compact(out / "extractions.jsonl", tmp_path / "copy.jsonl")
    try:
        papers = [n for n, d in plain.nodes(data=True) if d["kind"] == "Paper"]
        assert papers and all("abstract" not in graph.nodes[n] for n in papers)
        for n in plain.nodes:
            assert list(node_data(graph, n).items()) == list(plain.nodes[n].items())
        edges = sorted(graph.edges(keys=True, data=True))
        assert edges == sorted(plain.edges(keys=True, data=True))
        mention_dicts = {id(d) for _, _, k, d in graph.edges(keys=True, data=True) if k == MENTIONS}
        counts = {d["count"] for _, _, k, d in graph.edges(keys=True, data=True) if k == MENTIONS}
        assert len(mention_dicts) == len(counts)  # one shared dict per count
        u, v, _ = next(e for e in graph.edges(keys=True) if e[2] == MENTIONS)
        with pytest.raises(TypeError, match="read-only"):
            graph.edges[u, v, MENTIONS]["count"] = 99
        mutable = graph.copy()
        mutable.edges[u, v, MENTIONS]["count"] = 99
        assert graph.edges[u, v, MENTIONS]["count"] != 99
    finally:
        texts.close()


def test_parallel_exporter_error_is_raised(example_build, tmp_path, monkeypatch):
    import kg.export.graphml as graphml

    out, _ = example_build
    graph = build_graph(read_extractions(out / "extractions.jsonl"))

    def boom(*a, **k):
        raise KgError("graphml: disk full")

    monkeypatch.setattr(graphml, "write", boom)
    with pytest.raises(KgError, match="disk full"):
        export_graph(graph, tmp_path, OPTIONS, workers=2)


def test_killed_exporter_process_fails_cleanly(example_build, tmp_path, monkeypatch):
    import kg.export.html as html

    out, _ = example_build
    graph = build_graph(read_extractions(out / "extractions.jsonl"))
    monkeypatch.setattr(html, "write", lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL))
    with pytest.raises(KgError, match="exporter process died"):
        export_graph(graph, tmp_path, OPTIONS, workers=2)
