"""Every query of kg/data/neo4j/queries.cypher on the real Neo4j, over a push of the shared
corpus build, with its default parameters: each returns rows, and the rows agree with the
graph kg built (counted here with networkx, not with Cypher)."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.export import neo4j_bolt
from kg.export.cypher import constraint_name, expected_counts
from kg.export.neo4j_files import read_cookbook

pytestmark = [pytest.mark.neo4j, pytest.mark.shared]

QUERIES = {q.number: q for q in read_cookbook()}


@pytest.fixture(scope="module")
def pushed(shared_build, bolt_settings):
    from kg.build import load_graph

    out, _ = shared_build
    graph = load_graph(out)
    with neo4j_bolt.connect(**bolt_settings) as session:
        session.write("MATCH (n) DETACH DELETE n")
    neo4j_bolt.push(graph, **bolt_settings)
    with neo4j_bolt.connect(**bolt_settings) as session:
        yield graph, session


def _edges(graph, etype):
    return [(a, b) for a, b, k in graph.edges(keys=True) if k == etype]


def _name(graph, node):
    return graph.nodes[node]["name"]


def _check(number, rows, graph):
    labels, types = expected_counts(graph)
    if number == 1:
        assert {r["label"]: r["nodes"] for r in rows} == labels
    elif number == 2:
        assert {r["type"]: r["relationships"] for r in rows} == types
    elif number == 3:
        target = QUERIES[3].params["target"].lower()
        want = {
            _name(graph, a)
            for a, b in _edges(graph, "evaluates_on")
            if _name(graph, b).lower() == target
        }
        assert {r["model"] for r in rows} == want
    elif number == 5:
        pairs = {(_name(graph, a), _name(graph, b)) for a, b in _edges(graph, "outperforms")}
        assert len(rows) == min(QUERIES[5].params["limit"], len(pairs))
        assert {(r["winner"], r["loser"]) for r in rows} <= pairs
    elif number == 6:
        used = Counter(
            b
            for a, b in _edges(graph, "mentions")
            if graph.nodes[b]["kind"] in ("Dataset", "Benchmark")
        )
        top = sorted(used.values(), reverse=True)[: QUERIES[6].params["limit"]]
        assert [r["papers"] for r in rows] == top
    elif number == 8:
        want = {
            a
            for a, b in _edges(graph, "proposes")
            if graph.nodes[b]["kind"] in ("Dataset", "Benchmark")
        }
        assert {f"paper:{r['paper']}" for r in rows} == want
    elif number == 19:
        assert sorted(r["name"] for r in rows) == sorted(constraint_name(x) for x in labels)
    else:  # every name a row returns is a node of the graph
        names = {d.get("name") for _, d in graph.nodes(data=True)}
        for row in rows:
            for key in ("name", "model", "entity", "head", "tail", "winner", "loser"):
                if isinstance(row.get(key), str):
                    assert row[key] in names, (key, row[key])


@pytest.mark.parametrize("number", sorted(QUERIES))
def test_cookbook_query_returns_the_graphs_rows(pushed, number):
    graph, session = pushed
    query = QUERIES[number]
    rows = session.read(query.query, query.params)
    assert rows, f"query {number} ({query.title}) found nothing"
    _check(number, rows, graph)
