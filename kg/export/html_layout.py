"""Deterministic node positions for the HTML page.

A force-directed layout of thousands of nodes is too slow to compute here
(``networkx.spring_layout`` takes ~30 s for 5,000 nodes) and drifts when left
to the browser. So the ``core`` (the highest-degree nodes, at most
:data:`CORE_SIZE`) gets a seeded Fruchterman-Reingold layout
(``networkx.spring_layout``), and every other node is placed around its
best-connected already-placed neighbour on a golden-angle spiral; nodes with
no placed neighbour start a new cluster on a spiral outside the core. The same
graph always gives the same integer coordinates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import networkx as nx

#: Largest number of nodes laid out by ``spring_layout``.
CORE_SIZE = 400
#: Seed of the spring layout.
SEED = 7
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
#: Pixels between a node and the neighbours placed around it.
_CHILD_RADIUS = 90.0
_CHILD_GROWTH = 28.0
#: Pixels of the spacing of unconnected clusters outside the core.
_OUTER_GAP = 200.0
_OUTER_GROWTH = 90.0


def _rank(degree: dict[str, int]):
    return lambda n: (-degree.get(n, 0), n)


def layout(
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str]],
    degree: dict[str, int] | None = None,
    core_size: int = CORE_SIZE,
) -> dict[str, tuple[int, int]]:
    """Return integer ``(x, y)`` pixel positions for ``nodes``.

    Parameters
    ----------
    nodes
        Node ids to place.
    edges
        ``(u, v)`` pairs among ``nodes`` (direction and duplicates ignored).
    degree
        Importance of each node (default: degree in ``edges``); the
        ``core_size`` most important nodes get the spring layout.
    core_size
        Size of the spring-laid-out core.

    Examples
    --------
    >>> pos = layout(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"] and pos == layout(["c", "b", "a"], [("b", "c"), ("a", "b")])
    True
    """
    g = nx.Graph()
    g.add_nodes_from(sorted(set(nodes)))
    g.add_edges_from(sorted({tuple(sorted(e)) for e in edges if e[0] != e[1]}))
    if degree is None:
        degree = dict(g.degree())
    rank = _rank(degree)
    order = sorted(g.nodes, key=rank)
    if not order:
        return {}
    core = sorted(order[:core_size])
    core_graph = nx.Graph()
    core_graph.add_nodes_from(core)
    core_graph.add_edges_from(sorted(tuple(sorted(e)) for e in g.subgraph(core).edges))
    scale = 90.0 * math.sqrt(len(core))
    if len(core) == 1:
        pos = {core[0]: (0.0, 0.0)}
    else:
        raw = nx.spring_layout(core_graph, seed=SEED, iterations=80)
        pos = even_density({n: (float(raw[n][0]), float(raw[n][1])) for n in core}, scale)

    rest = [n for n in order if n not in pos]
    _place_rest(g, rest, pos, rank)
    return {n: (round(x), round(y)) for n, (x, y) in sorted(pos.items())}


def even_density(pos: dict, radius: float) -> dict:
    """Spread positions over a disc of ``radius`` with even density.

    Keeps each node's angle around the centroid and the order of distances,
    but moves the k-th closest of n nodes to ``radius * sqrt(k / n)``. A
    spring layout of a graph with a dense centre and a few loosely attached
    nodes otherwise shrinks the centre into a blot once rescaled.
    """
    if not pos:
        return {}
    cx = sum(x for x, _ in pos.values()) / len(pos)
    cy = sum(y for _, y in pos.values()) / len(pos)
    ranked = sorted(pos, key=lambda n: (math.hypot(pos[n][0] - cx, pos[n][1] - cy), n))
    out = {}
    for k, n in enumerate(ranked):
        x, y = pos[n][0] - cx, pos[n][1] - cy
        angle = math.atan2(y, x)
        r = radius * math.sqrt((k + 0.5) / len(ranked))
        out[n] = (r * math.cos(angle), r * math.sin(angle))
    return out


def _place_rest(g: nx.Graph, rest: list[str], pos: dict, rank) -> None:
    """Place ``rest`` (in importance order) around placed neighbours, in place.

    Breadth-first from what is placed: each round places, in importance order,
    every pending node with a placed neighbour. When nothing pending touches a
    placed node, the most important pending node starts a new cluster.
    """
    children: dict[str, int] = {}
    outer = 0
    radius = max((math.hypot(x, y) for x, y in pos.values()), default=0.0) + _OUTER_GAP
    pending = set(rest)
    frontier = {n for n in rest if any(m in pos for m in g.adj[n])}
    next_seed = 0
    while pending:
        if not frontier:
            while rest[next_seed] not in pending:
                next_seed += 1
            seed = rest[next_seed]
            angle = outer * GOLDEN_ANGLE
            r = radius + _OUTER_GROWTH * math.sqrt(outer)
            pos[seed] = (r * math.cos(angle), r * math.sin(angle))
            outer += 1
            pending.discard(seed)
            frontier = {m for m in g.adj[seed] if m in pending}
            continue
        placed_now = sorted(frontier, key=rank)
        for n in placed_now:
            anchor = min((m for m in g.adj[n] if m in pos), key=rank)
            k = children.get(anchor, 0)
            children[anchor] = k + 1
            ax, ay = pos[anchor]
            r = _CHILD_RADIUS + _CHILD_GROWTH * math.sqrt(k)
            angle = k * GOLDEN_ANGLE + hash_angle(anchor)
            pos[n] = (ax + r * math.cos(angle), ay + r * math.sin(angle))
        pending.difference_update(placed_now)
        frontier = {m for n in placed_now for m in g.adj[n] if m in pending}


def hash_angle(text: str) -> float:
    """A stable angle in [0, 2*pi) derived from ``text`` (not Python's salted ``hash``)."""
    h = 0
    for ch in text.encode("utf-8"):
        h = (h * 131 + ch) % 1_000_003
    return (h / 1_000_003) * 2 * math.pi
