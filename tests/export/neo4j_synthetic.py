"""A synthetic kg graph for the exporters' memory tests (imported by test modules)."""

from __future__ import annotations

import networkx as nx

from kg.graph import build_graph
from kg.records import Entity, EntityType, Extraction, Paper, Relation, RelationType


def big_graph(n_papers: int) -> nx.MultiDiGraph:
    """Each paper: a 1,000-character abstract, four entities (three shared), three claims."""
    types = (EntityType.MODEL, EntityType.DATASET, EntityType.METRIC, EntityType.METHOD)
    extractions = []
    for i in range(n_papers):
        names = [f"Model {i % 50}", f"Data {i % 30}", f"Metric {i % 7}", f"New {i}"]
        ents = tuple(
            Entity(f"{t.value.lower()}:{n.lower().replace(' ', '-')}", n, t, (), (n,), k == 3)
            for k, (n, t) in enumerate(zip(names, types, strict=True))
        )
        rels = (
            Relation(RelationType.PROPOSES, "PAPER", names[3], "We propose it.", "r", 0.9),
            Relation(RelationType.EVALUATES_ON, names[0], names[1], "eval", "r", 0.8, "1.0"),
            Relation(RelationType.OUTPERFORMS, names[3], names[0], "beats 'it'", "r", 0.7),
        )
        paper = Paper(f"p{i:05d}", f"Paper {i}", f"Abstract {i}. " + "x" * 990, year=2024)
        extractions.append(Extraction(paper, ents, rels))
    return build_graph(extractions)
