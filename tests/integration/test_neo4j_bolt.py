"""Pushing the graph to a real Neo4j server (started by the fixture, or NEO4J_URI)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from neo4j.exceptions import ConstraintError
from neo4j_helpers import REPO, server_counts

from kg.errors import ExportError
from kg.export import neo4j_bolt
from kg.export.cypher import expected_counts
from kg.export.neo4j_files import read_cookbook
from kg.graph import build_graph
from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType

pytestmark = pytest.mark.neo4j

NASTY = (
    'it\'s a "quoted" \\ backslash \\b \\n not-a-newline\nreal newline\r\ttab '
    "x'}) MATCH (n) DETACH DELETE n // $rows {id} `tick` <script>alert(1)</script> "
    "emoji \U0001f600 \u2028 caf\u00e9"
)


def _paper(pid: str, title: str = "A paper", abstract: str = "An abstract.") -> Paper:
    return Paper(pid, title, abstract, year=2024, authors=("A. O'Neil", "B. \\ C."))


def _claim_extraction(pid: str, evidence: str, confidence: float, value=None) -> Extraction:
    """Paper ``pid`` says MegaNet outperforms BaseNet on ToyBench."""
    ents = tuple(
        Entity(id="", name=n, type=t, mentions=(Mention(n, "abstract", 0, len(n)),), aliases=(n,))
        for n, t in (
            ("MegaNet", EntityType.MODEL),
            ("BaseNet", EntityType.MODEL),
            ("ToyBench", EntityType.BENCHMARK),
        )
    )
    rels = (
        Relation(RelationType.OUTPERFORMS, "MegaNet", "BaseNet", evidence, "r1", confidence, value),
        Relation(RelationType.EVALUATES_ON, "MegaNet", "ToyBench", evidence, "r2", confidence),
    )
    return Extraction(_paper(pid), ents, rels)


def _graph(extractions):
    from kg.link import Linker

    return build_graph(Linker().link_all(extractions))


def _snapshot(session) -> tuple[list, list]:
    nodes = session.read("MATCH (n) RETURN n.id AS id, properties(n) AS props")
    rels = session.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props"
    )
    return (
        sorted((r["id"], sorted(r["props"].items())) for r in nodes),
        sorted((r["a"], r["t"], r["b"], sorted(r["props"].items())) for r in rels),
    )


# --- counts, idempotence, merging ------------------------------------------------------


def test_push_counts_equal_the_graph(bolt, bolt_settings, gold_linked):
    graph = build_graph(gold_linked)
    summary = neo4j_bolt.push(graph, **bolt_settings)
    labels, types = expected_counts(graph)
    assert server_counts(bolt) == (labels, types)
    assert summary.nodes_created == graph.number_of_nodes()
    assert summary.relationships_created == graph.number_of_edges()
    assert sum(summary.nodes.values()) == graph.number_of_nodes()
    assert summary.relationships == {k: types[k] for k in summary.relationships}
    assert "pushed to" in summary.format_text()


def test_push_twice_changes_nothing(bolt, bolt_settings, gold_linked):
    graph = build_graph(gold_linked)
    neo4j_bolt.push(graph, **bolt_settings)
    before = _snapshot(bolt)
    again = neo4j_bolt.push(graph, **bolt_settings)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert _snapshot(bolt) == before


def test_second_corpus_merges_into_the_first(bolt, bolt_settings, gold_linked):
    first, second = gold_linked[:25], gold_linked[20:]  # five papers in both
    neo4j_bolt.push(build_graph(first), **bolt_settings)
    neo4j_bolt.push(build_graph(second), **bolt_settings)
    whole = build_graph(gold_linked)
    assert server_counts(bolt) == expected_counts(whole)
    rows = bolt.read("MATCH (e:Entity) RETURN e.id AS id, e.papers AS papers, e.paperCount AS n")
    for row in rows:
        assert sorted(row["papers"]) == whole.nodes[row["id"]]["papers"]
        assert row["n"] == len(row["papers"])
    rels = bolt.read(
        "MATCH (a)-[r]->(b) WHERE r.support IS NOT NULL "
        "RETURN a.id AS a, type(r) AS t, b.id AS b, r.papers AS papers, r.support AS support"
    )
    assert len(rels) == whole.number_of_edges() - expected_counts(whole)[1]["MENTIONS"]
    for row in rels:
        claims = whole.edges[row["a"], row["b"], row["t"].lower()]["claims"]
        assert sorted(row["papers"]) == sorted(c["paper"] for c in claims)
        assert row["support"] == len(claims)


def test_claims_accumulate_and_restated_claims_replace(bolt, bolt_settings):
    neo4j_bolt.push(_graph([_claim_extraction("p1", "first says so", 0.6)]), **bolt_settings)
    neo4j_bolt.push(_graph([_claim_extraction("p2", "second agrees", 0.8, "3.5")]), **bolt_settings)
    query = (
        "MATCH (:Model {name: 'MegaNet'})-[r:OUTPERFORMS]->(:Model {name: 'BaseNet'}) "
        "RETURN r.papers AS papers, r.evidence AS evidence, r.confidences AS conf, "
        "r.values AS vals, r.support AS support, r.confidence AS confidence"
    )
    (row,) = bolt.read(query)
    assert row["papers"] == ["p1", "p2"]
    assert row["evidence"] == ["first says so", "second agrees"]
    assert row["vals"] == ["", "3.5"]
    assert row["support"] == 2 and row["confidence"] == pytest.approx(0.8)
    # p1 is pushed again with a new sentence: its claim is replaced, not added
    neo4j_bolt.push(_graph([_claim_extraction("p1", "first, restated", 0.9)]), **bolt_settings)
    (row,) = bolt.read(query)
    assert row["papers"] == ["p2", "p1"]
    assert row["evidence"] == ["second agrees", "first, restated"]
    assert row["support"] == 2 and row["confidence"] == pytest.approx(0.9)
    (ent,) = bolt.read("MATCH (e:Model {name: 'MegaNet'}) RETURN e.papers AS p, e.paperCount AS n")
    assert sorted(ent["p"]) == ["p1", "p2"] and ent["n"] == 2
    assert server_counts(bolt)[0]["Model"] == 2


# --- untrusted text ---------------------------------------------------------------------


def test_nasty_strings_round_trip_as_parameters(bolt, bolt_settings):
    name = "Nasty" + NASTY[:120]
    ent = Entity(id="", name=name, type=EntityType.METHOD, aliases=(name, "N'x"))
    rel = Relation(RelationType.PROPOSES, "PAPER", name, NASTY, "rule'1", 0.5)
    graph = _graph([Extraction(_paper("p'1", NASTY, NASTY), (ent,), (rel,))])
    neo4j_bolt.push(graph, **bolt_settings)
    (paper,) = bolt.read("MATCH (p:Paper) RETURN p.title AS t, p.abstract AS a, p.authors AS au")
    assert paper["t"] == NASTY and paper["a"] == NASTY
    assert paper["au"] == ["A. O'Neil", "B. \\ C."]
    (e,) = bolt.read("MATCH (e:Method) RETURN e.name AS name, e.aliases AS aliases")
    assert e["name"] == name and sorted(e["aliases"]) == sorted({name, "N'x"})
    (r,) = bolt.read(
        "MATCH (:Paper {paperId: $p})-[r:PROPOSES]->() RETURN r.evidence AS ev", {"p": "p'1"}
    )
    assert r["ev"] == [NASTY]
    assert server_counts(bolt) == expected_counts(graph)


def test_very_long_values_are_pushed(bolt, bolt_settings):
    long_name = "Long" + "model name " * 190  # about 2,000 characters
    abstract = "word " * 1200
    ent = Entity(id="", name=long_name, type=EntityType.MODEL, aliases=(long_name,))
    graph = _graph([Extraction(_paper("long", "Long", abstract), (ent,), ())])
    summary = neo4j_bolt.push(graph, **bolt_settings)
    assert server_counts(bolt) == expected_counts(graph)
    (row,) = bolt.read("MATCH (p:Paper)-[:MENTIONS]->(e:Model) RETURN p.abstract AS a, e.name AS n")
    assert summary.truncated == 0
    assert (row["n"], row["a"]) == (long_name, abstract)  # whole, on Neo4j


def test_batch_size_one_gives_the_same_graph(bolt, bolt_settings, gold_linked):
    graph = build_graph(gold_linked[:6])
    seen = []
    summary = neo4j_bolt.push(
        graph, batch_size=1, progress=lambda d, t: seen.append((d, t)), **bolt_settings
    )
    total = graph.number_of_nodes() + graph.number_of_edges()
    assert summary.batches == total
    assert seen[-1] == (total, total) and len(seen) == total
    assert server_counts(bolt) == expected_counts(graph)


# --- cookbook ----------------------------------------------------------------------------


def test_every_cookbook_query_runs(bolt, bolt_settings, gold_linked):
    neo4j_bolt.push(build_graph(gold_linked), **bolt_settings)
    real_neo4j = bolt.server == neo4j_bolt.NEO4J
    ran = 0
    for q in read_cookbook():
        if q.neo4j_only and not real_neo4j:
            continue
        bolt.read(q.query, q.params)  # raises on any error
        ran += 1
    assert ran >= 12
    by_number = {q.number: q for q in read_cookbook()}
    q3 = by_number[3]
    rows = bolt.read(q3.query, {"target": "MMNeedle"})
    assert [r["model"] for r in rows] == ["GPT-4o"]
    q10 = by_number[10]
    rows = bolt.read(q10.query, {"head": "GPT-4o", "tail": "MMNeedle"})
    assert rows and rows[0]["paper"] == "3" and "MMNeedle" in rows[0]["evidence"]


@pytest.mark.neo4j_only
def test_constraints_exist_on_neo4j(bolt, bolt_settings, gold_linked):
    summary = neo4j_bolt.push(build_graph(gold_linked[:3]), **bolt_settings)
    assert summary.schema == "constraints"
    rows = bolt.read(
        "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
        "WHERE name STARTS WITH 'kg_' RETURN name, type, labelsOrTypes, properties"
    )
    assert len(rows) == 8
    assert {r["labelsOrTypes"][0] for r in rows} >= {"Paper", "Entity", "Model", "Task"}
    assert all(r["type"] == "UNIQUENESS" and r["properties"] == ["id"] for r in rows)
    (row,) = bolt.read("MATCH (p:Paper) RETURN p.id AS id LIMIT 1")
    with pytest.raises(ConstraintError, match="already exists"):  # the constraint holds
        bolt.write("CREATE (:Paper {id: $id})", {"id": row["id"]})


# --- errors -----------------------------------------------------------------------------


def test_unreachable_server_is_one_clear_error(gold_linked):
    with pytest.raises(ExportError, match=r"cannot reach a Neo4j server at bolt://127.0.0.1:9 "):
        neo4j_bolt.push(build_graph(gold_linked[:2]), "bolt://127.0.0.1:9")


def test_bad_uri_and_missing_uri(monkeypatch, gold_linked):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    graph = build_graph(gold_linked[:2])
    with pytest.raises(ExportError, match="no Neo4j server given"):
        neo4j_bolt.push(graph)
    with pytest.raises(ExportError, match="invalid Neo4j URI 'http://x'"):
        neo4j_bolt.push(graph, "http://x")


def test_wrong_password_is_one_clear_error(bolt_settings, gold_linked):
    graph = build_graph(gold_linked[:2])
    settings = dict(bolt_settings, user=bolt_settings["user"] or "neo4j", password="wrong-pw")
    with pytest.raises(ExportError, match="rejected the login of user 'neo4j'") as err:
        neo4j_bolt.push(graph, **settings)
    assert "\n" not in str(err.value)


@pytest.mark.neo4j_only
def test_missing_database_is_one_clear_error(bolt_settings, gold_linked):
    settings = dict(bolt_settings, database="kgnosuchdatabase")
    with pytest.raises(ExportError, match="database 'kgnosuchdatabase' does not exist"):
        neo4j_bolt.push(build_graph(gold_linked[:2]), **settings)


def test_environment_fallbacks(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://env:7687")
    monkeypatch.setenv("NEO4J_USERNAME", "envuser")
    monkeypatch.setenv("NEO4J_PASSWORD", "envpw")
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    assert neo4j_bolt.connection_settings(user="given") == {
        "uri": "bolt://env:7687",
        "user": "given",
        "password": "envpw",
        "database": None,
    }


# --- command line and a real build -----------------------------------------------------


def _cli(*args, env=None):
    env = dict(os.environ if env is None else env, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "kg", *args], capture_output=True, text=True, env=env, cwd=REPO
    )


def test_cli_neo4j_push(bolt, bolt_settings, gold_linked, tmp_path):
    from kg.export import nodelink

    graph = build_graph(gold_linked)
    nodelink.write(graph, tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    args = ["neo4j-push", str(tmp_path), "--neo4j-uri", bolt_settings["uri"]]
    for key, flag in (("user", "--neo4j-user"), ("password", "--neo4j-password")):
        if bolt_settings[key]:
            args += [flag, bolt_settings[key]]
    if bolt_settings["database"]:
        args += ["--neo4j-database", bolt_settings["database"]]
    done = _cli(*args, "--neo4j-batch-size", "50", env=env)
    assert done.returncode == 0, done.stderr
    assert server_counts(bolt) == expected_counts(graph)
    bad = _cli("neo4j-push", str(tmp_path), "--neo4j-uri", "bolt://127.0.0.1:9", env=env)
    assert bad.returncode != 0
    assert "cannot reach a Neo4j server" in bad.stderr
    assert "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.shared
def test_push_of_a_real_build(bolt, bolt_settings, shared_build):
    from kg.build import load_graph

    out, _ = shared_build
    graph = load_graph(out)
    neo4j_bolt.push(graph, **bolt_settings)
    assert server_counts(bolt) == expected_counts(graph)
    neo4j_bolt.push(graph, **bolt_settings)
    assert server_counts(bolt) == expected_counts(graph)
    assert (Path(out) / "neo4j" / "import.cypher").is_file()
    # the cookbook's default parameters are chosen to find something in this corpus
    answered = [
        q.number for q in read_cookbook() if not q.neo4j_only and bolt.read(q.query, q.params)
    ]
    assert len(answered) >= 12, answered


@pytest.mark.neo4j_only
def test_import_cypher_script_loads_into_neo4j(bolt, gold_linked, tmp_path):
    from kg.export import neo4j_files

    graph = build_graph(gold_linked)
    script = neo4j_files.cypher_script(graph)
    for statement in script.split(";\n"):
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("//"))
        if body.strip():
            bolt.write(body)
    assert server_counts(bolt) == expected_counts(graph)
    (row,) = bolt.read("MATCH (p:Paper {paperId: '3'}) RETURN p.title AS t")
    assert row["t"] == graph.nodes["paper:3"]["title"]
