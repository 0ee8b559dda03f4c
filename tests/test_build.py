"""End-to-end builds: every output written and read back by its own library,
determinism, workers, --update, and no half-written files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import pytest

from kg.build import BuildOptions, build, load_graph
from kg.export.nodelink import read_nodelink
from tests.conftest import REPO, write_jsonl

OUTPUTS = [
    "graph.json",
    "graph.graphml",
    "graph.gexf",
    "graph.cyjs",
    "graph.ttl",
    "void.ttl",
    "graph.html",
    "extractions.jsonl",
]


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
    assert after == before  # no new file published, nothing half-written
    assert len([p for p in out.iterdir() if p.name.startswith(".kg-build-")]) == 1  # no leftovers


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


# --------------------------------------------------------------------------- issue 11: builds


def _two_inputs(tmp_path, example_path):
    lines = example_path.read_text(encoding="utf-8").splitlines()
    return write_jsonl(tmp_path / "a.jsonl", lines[:2]), write_jsonl(tmp_path / "b.jsonl", lines)


def test_documented_paths_are_links_into_one_build_folder(tmp_path, example_path, nlp):
    out = tmp_path / "out"
    build([example_path], out, BuildOptions(), nlp=nlp)
    current = out / ".kg-current"
    assert current.is_symlink() and os.readlink(current).startswith(".kg-build-")
    for name in [*OUTPUTS, "neo4j", "manifest.json"]:
        assert os.readlink(out / name) == f".kg-current/{name}"
    assert read_nodelink(out / "graph.json").number_of_nodes() > 6


def test_a_second_build_into_a_locked_folder_is_refused(tmp_path, example_path, nlp):
    """Regression: two concurrent builds into one folder mixed their files, both exit 0."""
    from kg.errors import OutputError
    from kg.publish import lock_output

    out = tmp_path / "out"
    build([example_path], out, BuildOptions(), nlp=nlp)
    before = _files(out)
    with lock_output(out), pytest.raises(OutputError, match="another kg build .* is writing"):
        build([example_path], out, BuildOptions(), nlp=nlp)
    assert _files(out) == before
    build([example_path], out, BuildOptions(), nlp=nlp)  # free again once the lock is gone


def test_a_forked_worker_does_not_keep_the_lock(tmp_path):
    """Extraction workers are forked while the lock is held: were the build killed, a worker
    left alive must not hold the folder's lock for ever."""
    from kg.publish import lock_output

    out = tmp_path / "out"
    out.mkdir()
    ready, started = os.pipe()
    with lock_output(out):
        child = os.fork()
        if child == 0:  # a worker that outlives the build
            os.write(started, b"x")
            time.sleep(3)
            os._exit(0)
    os.read(ready, 1)  # the child runs (its fork hooks are done)
    os.close(ready)
    os.close(started)
    try:
        with lock_output(out):  # the build ended: free, though its child lives on
            pass
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)


def test_two_concurrent_cli_builds_leave_one_whole_build(tmp_path, example_path):
    a, b = _two_inputs(tmp_path, example_path)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["PYTHONPATH"] = str(REPO)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kg", "build", str(src), "--out", str(out), "--workers", "1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for src in (a, b)
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert any(code == 0 for code, _ in results), results
    for code, err in results:
        assert code == 0 or (code == 3 and "another kg build" in err), (code, err)
    papers = json.loads((out / "manifest.json").read_text())["papers"]
    lines = (out / "extractions.jsonl").read_text().splitlines()
    graph = read_nodelink(out / "graph.json")
    assert papers == len(lines) == sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "Paper")


def _interrupt_at(monkeypatch, step):
    """Make the ``step``-th file-system change of kg.publish raise, as a kill would stop it."""
    import kg.publish as publish_mod

    calls = {"n": 0}

    class Killed(BaseException):
        pass

    def wrap(func):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == step:
                raise Killed
            return func(*args, **kwargs)

        return wrapper

    for name in ("replace", "symlink", "unlink"):
        monkeypatch.setattr(publish_mod.os, name, wrap(getattr(os, name)))
    monkeypatch.setattr(publish_mod.shutil, "rmtree", wrap(shutil.rmtree))
    return Killed, calls


def test_publish_interrupted_at_any_step_shows_one_whole_build(tmp_path, example_path, nlp):
    """Regression: files were moved into place one by one, so a kill during the move left a
    mix of two builds. Now every output is seen from the old build or every one from the new."""
    from kg.publish import publish

    a, b = _two_inputs(tmp_path, example_path)
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    from kg.export import ExportOptions

    build([a], old_dir, BuildOptions(export=ExportOptions(rdf_formats=("turtle", "nt"))), nlp=nlp)
    build([b], new_dir, BuildOptions(), nlp=nlp)
    old, new = _files(old_dir), _files(new_dir)
    assert old["graph.json"] != new["graph.json"] and "graph.nt" in old and "graph.nt" not in new
    new_build = new_dir / os.readlink(new_dir / ".kg-current")
    step, finished = 0, False
    while not finished:
        step += 1
        out = tmp_path / f"run{step}"
        shutil.copytree(old_dir, out, symlinks=True)
        staging = out / ".kg-build-next"
        shutil.copytree(new_build, staging)
        with pytest.MonkeyPatch.context() as mp:
            killed, calls = _interrupt_at(mp, step)
            try:
                publish(staging, out)
                finished = True
            except killed:
                pass
        seen = _files(out)
        source = old if seen["graph.json"] == old["graph.json"] else new
        mixed = {k for k in seen if seen[k] != source.get(k)}
        assert not mixed, f"interrupted at step {step}: {sorted(mixed)} from the other build"
        if finished:
            assert seen == new
    assert step > 5  # the publish really has several steps


def test_stale_staging_folders_are_removed_by_the_next_build(tmp_path, example_path, nlp):
    """Regression: a killed build left its .kg-build-* folder forever."""
    out = tmp_path / "out"
    build([example_path], out, BuildOptions(), nlp=nlp)
    stale = out / ".kg-build-killed1"
    (stale / "neo4j").mkdir(parents=True)
    (stale / "graph.json").write_text("half")
    build([example_path], out, BuildOptions(), nlp=nlp)
    assert not stale.exists()
    assert len([p for p in out.iterdir() if p.name.startswith(".kg-build-")]) == 1


def test_a_rebuild_with_fewer_rdf_formats_leaves_no_old_files(tmp_path, example_path, nlp):
    """Regression: graph.jsonld/.nt/.rdf of an earlier build stayed, describing another graph."""
    from kg.export import ExportOptions

    out = tmp_path / "out"
    many = ExportOptions(rdf_formats=("turtle", "json-ld", "nt", "xml"))
    build([example_path], out, BuildOptions(export=many), nlp=nlp)
    assert {"graph.jsonld", "graph.nt", "graph.rdf"} <= set(_files(out))
    build([example_path], out, BuildOptions(), nlp=nlp)
    names = {p.name for p in out.iterdir() if not p.name.startswith(".")}
    assert names == {*OUTPUTS, "neo4j", "manifest.json"}
    assert _files(out) == _files(_fresh(tmp_path, example_path, nlp))


def _fresh(tmp_path, example_path, nlp):
    out = tmp_path / "fresh"
    build([example_path], out, BuildOptions(), nlp=nlp)
    return out


def test_update_over_a_folder_of_the_old_layout(tmp_path, example_path, nlp):
    """A folder written before the link layout (plain files) is updated and converted."""
    lines = example_path.read_text(encoding="utf-8").splitlines()
    first = write_jsonl(tmp_path / "first.jsonl", lines[:3])
    second = write_jsonl(tmp_path / "second.jsonl", lines[3:])
    build([first, second], tmp_path / "full", BuildOptions(), nlp=nlp)
    build([first], tmp_path / "new", BuildOptions(), nlp=nlp)
    legacy = tmp_path / "legacy"
    shutil.copytree(tmp_path / "new" / os.readlink(tmp_path / "new" / ".kg-current"), legacy)
    (legacy / "graph.nt").write_text("an old export")
    summary = build([second], legacy, BuildOptions(update=True), nlp=nlp)
    assert summary.papers_kept == 3 and summary.papers_read == 3
    assert _files(legacy) == _files(tmp_path / "full")
    assert os.readlink(legacy / "neo4j") == ".kg-current/neo4j"


def test_kg_html_rerenders_inside_the_current_build(tmp_path, example_path, nlp):
    from kg.cli import main

    out = tmp_path / "out"
    build([example_path], out, BuildOptions(), nlp=nlp)
    before = (out / "graph.html").read_bytes()
    assert main(["html", str(out), "--html-max-nodes", "5"]) == 0
    assert os.readlink(out / "graph.html") == ".kg-current/graph.html"  # still the link
    after = (out / ".kg-current" / "graph.html").read_bytes()
    assert after != before and (out / "graph.html").read_bytes() == after
