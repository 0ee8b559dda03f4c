"""Records -> NetworkX graph: nodes, edges, claims and merging across papers."""

from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Paper, Relation, RelationType


def _paper(pid, ents, rels):
    return Extraction(
        Paper(pid, f"Title {pid}", "Abstract."),
        tuple(Entity("", n, t, aliases=(n,), introduced=i) for n, t, i in ents),
        tuple(
            Relation(RelationType(rt), h, tl, evidence=f"ev {pid}", rule="r") for rt, h, tl in rels
        ),
    )


def _graph(*exs):
    linker = Linker()
    return build_graph(linker.link(e) for e in exs)


def test_nodes_edges_and_claims_merge_across_papers():
    g = _graph(
        _paper(
            "p1",
            [("NetA", EntityType.MODEL, True), ("ImageNet", EntityType.DATASET, False)],
            [("proposes", "PAPER", "NetA"), ("evaluates_on", "NetA", "ImageNet")],
        ),
        _paper(
            "p2",
            [("NetA", EntityType.MODEL, False), ("imagenet", EntityType.DATASET, False)],
            [("evaluates_on", "NetA", "imagenet")],
        ),
    )
    assert sorted(g.nodes) == ["dataset:imagenet", "model:neta", "paper:p1", "paper:p2"]
    assert g.nodes["dataset:imagenet"]["aliases"] == ["ImageNet", "imagenet"]
    assert g.nodes["model:neta"]["papers"] == ["p1", "p2"]
    assert g.nodes["model:neta"]["introduced_by"] == ["p1"]
    edge = g.edges["model:neta", "dataset:imagenet", "evaluates_on"]
    assert edge["support"] == 2
    assert [c["paper"] for c in edge["claims"]] == ["p1", "p2"]
    assert g.has_edge("paper:p1", "model:neta", "proposes")
    assert g.has_edge("paper:p2", "dataset:imagenet", "mentions")
    assert g.number_of_edges() == 2 + 2 + 1 + 1  # mentions x4, proposes, evaluates_on


def test_relation_to_unknown_entity_is_dropped():
    g = _graph(
        _paper("p1", [("NetA", EntityType.MODEL, False)], [("outperforms", "NetA", "Ghost")])
    )
    assert not any(k == "outperforms" for _, _, k in g.edges(keys=True))


def test_same_paper_twice_does_not_double_claims():
    ex = _paper(
        "p1",
        [("A", EntityType.MODEL, False), ("B", EntityType.MODEL, False)],
        [("outperforms", "A", "B")],
    )
    g = _graph(ex, ex)
    assert g.edges["model:a", "model:b", "outperforms"]["support"] == 1


def test_lists_stay_sorted_and_unique_when_papers_arrive_out_of_order():
    exs = [
        _paper(
            pid,
            [("BERT", EntityType.MODEL, pid == "p5"), ("GLUE", EntityType.BENCHMARK, False)],
            [("evaluates_on", "BERT", "GLUE")],
        )
        for pid in ["p9", "p2", "p5", "p2", "p7"]
    ]
    g = _graph(*exs)
    assert g.nodes["model:bert"]["papers"] == ["p2", "p5", "p7", "p9"]
    assert g.nodes["model:bert"]["introduced_by"] == ["p5"]
    edge = g.edges["model:bert", "benchmark:glue", "evaluates_on"]
    assert [c["paper"] for c in edge["claims"]] == ["p2", "p5", "p7", "p9"]
    assert edge["support"] == 4
