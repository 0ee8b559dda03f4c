"""The Bolt push without a server: statements, batching, settings, the FalkorDB adapter."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neo4j_synthetic import big_graph

from kg.errors import ExportError
from kg.export import falkordb_adapter as falkor
from kg.export import neo4j_bolt
from kg.export.cypher import CLAIM_LISTS, NODE_LABELS, REL_TYPES, expected_counts
from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Paper, Relation, RelationType


@pytest.fixture
def graph():
    ents = (
        Entity(id="", name="MegaNet", type=EntityType.MODEL, aliases=("MegaNet",)),
        Entity(id="", name="ToyBench", type=EntityType.BENCHMARK, aliases=("ToyBench",)),
    )
    rels = (
        Relation(RelationType.PROPOSES, "PAPER", "MegaNet", "We propose MegaNet.", "p", 0.9),
        Relation(RelationType.EVALUATES_ON, "MegaNet", "ToyBench", "Tested on ToyBench.", "e", 0.7),
    )
    ex = Extraction(Paper("p1", "Title", "Abstract."), ents, rels)
    return build_graph(Linker().link_all([ex]))


def test_statements_cover_every_node_and_edge_with_fixed_labels(graph):
    work = neo4j_bolt.statements(graph)
    assert sum(len(s.rows) for s in work) == graph.number_of_nodes() + graph.number_of_edges()
    labels, types = expected_counts(graph)
    nodes = {s.what: len(s.rows) for s in work if s.kind == "node"}
    rels = {s.what: len(s.rows) for s in work if s.kind == "relationship"}
    assert nodes == {k: v for k, v in labels.items() if k != "Entity"}
    assert rels == types
    for stmt in work:
        assert stmt.query.startswith("UNWIND $rows AS row ")
        assert "'" not in stmt.query and '"' not in stmt.query  # no literal text in queries
        assert stmt.what in NODE_LABELS or stmt.what in REL_TYPES.values()
    claims = next(s for s in work if s.what == "EVALUATES_ON")
    (row,) = list(claims.rows)
    assert set(row) == {"start", "end", *CLAIM_LISTS}
    assert row["evidence"] == ["Tested on ToyBench."]


def test_query_builders_refuse_labels_outside_the_fixed_list():
    with pytest.raises(ValueError):
        neo4j_bolt.entity_query("Model`) DETACH DELETE (n")
    with pytest.raises(ValueError):
        neo4j_bolt.entity_query("Paper")
    with pytest.raises(ValueError):
        neo4j_bolt.claims_query("MENTIONS", "Paper")
    with pytest.raises(ValueError):
        neo4j_bolt.claims_query("OUTPERFORMS", "Model")


def test_batches_respect_row_count_and_byte_budget():
    rows = [{"id": f"n{i}", "name": "x" * 50} for i in range(100)]
    assert [len(b) for b in neo4j_bolt.batches(rows, 30)] == [30, 30, 30, 10]
    budget = 1000
    cut = list(falkor.batches(rows, 1000, budget))
    assert sum(len(b) for b in cut) == 100
    assert all(sum(falkor._size(r) + 2 for r in b) <= budget for b in cut)


def test_shorten_cuts_the_longest_strings_until_the_row_fits():
    row = {"id": "x", "name": "n" * 3000, "aliases": ["a" * 2500, "short"]}
    count = falkor._shorten(row, 2000)
    assert count >= 2
    assert falkor._size(row) <= 2000
    assert row["id"] == "x" and row["aliases"][1] == "short"
    assert row["name"].endswith("\u2026") and row["name"].startswith("nnn")


@given(st.text())
def test_size_is_an_upper_bound_of_the_escaped_literal(text):
    escaped = falkor.escape(text)
    assert falkor._size(text) >= len(escaped.encode("utf-8")) + 2


def test_falkordb_escaping_doubles_backslashes_and_escapes_quotes():
    value = {"rows": [{"name": "it's a \\b", "aliases": ["'"], "n": 1, "x": None}]}
    assert falkor.escape(value) == {
        "rows": [{"name": "it\\'s a \\\\b", "aliases": ["\\'"], "n": 1, "x": None}]
    }
    assert falkor.escape("nul\x00byte") == "nulbyte"


def test_connection_settings_fall_back_to_the_environment(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://env:7687")
    monkeypatch.setenv("NEO4J_DATABASE", "envdb")
    monkeypatch.delenv("NEO4J_USERNAME", raising=False)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    assert neo4j_bolt.connection_settings(uri="bolt://given:7687") == {
        "uri": "bolt://given:7687",
        "user": None,
        "password": None,
        "database": "envdb",
    }


def test_bad_settings_fail_before_connecting(monkeypatch, graph):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(ExportError, match="no Neo4j server given"):
        neo4j_bolt.push(graph)
    with pytest.raises(ExportError, match="invalid Neo4j URI 'ftp://x'"):
        neo4j_bolt.push(graph, "ftp://x")
    with pytest.raises(ExportError, match="batch size must be at least 1"):
        neo4j_bolt.push(graph, "bolt://localhost:7687", batch_size=0)


def test_summary_text_names_counts_and_server():
    summary = neo4j_bolt.PushSummary(
        uri="bolt://h:7687",
        database="kg",
        nodes={"Paper": 2},
        relationships={"MENTIONS": 3},
        truncated=1,
    )
    text = summary.format_text()
    assert "bolt://h:7687 (database kg)" in text
    assert "Paper 2" in text and "MENTIONS 3" in text and "shortened 1" in text


def test_a_graph_with_unknown_kinds_is_a_clear_export_error():
    import networkx as nx

    odd = nx.MultiDiGraph()
    odd.add_node("author:x", kind="Author", name="X")
    with pytest.raises(ExportError, match="graph node 'author:x' has kind 'Author'"):
        neo4j_bolt.statements(odd)
    odd = nx.MultiDiGraph()
    odd.add_node("model:a", kind="Model", name="A")
    odd.add_edge("model:a", "model:a", key="cites", type="cites")
    with pytest.raises(ExportError, match="edge type 'cites'"):
        neo4j_bolt.statements(odd)


def test_statement_rows_are_made_while_writing(graph):
    work = neo4j_bolt.statements(graph)
    papers = next(s for s in work if s.what == "Paper")
    graph.nodes["paper:p1"]["title"] = "Changed after statements()"
    rows = list(papers.rows)
    assert len(rows) == len(papers.rows) == 1
    assert rows[0]["title"] == "Changed after statements()"
    assert list(papers.rows) == rows  # iterable again, same rows


class _CountingSession:
    """A stand-in for BoltSession that keeps only the size of the largest batch."""

    uri = "bolt://test"

    def __init__(self, server=neo4j_bolt.NEO4J):
        self.server = server
        self.rows = 0
        self.largest = 0

    def write(self, query, params):
        self.rows += len(params["rows"])
        self.largest = max(self.largest, len(params["rows"]))
        return {"nodes_created": 0, "relationships_created": 0, "properties_set": 0}


@pytest.mark.parametrize("server", [neo4j_bolt.NEO4J, neo4j_bolt.FALKORDB])
def test_push_memory_does_not_grow_with_the_graph(server):
    """Regression: statements() held a dict per node and edge of the whole graph
    (and FalkorDB a second, fitted copy) before the first batch was sent."""
    graph = big_graph(1000)
    session = _CountingSession(server)
    summary = neo4j_bolt.PushSummary(uri=session.uri, server=server)
    tracemalloc.start()
    try:
        work = neo4j_bolt.statements(graph)
        neo4j_bolt.write_statements(session, work, 200, summary)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert session.rows == graph.number_of_nodes() + graph.number_of_edges()
    assert sum(summary.nodes.values()) == graph.number_of_nodes()
    assert sum(summary.relationships.values()) == graph.number_of_edges()
    assert peak < 1_500_000, f"peak {peak} bytes"


# --- rows too big for one FalkorDB statement --------------------------------------------


def _popular_row(papers: int) -> dict:
    return {
        "id": "model:popular",
        "name": "Popular",
        "type": "MODEL",
        "aliases": ["Popular", "Popular-1"],
        "papers": [f"p{i:05d}" for i in range(papers)],
        "introducedBy": ["p00000"],
        "paperCount": papers,
    }


@pytest.mark.parametrize("papers", [0, 1, 200, 2000])
def test_split_row_pieces_fit_and_add_up_to_the_row(papers):
    row = _popular_row(papers)
    pieces, shortened = falkor.split_row(row, 1000)
    assert shortened == 0
    assert all(falkor._size(p) <= 1000 for p in pieces)
    for key, value in row.items():
        if isinstance(value, list):
            assert [x for p in pieces for x in p[key]] == value
        else:
            assert all(p[key] == value for p in pieces)
    assert (len(pieces) == 1) == (falkor._size(row) <= 1000)
    assert len(pieces) >= falkor._size(row) // 1000


def test_split_row_keeps_parallel_claim_lists_aligned():
    row = {"start": "a", "end": "b"} | {
        k: [f"{k}:{i}:" + "x" * (i % 5 * 20) for i in range(500)] for k in CLAIM_LISTS
    }
    pieces, _ = falkor.split_row(row, 1500)
    assert len(pieces) > 10
    for piece in pieces:
        assert (piece["start"], piece["end"]) == ("a", "b")
        indexes = {k: [x.split(":")[1] for x in piece[k]] for k in CLAIM_LISTS}
        assert len({tuple(v) for v in indexes.values()}) == 1


def test_split_row_lean_pieces_keep_only_the_id_after_the_first():
    row = {"id": "paper:1", "title": "T" * 300, "authors": [f"Author {i}" for i in range(300)]}
    pieces, _ = falkor.split_row(row, 1000, lean=True)
    assert pieces[0]["title"] == row["title"]
    assert all(set(p) == {"id", "authors"} for p in pieces[1:])
    assert [a for p in pieces for a in p["authors"]] == row["authors"]


def test_split_row_shortens_only_strings_that_cannot_fit_alone():
    row = {"start": "a", "end": "b", "papers": ["p1", "p2"], "evidence": ["e" * 5000, "short"]}
    pieces, shortened = falkor.split_row(row, 1000)
    assert shortened == 1
    evidence = [e for p in pieces for e in p["evidence"]]
    assert evidence[1] == "short"
    assert evidence[0].endswith("\u2026") and len(evidence[0]) < 1000
    assert [x for p in pieces for x in p["papers"]] == ["p1", "p2"]


class _RecordingSession(_CountingSession):
    """Keeps every (query, rows) written."""

    def __init__(self, server):
        super().__init__(server)
        self.writes = []

    def write(self, query, params):
        self.writes.append((query, params["rows"]))
        return super().write(query, params)


def _popular_graph():
    import networkx as nx

    graph = nx.MultiDiGraph()
    papers = [f"p{i:04d}" for i in range(2000)]
    for pid in papers[:3]:
        graph.add_node(f"paper:{pid}", kind="Paper", paper_id=pid, title=pid, authors=[])
    graph.add_node("model:a", kind="Model", type="MODEL", name="A", aliases=["A"], papers=papers)
    graph.add_node("model:b", kind="Model", type="MODEL", name="B", aliases=["B"], papers=["p1"])
    return graph


def test_falkordb_writes_a_long_row_in_pieces_alone_and_in_order():
    session = _RecordingSession(neo4j_bolt.FALKORDB)
    summary = neo4j_bolt.PushSummary(uri="bolt://test", server=neo4j_bolt.FALKORDB)
    seen = []
    work = neo4j_bolt.statements(_popular_graph())
    neo4j_bolt.write_statements(session, work, 1000, summary, lambda d, t: seen.append(d))
    models = [rows for query, rows in session.writes if ":Model" in query]
    pieces = [rows[0] for rows in models if rows[0]["id"] == "model:a"]
    assert len(pieces) > 5 and all(len(rows) == 1 for rows in models[: len(pieces)])
    assert [p for piece in pieces for p in piece["papers"]] == _popular_graph().nodes["model:a"][
        "papers"
    ]
    assert summary.nodes == {"Paper": 3, "Model": 2} and summary.truncated == 0
    assert seen[-1] == 5 and seen == sorted(set(seen))
    for query, rows in session.writes:
        escaped = falkor.escape({"rows": rows})
        assert len(query.encode()) + falkor._size(escaped) < falkor.STATEMENT_LIMIT


def test_neo4j_gets_one_row_per_node_in_batches_of_batch_size():
    session = _RecordingSession(neo4j_bolt.NEO4J)
    summary = neo4j_bolt.PushSummary(uri="bolt://test")
    neo4j_bolt.write_statements(session, neo4j_bolt.statements(_popular_graph()), 1000, summary)
    models = [rows for query, rows in session.writes if ":Model" in query]
    assert [len(rows) for rows in models] == [2]
    assert len(models[0][0]["papers"]) == 2000


def test_paper_pieces_after_the_first_append_authors():
    graph = _popular_graph()
    graph.nodes["paper:p0000"]["authors"] = [f"Author {i} O'Neil" for i in range(400)]
    session = _RecordingSession(neo4j_bolt.FALKORDB)
    summary = neo4j_bolt.PushSummary(uri="bolt://test", server=neo4j_bolt.FALKORDB)
    neo4j_bolt.write_statements(session, neo4j_bolt.statements(graph), 1000, summary)
    papers = [(q, rows) for q, rows in session.writes if ":Paper" in q]
    assert papers[0][0] == neo4j_bolt.PAPER_QUERY
    appended = [rows[0] for q, rows in papers if q == neo4j_bolt.PAPER_APPEND_QUERY]
    assert appended and all(set(r) == {"id", "authors"} for r in appended)
    authors = [
        a for q, rows in papers for r in rows if r["id"] == "paper:p0000" for a in r["authors"]
    ]
    assert authors == graph.nodes["paper:p0000"]["authors"]


class _HoldingSession:
    """Answers the checks of verify() as a server holding ``held[what]`` of each row."""

    server, uri = neo4j_bolt.NEO4J, "bolt://test"

    def __init__(self, held):
        self.held = held

    def read(self, query, params):
        what = next(w for w in self.held if f":{w} " in query or f":{w}]" in query)
        return [{"found": len(params["rows"]) * self.held[what]}]


def test_verify_fails_when_the_server_lost_or_duplicated_rows(graph):
    work = neo4j_bolt.statements(graph)
    whole = {s.what: 1 for s in work}
    summary = neo4j_bolt.PushSummary(uri="bolt://test")
    assert neo4j_bolt.verify(_HoldingSession(whole), work, summary) == sum(
        len(s.rows) for s in work
    )
    assert summary.verified == graph.number_of_nodes() + graph.number_of_edges()
    lost = dict(whole, EVALUATES_ON=0, Benchmark=2)
    with pytest.raises(ExportError) as err:
        neo4j_bolt.verify(_HoldingSession(lost), work, summary)
    assert "0 EVALUATES_ON relationships for the 1 sent" in str(err.value)
    assert "2 Benchmark nodes for the 1 sent" in str(err.value)
    assert err.value.exit_code == 5
