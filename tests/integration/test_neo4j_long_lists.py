"""Regression: pushes to FalkorDB failed ("a row of 7 values cannot fit falkordb's
statement limit") when an entity was in hundreds of papers or a relationship had
hundreds of claims; such rows are now written in pieces, losing nothing."""

from __future__ import annotations

import pytest
from neo4j_helpers import server_counts

from kg.export import neo4j_bolt
from kg.export.cypher import edge_properties, expected_counts, node_properties
from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType

pytestmark = pytest.mark.neo4j

POPULAR_PAPERS = 2000
CLAIMS = 500


def _entity(name: str, etype: EntityType) -> Entity:
    return Entity(
        id="", name=name, type=etype, aliases=(name,), mentions=(Mention(name, "abstract", 0, 3),)
    )


def _extraction(i: int) -> Extraction:
    """Paper i mentions PopularNet; the first CLAIMS papers say it beats BaseNet."""
    ents = [_entity("PopularNet", EntityType.MODEL)]
    rels = []
    if i < CLAIMS:
        ents.append(_entity("BaseNet", EntityType.MODEL))
        evidence = f"In paper {i}, PopularNet outperforms BaseNet by {i % 7} points, it's said."
        rels.append(
            Relation(RelationType.OUTPERFORMS, "PopularNet", "BaseNet", evidence, "r'1", 0.5)
        )
    authors = tuple(f"Author {i}-{j} O'Neil" for j in range(300 if i == 0 else 2))
    paper = Paper(f"p{i:04d}", f"Paper {i}", f"Abstract {i}.", year=2024, authors=authors)
    return Extraction(paper, tuple(ents), tuple(rels))


@pytest.fixture(scope="module")
def extractions():
    return list(Linker().link_all([_extraction(i) for i in range(POPULAR_PAPERS)]))


def _lists(session) -> tuple[dict, dict, list]:
    ents = session.read(
        "MATCH (e:Entity) RETURN e.id AS id, e.papers AS papers, e.aliases AS aliases, "
        "e.paperCount AS n"
    )
    (rel,) = session.read("MATCH ()-[r:OUTPERFORMS]->() RETURN properties(r) AS r")
    (paper,) = session.read("MATCH (p:Paper {paperId: 'p0000'}) RETURN p.authors AS authors")
    return {e["id"]: e for e in ents}, rel["r"], paper["authors"]


def _snapshot(session) -> tuple[list, list]:
    nodes = session.read("MATCH (n) RETURN n.id AS id, properties(n) AS props")
    rels = session.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props"
    )
    return (
        sorted((r["id"], sorted(r["props"].items())) for r in nodes),
        sorted((r["a"], r["t"], r["b"], sorted(r["props"].items())) for r in rels),
    )


def _assert_server_holds(session, graph) -> None:
    assert server_counts(session) == expected_counts(graph)
    ents, rel, authors = _lists(session)
    for node_id, row in ents.items():
        props = node_properties(node_id, graph.nodes[node_id])
        assert row["papers"] == props["papers"]
        assert row["aliases"] == props["aliases"]
        assert row["n"] == len(props["papers"])
    want = edge_properties(graph.edges["model:popularnet", "model:basenet", "outperforms"])
    for key in ("papers", "evidence", "rules", "values", "metrics"):
        assert rel[key] == want[key], key
    assert rel["confidences"] == pytest.approx(want["confidences"])
    assert rel["support"] == want["support"]
    assert authors == list(graph.nodes["paper:p0000"]["authors"])


def test_entity_in_2000_papers_and_edge_with_500_claims_push_whole(
    bolt, bolt_settings, extractions
):
    graph = build_graph(extractions)
    assert len(graph.nodes["model:popularnet"]["papers"]) == POPULAR_PAPERS
    summary = neo4j_bolt.push(graph, **bolt_settings)
    assert summary.truncated == 0
    _assert_server_holds(bolt, graph)
    assert len(_lists(bolt)[0]["model:popularnet"]["papers"]) == POPULAR_PAPERS
    assert len(_lists(bolt)[1]["evidence"]) == CLAIMS
    before = _snapshot(bolt)
    again = neo4j_bolt.push(graph, **bolt_settings)
    assert again.nodes_created == 0 and again.relationships_created == 0
    assert _snapshot(bolt) == before


def test_long_lists_merge_with_a_later_push(bolt, bolt_settings, extractions):
    first, second = extractions[:1200], extractions[300:]  # 900 papers in both
    neo4j_bolt.push(build_graph(first), **bolt_settings)
    neo4j_bolt.push(build_graph(second), **bolt_settings)
    whole = build_graph(extractions)
    assert server_counts(bolt) == expected_counts(whole)
    ents, rel, _ = _lists(bolt)
    assert sorted(ents["model:popularnet"]["papers"]) == whole.nodes["model:popularnet"]["papers"]
    assert ents["model:popularnet"]["n"] == POPULAR_PAPERS
    claims = whole.edges["model:popularnet", "model:basenet", "outperforms"]["claims"]
    assert sorted(rel["papers"]) == [c["paper"] for c in claims]
    assert rel["support"] == CLAIMS
    by_paper = dict(zip(rel["papers"], rel["evidence"], strict=True))
    assert all(by_paper[c["paper"]] == c["evidence"] for c in claims)
