"""Hand-made graphs shared by the HTML tests with and without a browser."""

from __future__ import annotations

import networkx as nx

from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, Extraction, Mention, Paper, Relation
from kg.records import EntityType as T
from kg.records import RelationType as R

#: Markup that would run script if the page ever treated paper text as HTML.
SCRIPT_PAYLOAD = (
    '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2">'
    ' "><svg onload="window.__pwned=3">'
)


def entity(name, etype, introduced=False):
    """An unlinked entity with one abstract mention."""
    return Entity(
        id="",
        name=name,
        type=etype,
        mentions=(Mention(name, "abstract", 0, len(name)),),
        aliases=(name,),
        introduced=introduced,
    )


def small_graph(payload: str = SCRIPT_PAYLOAD, title: str | None = None) -> nx.MultiDiGraph:
    """Two papers, seven entities, every relation type; paper 1 carries ``payload``."""
    exs = [
        Extraction(
            Paper("p1", title or "FooNet " + payload, "We propose FooNet. " + payload),
            (
                entity("FooNet", T.MODEL, True),
                entity("ImageNet", T.DATASET),
                entity("top-1 accuracy", T.METRIC),
                entity("ResNet-50", T.MODEL),
                entity("image classification", T.TASK),
            ),
            (
                Relation(R.PROPOSES, "PAPER", "FooNet", evidence="We propose FooNet."),
                Relation(R.EVALUATES_ON, "FooNet", "ImageNet", evidence="On ImageNet " + payload),
                Relation(R.OUTPERFORMS, "FooNet", "ResNet-50", evidence="FooNet beats ResNet-50."),
                Relation(R.USES_METRIC, "ImageNet", "top-1 accuracy", evidence="top-1 accuracy"),
            ),
        ),
        Extraction(
            Paper("p2", "BarNet beats ResNet-50", "BarNet with LoRA on GLUE."),
            (
                entity("BarNet", T.MODEL, True),
                entity("ResNet-50", T.MODEL),
                entity("LoRA", T.METHOD),
                entity("GLUE", T.BENCHMARK),
            ),
            (
                Relation(R.PROPOSES, "PAPER", "BarNet"),
                Relation(R.EVALUATES_ON, "BarNet", "GLUE", evidence="BarNet on GLUE."),
                Relation(R.OUTPERFORMS, "BarNet", "ResNet-50", evidence="BarNet wins."),
            ),
        ),
    ]
    return build_graph(Linker().link_all(exs))
