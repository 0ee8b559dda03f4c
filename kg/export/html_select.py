"""Choose which nodes of a large graph the HTML page draws.

The page stays usable on big graphs by drawing a subset: nodes of the chosen
types (``html_types``), with at least ``html_min_degree`` edges, and at most
``html_max_nodes`` of them, keeping the highest-degree nodes (ties broken by
node id, so the choice is deterministic). :class:`Selection` records what was
left out so the page can say so.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from kg.errors import KgError, choices_message
from kg.records import EntityType

#: Node ``type`` values the page knows (papers plus the six entity types).
NODE_TYPES = ("PAPER",) + tuple(t.value for t in EntityType)


@dataclass(frozen=True)
class Selection:
    """The nodes and edges drawn, and counts of what was left out.

    ``nodes`` are sorted node ids; ``edges`` sorted ``(source, target, key)``
    triples whose two ends are both drawn; ``degree`` is the degree of every
    drawn node in the *full* graph.
    """

    nodes: tuple[str, ...]
    edges: tuple[tuple[str, str, str], ...]
    degree: dict[str, int]
    total_nodes: int
    total_edges: int
    dropped_by_type: int = 0
    dropped_by_degree: int = 0
    dropped_by_limit: int = 0
    min_degree: int = 0
    max_nodes: int | None = None

    @property
    def complete(self) -> bool:
        """True when every node and edge of the graph is drawn."""
        return len(self.nodes) == self.total_nodes and len(self.edges) == self.total_edges

    def summary(self) -> str:
        """One line for the page: ``showing 2,000 of 5,312 nodes and ...; left out: ...``."""
        text = (
            f"showing {len(self.nodes):,} of {self.total_nodes:,} nodes"
            f" and {len(self.edges):,} of {self.total_edges:,} edges"
        )
        left = []
        if self.dropped_by_type:
            left.append(f"{self.dropped_by_type:,} nodes of types not selected")
        if self.dropped_by_degree:
            left.append(f"{self.dropped_by_degree:,} nodes with degree below {self.min_degree:,}")
        if self.dropped_by_limit:
            left.append(
                f"{self.dropped_by_limit:,} lowest-degree nodes beyond the"
                f" {self.max_nodes:,}-node limit"
            )
        if left:
            text += "; left out: " + ", ".join(left)
        return text


def parse_types(types: Iterable[str] | str | None) -> frozenset[str] | None:
    """Validate node types given as ``MODEL,DATASET`` or a sequence; ``None`` means all.

    Case is ignored and labels (``Model``, ``Paper``) are accepted.

    >>> sorted(parse_types("model, Paper"))
    ['MODEL', 'PAPER']
    """
    if types is None:
        return None
    if isinstance(types, str):
        types = types.split(",")
    chosen = set()
    for t in types:
        t = t.strip().upper()
        if not t:
            continue
        if t not in NODE_TYPES:
            raise KgError(choices_message("node type for --html-types", t, NODE_TYPES))
        chosen.add(t)
    if not chosen:
        raise KgError("--html-types is empty; give node types such as MODEL,DATASET")
    return frozenset(chosen)


def select(
    graph: nx.MultiDiGraph,
    max_nodes: int | None = None,
    min_degree: int = 0,
    types: Iterable[str] | str | None = None,
) -> Selection:
    """Choose the nodes to draw: by type, then by degree, then the top ``max_nodes``.

    Degrees are counted in the full graph (every edge, in and out). Among
    nodes over the limit the highest-degree ones are kept; ties go to the
    smaller node id.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edges_from([("a", "b"), ("a", "c"), ("d", "e")])
    [0, 0, 0]
    >>> s = select(g, max_nodes=3)
    >>> s.nodes, s.dropped_by_limit
    (('a', 'b', 'c'), 2)
    """
    if max_nodes is not None and max_nodes < 1:
        raise KgError(f"--html-max-nodes must be at least 1, not {max_nodes}")
    if min_degree < 0:
        raise KgError(f"--html-min-degree must be 0 or more, not {min_degree}")
    wanted = parse_types(types)
    # One counter per node is all that is kept over the whole graph; the
    # edges are only visited from the drawn nodes, never listed.
    degree = dict(graph.degree())
    nodes_data = graph.nodes
    total = len(degree)
    by_type = [n for n in degree if wanted is None or nodes_data[n].get("type") in wanted]
    n_by_type = len(by_type)
    kept = [n for n in by_type if degree[n] >= min_degree]
    del by_type
    n_by_degree = len(kept)
    if max_nodes is not None and len(kept) > max_nodes:
        kept = heapq.nsmallest(max_nodes, kept, key=lambda n: (-degree[n], n))
    nodes = tuple(sorted(kept))
    del kept
    return Selection(
        nodes=nodes,
        edges=edges_among(graph, nodes),
        degree={n: degree[n] for n in nodes},
        total_nodes=total,
        total_edges=sum(degree.values()) // 2,
        dropped_by_type=total - n_by_type,
        dropped_by_degree=n_by_type - n_by_degree,
        dropped_by_limit=n_by_degree - len(nodes),
        min_degree=min_degree,
        max_nodes=max_nodes,
    )


def edges_among(graph: nx.MultiDiGraph, nodes: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """The ``(source, target, key)`` edges with both ends in ``nodes`` (sorted), in sorted order.

    Visits the out-edges of ``nodes`` only, so its cost grows with what is
    drawn, not with the graph.
    """
    keep = frozenset(nodes)
    succ = graph.succ
    out = []
    for u in nodes:
        nbrs = succ[u]
        for v in sorted(v for v in nbrs if v in keep):
            out.extend((u, v, k) for k in sorted(nbrs[v]))
    return tuple(out)
