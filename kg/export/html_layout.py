"""Deterministic node positions for the HTML page, grouped by community.

The page opens settled: positions are computed here, at build time, and the
browser only draws them. The drawn graph is split into communities with
networkx's Louvain method (Blondel et al. 2008,
:func:`networkx.community.louvain_communities`, seeded); communities larger
than :data:`MAX_COMMUNITY` are split again. Each community is laid out on
its own with a ForceAtlas2-style force model (Jacomy et al. 2014: repulsion
``(deg_i + 1)(deg_j + 1) / d``, linear attraction along edges, gravity to the
centre; no randomness: nodes start on a golden-angle spiral in rank order),
scaled to an even density and freed of overlaps. The communities, as discs,
are then placed by the same forces along the edges between them and pushed
apart until no two discs overlap. Nodes without any edge are set out in a
grid below. The same graph always gives the same integer coordinates.

Cost: about ``sum(size_c ** 2)`` per iteration, so communities are capped;
2,000 drawn nodes take a second or two.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
import numpy as np

#: Seed of the Louvain community detection.
SEED = 7
#: Communities larger than this are split again (the force model is quadratic).
MAX_COMMUNITY = 500
#: Average pixels between neighbouring nodes.
SPACING = 70.0
#: Pixels between two community discs.
GAP = 60.0
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_ITERATIONS = 120
_CHUNK = 256
#: Candidate spots around each placed community disc.
_SLOTS = 24


@dataclass(frozen=True)
class Layout:
    """Integer positions, the community of each node (-1: no edge) and one disc per community.

    ``clusters`` is a list of ``{"id", "x", "y", "r", "size"}`` (pixels),
    largest community first.
    """

    positions: dict[str, tuple[int, int]]
    community: dict[str, int]
    clusters: list[dict]


def layout(
    nodes: Iterable[str],
    edges: Iterable[tuple],
    degree: dict[str, int] | None = None,
) -> Layout:
    """Lay out ``nodes`` by communities of the graph of ``edges``.

    Parameters
    ----------
    nodes
        Node ids to place.
    edges
        ``(u, v)`` or ``(u, v, weight)`` among ``nodes``; direction is ignored
        and the weights of repeated pairs add up.
    degree
        Importance of each node (default: its number of edges): important
        nodes start near the centre of their community.

    Examples
    --------
    >>> a = layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c")])
    >>> a.positions == layout(["d", "c", "b", "a"], [("c", "b"), ("b", "a")]).positions
    True
    >>> a.community["d"], a.community["a"] == a.community["c"]
    (-1, True)
    """
    g = nx.Graph()
    g.add_nodes_from(sorted(set(nodes)))
    for e in sorted(tuple(e) for e in edges):
        u, v = e[0], e[1]
        if u == v:
            continue
        w = float(e[2]) if len(e) > 2 else 1.0
        if g.has_edge(u, v):
            g[u][v]["weight"] += w
        else:
            g.add_edge(u, v, weight=w)
    if degree is None:
        degree = dict(g.degree())

    def rank(n):
        return (-degree.get(n, 0), n)

    lonely = sorted((n for n in g if g.degree(n) == 0), key=rank)
    linked = g.subgraph(n for n in g if g.degree(n) > 0)
    groups = communities(linked)
    pos: dict[str, tuple[float, float]] = {}
    discs = []
    for members in groups:
        local = _community_layout(g, sorted(members, key=rank), degree)
        radius = max(math.hypot(x, y) for x, y in local.values()) + SPACING / 2
        discs.append((local, radius))
    centres = _place_discs(g, groups, [r for _, r in discs])
    community: dict[str, int] = {}
    clusters = []
    for cid, ((local, radius), (cx, cy)) in enumerate(zip(discs, centres, strict=True)):
        for n, (x, y) in local.items():
            pos[n] = (cx + x, cy + y)
            community[n] = cid
        clusters.append(
            {"id": cid, "x": round(cx), "y": round(cy), "r": round(radius), "size": len(local)}
        )
    _grid_below(lonely, pos, community)
    positions = {n: (round(x), round(y)) for n, (x, y) in sorted(pos.items())}
    return Layout(positions, dict(sorted(community.items())), clusters)


def communities(g: nx.Graph) -> list[list[str]]:
    """Louvain communities of ``g`` (seeded), split again above :data:`MAX_COMMUNITY`.

    Sorted largest first, then by smallest member; members sorted.
    """
    if g.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(g, weight="weight", seed=SEED)
    out: list[list[str]] = []
    todo = [sorted(c) for c in found]
    while todo:
        members = todo.pop()
        if len(members) <= MAX_COMMUNITY:
            out.append(members)
            continue
        sub = g.subgraph(members)
        parts = nx.community.louvain_communities(sub, weight="weight", seed=SEED, resolution=2.0)
        if len(parts) == 1:  # no structure left: cut by rank order
            parts = [members[i : i + MAX_COMMUNITY] for i in range(0, len(members), MAX_COMMUNITY)]
        todo.extend(sorted(p) for p in parts)
    return sorted(out, key=lambda c: (-len(c), c[0]))


def _spiral(count: int, step: float) -> np.ndarray:
    k = np.arange(count, dtype=float)
    r = step * np.sqrt(k + 0.5)
    return np.stack([r * np.cos(k * GOLDEN_ANGLE), r * np.sin(k * GOLDEN_ANGLE)], axis=1)


def force_layout(
    n: int,
    src: np.ndarray,
    dst: np.ndarray,
    weight: np.ndarray,
    mass: np.ndarray,
    init: np.ndarray,
    iterations: int = _ITERATIONS,
    radius: np.ndarray | None = None,
) -> np.ndarray:
    """ForceAtlas2-style forces from ``init``; returns the ``(n, 2)`` positions.

    Repulsion ``mass_i * mass_j / d`` between all pairs (computed in row
    chunks), attraction ``weight * d`` along each edge ``src -> dst``, a
    gravity of ``mass`` towards the origin, and steps capped by a cooling
    temperature. With ``radius`` (discs), pairs closer than the sum of their
    radii repel strongly.
    """
    pos = init.astype(float).copy()
    if n <= 1:
        return pos
    extent = float(np.abs(pos).max()) or 1.0
    temp = extent / 4
    k_rep = (extent / math.sqrt(n)) ** 2
    for _ in range(iterations):
        disp = np.zeros_like(pos)
        for start in range(0, n, _CHUNK):
            block = pos[start : start + _CHUNK]
            delta = block[:, None, :] - pos[None, :, :]
            d2 = (delta**2).sum(-1) + 1e-6
            force = k_rep * mass[start : start + _CHUNK, None] * mass[None, :] / d2
            if radius is not None:
                reach = radius[start : start + _CHUNK, None] + radius[None, :]
                force = force + np.where(d2 < reach**2, 50.0 * k_rep / d2, 0.0)
            disp[start : start + _CHUNK] += (force[:, :, None] * delta).sum(1)
        if len(src):
            pull = (pos[src] - pos[dst]) * weight[:, None] / extent
            np.add.at(disp, src, -pull * extent / 4)
            np.add.at(disp, dst, pull * extent / 4)
        norm = np.sqrt((pos**2).sum(1)) + 1e-9
        disp -= (mass / mass.max())[:, None] * pos / norm[:, None] * k_rep / extent
        length = np.sqrt((disp**2).sum(1)) + 1e-9
        pos += disp / length[:, None] * np.minimum(length, temp)[:, None]
        temp *= 0.965
    return pos


def _community_layout(g: nx.Graph, members: list[str], degree: dict) -> dict[str, tuple]:
    """Positions of one community around (0, 0), scaled to :data:`SPACING`."""
    n = len(members)
    if n == 1:
        return {members[0]: (0.0, 0.0)}
    index = {m: i for i, m in enumerate(members)}
    src, dst, w = [], [], []
    for u in members:
        for v, data in g.adj[u].items():
            if v in index and u < v:
                src.append(index[u])
                dst.append(index[v])
                w.append(data["weight"])
    weight = np.log1p(np.array(w, dtype=float))
    mass = np.array([1.0 + g.degree(m) for m in members])
    pos = force_layout(
        n, np.array(src, dtype=int), np.array(dst, dtype=int), weight, mass, _spiral(n, 1.0)
    )
    pos -= pos.mean(0)
    pos = _even_out(pos, SPACING * math.sqrt(n / math.pi) * 1.15)
    pos = _separate(pos, np.full(n, SPACING * 0.42), rounds=40)
    return {m: (float(pos[i, 0]), float(pos[i, 1])) for i, m in enumerate(members)}


def _even_out(pos: np.ndarray, radius: float) -> np.ndarray:
    """Half-way between the force layout and an even-density disc of ``radius``.

    Keeps each node's angle and the order of distances from the centre, so a
    dense core does not shrink into a blot once scaled (see :func:`even_density`).
    """
    r = np.sqrt((pos**2).sum(1))
    order = np.lexsort((np.arange(len(r)), r))
    even = np.empty_like(r)
    even[order] = radius * np.sqrt((np.arange(len(r)) + 0.5) / len(r))
    scaled = r / (r.max() or 1.0) * radius
    target = 0.5 * even + 0.5 * scaled
    factor = np.where(r > 0, target / np.maximum(r, 1e-9), 0.0)
    return pos * factor[:, None]


def even_density(pos: dict, radius: float) -> dict:
    """Spread positions over a disc of ``radius`` with even density.

    Keeps each node's angle around the centroid and the order of distances,
    but moves the k-th closest of n nodes to ``radius * sqrt(k / n)``.
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


def _place_discs(g: nx.Graph, groups: list[list[str]], radii: list[float]) -> list[tuple]:
    """Centres of the community discs, packed: linked ones close, none overlapping.

    Largest first, each disc goes to the free spot touching an already placed
    disc that is nearest to the centre of the discs it has edges to (or to
    the origin): a greedy circle packing, so there are no empty areas.
    """
    k = len(groups)
    if k == 0:
        return []
    of = {n: c for c, members in enumerate(groups) for n in members}
    links: list[dict[int, float]] = [{} for _ in range(k)]
    for c, members in enumerate(groups):
        for u in members:
            for v in g.adj[u]:
                d = of[v]
                if d != c:
                    links[c][d] = links[c].get(d, 0.0) + 1.0
    radius = np.array(radii) * 1.08 + GAP / 2
    centres = np.zeros((k, 2))
    angles = np.arange(_SLOTS) * (2 * math.pi / _SLOTS)
    ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    for c in range(1, k):
        placed = centres[:c]
        linked = [(d, w) for d, w in sorted(links[c].items()) if d < c]
        if linked:
            ws = np.array([w for _, w in linked])
            target = (placed[[d for d, _ in linked]] * ws[:, None]).sum(0) / ws.sum()
        else:
            target = np.zeros(2)
        reach = radius[:c] + radius[c]
        cands = (placed[:, None, :] + reach[:, None, None] * ring[None, :, :]).reshape(-1, 2)
        free = np.ones(len(cands), dtype=bool)
        for start in range(0, c, _CHUNK):
            d = np.sqrt(((cands[:, None, :] - placed[None, start : start + _CHUNK]) ** 2).sum(-1))
            free &= (d >= reach[None, start : start + _CHUNK] - 1e-6).all(1)
        dist = np.sqrt(((cands - target) ** 2).sum(1))
        best = int(np.argmin(np.where(free, dist, np.inf)))
        centres[c] = cands[best]
    centres -= centres.mean(0)
    return [(float(x), float(y)) for x, y in centres]


def _separate(pos: np.ndarray, radius: np.ndarray, rounds: int = 200) -> np.ndarray:
    """Push overlapping discs apart (smaller one moves more) until none overlap."""
    pos = pos.copy()
    idx = np.arange(len(pos))
    for _ in range(rounds):
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta**2).sum(-1)) + 1e-9
        need = radius[:, None] + radius[None, :]
        over = np.where((dist < need) & (idx[:, None] != idx[None, :]), need - dist, 0.0)
        if not over.any():
            break
        share = radius[None, :] / (radius[:, None] + radius[None, :])
        pos += ((over * share / dist)[:, :, None] * delta).sum(1) * 0.55
    return pos


def _grid_below(lonely: list[str], pos: dict, community: dict) -> None:
    """Set nodes without edges out in rows under everything else (most important first)."""
    if not lonely:
        return
    if pos:
        xs = [x for x, _ in pos.values()]
        ys = [y for _, y in pos.values()]
        left, top = min(xs), max(ys) + 2 * GAP
        width = max(max(xs) - left, SPACING * 8)
    else:
        left, top, width = 0.0, 0.0, SPACING * math.sqrt(len(lonely)) * 1.5
    per_row = max(1, int(width // (SPACING * 1.5)))
    for i, n in enumerate(lonely):
        pos[n] = (left + (i % per_row) * SPACING * 1.5, top + (i // per_row) * SPACING)
        community[n] = -1


def hash_angle(text: str) -> float:
    """A stable angle in [0, 2*pi) derived from ``text`` (not Python's salted ``hash``)."""
    h = 0
    for ch in text.encode("utf-8"):
        h = (h * 131 + ch) % 1_000_003
    return (h / 1_000_003) * 2 * math.pi


#: Labels that would need more zoom than this are drawn from this zoom on.
LABEL_MAX_SCALE = 3.0


def label_scales(boxes: list[tuple[float, float, float, float]]) -> list[float]:
    """Least zoom at which each label is drawn so that no two drawn labels overlap.

    ``boxes`` are ``(x, y, width, height)``: the label's centre in graph
    coordinates and its size in screen pixels (labels keep their screen size
    while zooming), most important first. Greedy, like map labelling: a label
    waits for the zoom at which it clears every more important label already
    drawn at that zoom. At zoom ``s`` two labels clear each other when
    ``|dx| * s >= (w_i + w_j) / 2`` or ``|dy| * s >= (h_i + h_j) / 2``. The
    first label is always drawn (0.0); none waits beyond
    :data:`LABEL_MAX_SCALE`.

    >>> label_scales([(0, 0, 100, 20), (50, 0, 100, 20), (0, 1000, 100, 20)])
    [0.0, 2.0, 0.02]
    """
    n = len(boxes)
    if n == 0:
        return []
    arr = np.array(boxes, dtype=float).reshape(n, 4)
    x, y, w, h = arr.T
    scales = np.zeros(n)
    for i in range(1, n):
        dx = np.abs(x[:i] - x[i]) + 1e-9
        dy = np.abs(y[:i] - y[i]) + 1e-9
        clear = np.minimum((w[:i] + w[i]) / (2 * dx), (h[:i] + h[i]) / (2 * dy))
        # a more important label j only matters between its own zoom and `clear`
        blocking = clear[clear > scales[:i]]
        scales[i] = min(LABEL_MAX_SCALE, float(blocking.max())) if blocking.size else 0.0
    return [math.ceil(float(s) * 1000) / 1000 for s in scales]  # up: never early
