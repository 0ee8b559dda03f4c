"""``--engine dask`` on a 2-worker LocalCluster (127.0.0.1, no dashboard): the same
graph as the local engine, for any partitioning, in parts that each parse."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from kg.build import BuildOptions, build
from kg.export import ExportOptions
from tests.conftest import CORPUS, SHARED

if os.environ.get("CI") != "true":
    pytest.importorskip("distributed")
    pytest.importorskip("pyarrow")

SCIREX = SHARED / "data" / "scirex" / "scirex-train-docs.jsonl"
NT = ExportOptions(rdf_formats=("turtle", "nt"))


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    ) as c:
        yield c


def _dask(inputs, out, cluster, size, **kw):
    options = BuildOptions(
        engine="dask",
        scheduler=cluster.scheduler_address,
        partition_size=size,
        export=NT,
        **kw,
    )
    return build(inputs, out, options)


def _local(inputs, out, nlp):
    return build(inputs, out, BuildOptions(workers=1, export=NT), nlp=nlp)


def _parquet_rows(folder: Path) -> list[str]:
    import pyarrow.parquet as pq

    rows = []
    for part in sorted(folder.glob("part-*.parquet")):
        rows += [json.dumps(r, sort_keys=True) for r in pq.read_table(part).to_pylist()]
    return sorted(rows)


def _csv_rows(paths) -> list[tuple]:
    rows = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            rows += [tuple(r) for r in csv.reader(f)]
    return sorted(rows)


def assert_same_graph(local: Path, dist: Path) -> None:
    """Everything a local build has, in the dask build's parts."""
    import rdflib

    from kg.engine.parts import table_rows
    from kg.export.nodelink import read_nodelink

    # extractions: the same lines, in input order
    parts = sorted((dist / "extractions").glob("part-*.jsonl"))
    assert b"".join(p.read_bytes() for p in parts) == (local / "extractions.jsonl").read_bytes()
    # tables: node ids, attributes, edges and claims of the local graph
    graph = read_nodelink(local / "graph.json")
    for table, rows in table_rows(graph).items():
        expected = sorted(json.dumps(r, sort_keys=True) for r in rows)
        assert _parquet_rows(dist / "tables" / table) == expected, table
    # N-Triples: every part parses; their union is the local graph.nt
    lines = set()
    for part in sorted((dist / "rdf").glob("part-*.nt")):
        rdflib.Graph().parse(part, format="nt")
        lines |= set(part.read_text(encoding="utf-8").splitlines())
    assert lines == set((local / "graph.nt").read_text(encoding="utf-8").splitlines())
    # VoID names each part as a void:dataDump
    void = rdflib.Graph().parse(dist / "rdf" / "void.ttl", format="turtle")
    dumps = {
        Path(str(o).removeprefix("file://")).name
        for o in void.objects(None, rdflib.URIRef(VOID_DUMP))
    }
    assert dumps == {p.name for p in (dist / "rdf").glob("part-*.nt")}
    # neo4j-admin CSVs: header + parts hold exactly the local rows
    for name in ("papers", "entities", "mentions", "claims"):
        header = (dist / "neo4j" / f"{name}.header.csv").read_text(encoding="utf-8")
        local_csv = (local / "neo4j" / f"{name}.csv").read_text(encoding="utf-8")
        assert header == local_csv.split("\n", 1)[0] + "\n"
        rows = _csv_rows(sorted((dist / "neo4j").glob(f"{name}-*.csv")))
        expected = _csv_rows([local / "neo4j" / f"{name}.csv"])
        expected.remove(tuple(next(csv.reader([header]))))
        assert rows == expected, name


VOID_DUMP = "http://rdfs.org/ns/void#dataDump"


@pytest.mark.parametrize("size", [1, 4, 100])
def test_example_equals_local_build_for_any_partitioning(
    tmp_path, example_path, nlp, cluster, size
):
    local = tmp_path / "local"
    ls = _local([example_path], local, nlp)
    ds = _dask([example_path], tmp_path / "dask", cluster, size)
    assert_same_graph(local, tmp_path / "dask")
    assert (ds.nodes, ds.edges, ds.papers_read) == (ls.nodes, ls.edges, ls.papers_read)
    assert ds.entities_by_type == ls.entities_by_type
    assert ds.relations_by_type == ls.relations_by_type


@pytest.mark.shared
def test_shared_corpus_equals_local_build(tmp_path, nlp, cluster, shared_build):
    local = tmp_path / "local"
    _local([CORPUS], local, nlp)
    _dask([CORPUS], tmp_path / "dask", cluster, 20)
    assert_same_graph(local, tmp_path / "dask")


@pytest.mark.shared
def test_2k_synthetic_corpus_equals_local_build(tmp_path, nlp, cluster):
    from tests.test_scripts import bench

    if not SCIREX.exists():
        pytest.skip(f"{SCIREX} is missing")
    sentences = bench.load_sentences(SCIREX, abstracts_only=True)
    corpus = bench.synthetic_corpus(sentences, 2000, tmp_path / "synth.jsonl")
    local = tmp_path / "local"
    _local([corpus], local, nlp)
    _dask([corpus], tmp_path / "dask", cluster, 300)
    assert_same_graph(local, tmp_path / "dask")


def test_bad_records_are_skipped_and_counted_as_locally(tmp_path, example_path, nlp, cluster):
    lines = example_path.read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([lines[0], "{not json", '{"title": ""}', *lines[1:3]]) + "\n")
    ls = _local([bad], tmp_path / "local", nlp)
    ds = _dask([bad], tmp_path / "dask", cluster, 2)
    assert ls.skipped and ds.skipped == ls.skipped
    assert ds.papers_read == ls.papers_read == 3


def _with_duplicates(example_path: Path, path: Path) -> Path:
    """The example plus duplicates: by id, by title (other case), and a paper whose id is
    only that of a dropped duplicate (kept: a dropped paper blocks nothing)."""
    ex = [json.loads(line) for line in example_path.read_text(encoding="utf-8").splitlines()]
    by_id = {**ex[2], "id": ex[0]["id"], "title": "Another title"}
    by_title = {**ex[3], "id": "dup-title", "title": ex[1]["title"].upper()}
    dropped = {**ex[4], "id": "dup-chain", "title": ex[1]["title"]}
    kept = {**ex[5], "id": "dup-chain", "title": "A paper of its own"}
    rows = [ex[0], ex[1], by_id, by_title, ex[2], dropped, ex[3], kept, ex[4], ex[5]]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_duplicates_are_dropped_as_locally_by_the_workers(
    tmp_path, example_path, nlp, cluster, monkeypatch
):
    """The same duplicates as a local build, found without the driver remembering any
    paper: a duplicate check in the driver (kg.io.common.KnownPapers) fails this test."""
    from kg.io.common import KnownPapers

    corpus = _with_duplicates(example_path, tmp_path / "dups.jsonl")
    ls = _local([corpus], tmp_path / "local", nlp)
    assert (ls.duplicates, ls.papers_read) == (3, 7)

    def remember(self, paper):
        raise AssertionError(f"the driver remembered paper {paper.id}")

    monkeypatch.setattr(KnownPapers, "add", remember)
    for size in (1, 3):
        ds = _dask([corpus], tmp_path / f"dask{size}", cluster, size)
        assert (ds.duplicates, ds.papers_read) == (3, 7)
        assert_same_graph(tmp_path / "local", tmp_path / f"dask{size}")


def test_sample_outputs_say_what_they_hold(tmp_path, example_path, cluster):
    from kg.export.nodelink import read_nodelink

    _dask([example_path], tmp_path / "d", cluster, 2, sample_nodes=5)
    sample = read_nodelink(tmp_path / "d" / "graph.json")
    assert sample.number_of_nodes() == 5
    assert "5 entities in the most papers" in sample.graph["sample"]
    assert (tmp_path / "d" / "graph.html").stat().st_size > 0
    # only the published build folder is left (kg.publish: no staging leftovers)
    current = (tmp_path / "d" / ".kg-current").resolve()
    assert list(tmp_path.glob("d/.kg-build-*")) == [current]


def test_import_script_names_every_header_and_part(tmp_path, example_path, cluster):
    _dask([example_path], tmp_path / "d", cluster, 2)
    folder = tmp_path / "d" / "neo4j"
    script = (folder / "import.sh").read_text(encoding="utf-8")
    for path in folder.glob("*.csv"):
        assert f'"$HERE/{path.name}"' in script, path.name
    assert script.count("--nodes=") == 2 and script.count("--relationships=") == 2


def test_killed_worker_is_replaced_and_the_output_is_whole(tmp_path, example_path, nlp):
    marker = tmp_path / "killed"
    os.environ["KG_DASK_KILL_WORKER_ONCE"] = str(marker)
    try:
        options = BuildOptions(engine="dask", workers=2, partition_size=2, export=NT)
        build([example_path], tmp_path / "dask", options)
    finally:
        del os.environ["KG_DASK_KILL_WORKER_ONCE"]
    assert marker.exists(), "a worker was killed"
    _local([example_path], tmp_path / "local", nlp)
    assert_same_graph(tmp_path / "local", tmp_path / "dask")


def test_unreachable_scheduler_is_one_line(tmp_path, example_path):
    from kg.errors import KgError

    options = BuildOptions(engine="dask", scheduler="tcp://127.0.0.1:9")
    with pytest.raises(KgError, match="cannot reach the Dask scheduler"):
        build([example_path], tmp_path / "d", options)
    assert not list(tmp_path.glob("d/.kg-build-*"))  # nothing published, nothing left


def test_local_cluster_listens_on_loopback_only():
    from kg.engine.dask import connect

    with connect(BuildOptions(engine="dask", workers=1)) as client:
        info = client.scheduler_info()
        addresses = [info["address"], *info["workers"]]
        assert addresses and all(a.startswith("tcp://127.0.0.1:") for a in addresses)
        assert "bokeh" not in str(info.get("services"))


def test_cli_build_with_a_running_scheduler(tmp_path, example_path, cluster, capsys):
    from kg.cli import main

    out = tmp_path / "d"
    argv = ["build", str(example_path), "--out", str(out), "--engine", "dask"]
    argv += ["--scheduler", cluster.scheduler_address, "--partition-size", "3", "--no-progress"]
    assert main(argv) == 0
    assert "papers read: 6" in capsys.readouterr().out
    assert json.loads((out / "manifest.json").read_text())["engine"] == "dask"
    assert len(list((out / "extractions").glob("part-*.jsonl"))) == 2


def test_sample_lists_are_capped_and_counts_stay_whole(example_build):
    from kg.build import read_extractions
    from kg.engine.dask import sample_part
    from kg.graph import build_graph

    out, _ = example_build
    graph = build_graph(read_extractions(out / "extractions.jsonl"))
    entities = [n for n, d in graph.nodes(data=True) if d["kind"] != "Paper"]
    busiest = max(entities, key=lambda n: len(graph.nodes[n]["papers"]))
    assert len(graph.nodes[busiest]["papers"]) > 1
    pieces = sample_part(graph, set(entities), cap=1)
    data = dict((n, d) for n, d, _ in pieces)[busiest]
    assert data["papers"] == graph.nodes[busiest]["papers"][:1]
    assert data["paper_count"] == len(graph.nodes[busiest]["papers"])
    assert all(len(d["claims"]) <= 1 for _, _, edges in pieces for _, _, d in edges)


def test_sample_edges_are_capped_by_support():
    """The driver's sample must not grow with the corpus: a hub keeps its most supported
    edges only."""
    import networkx as nx

    from kg.engine.dask import SAMPLE_EDGES_MAX, sample_part

    g = nx.MultiDiGraph()
    g.add_node("model:hub", papers=["p"] * 50, introduced_by=[])
    chosen = {"model:hub"}
    for i in range(40):
        g.add_node(f"dataset:d{i:02d}", papers=["p"], introduced_by=[])
        chosen.add(f"dataset:d{i:02d}")
        g.add_edge("model:hub", f"dataset:d{i:02d}", key="evaluates_on", support=i, claims=[1] * 30)
    (piece,) = [p for p in sample_part(g, chosen) if p[0] == "model:hub"]
    _, data, edges = piece
    assert len(edges) == SAMPLE_EDGES_MAX
    assert [v for v, _, _ in edges][:2] == ["dataset:d39", "dataset:d38"]
    assert all(len(d["claims"]) <= 10 for _, _, d in edges) and data["paper_count"] == 50
