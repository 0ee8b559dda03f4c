"""Choose which nodes of a large graph the HTML page draws.

Two views:

``papers``
    Papers and entities are nodes, linked by the graph's edges (``mentions``,
    ``proposes`` and the relations). Pleasant up to about a hundred papers.
``entities``
    Entities only, linked by the relations and by ``co_mentions`` edges
    (each entity to the :data:`CO_MENTION_K` entities it shares most papers
    with, at least :data:`CO_MENTION_MIN` of them). Papers are properties
    listed in the panel, and the papers that name the most drawn entities
    (at most half of ``html_max_nodes``) are in the page, hidden, for the
    "Papers" toggle. The default for graphs of more than
    :data:`ENTITY_VIEW_PAPERS` papers.

Then nodes of the chosen types (``html_types``) are ranked (by the papers
naming them, then degree, then id, so the choice is deterministic) and the
first ``html_max_nodes`` kept. Degrees are counted on what is drawn, and
``html_min_degree`` keeps the ``N``-core of the drawn graph: nodes are
removed until every drawn node has at least ``N`` drawn edges, so no node is
drawn alone because of edges to nodes that are not. :class:`Selection`
records what was left out so the page can say so.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import KgError, choices_message
from kg.records import MENTIONS, EntityType

#: Node ``type`` values the page knows (papers plus the six entity types).
NODE_TYPES = ("PAPER",) + tuple(t.value for t in EntityType)
VIEWS = ("auto", "papers", "entities")
#: ``auto`` draws entities only above this many papers.
ENTITY_VIEW_PAPERS = 150
#: Co-mention edges kept per entity in the entity view, and the fewest shared papers.
CO_MENTION_K = 3
CO_MENTION_MIN = 2
CO_MENTIONS = "co_mentions"


@dataclass(frozen=True)
class Selection:
    """The nodes and edges in the page, and counts of what was left out.

    ``nodes`` are sorted node ids; ``edges`` sorted ``(source, target, key)``
    triples of graph edges whose two ends are both in the page;
    ``co_mentions`` sorted ``(a, b, shared papers)`` (entity view);
    ``hidden`` the node ids in the page but hidden when it opens (the papers
    of the entity view); ``degree`` the degree of every node in the view the
    page opens with (for a hidden paper: its edges to drawn entities).
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
    view: str = "papers"
    co_mentions: tuple[tuple[str, str, int], ...] = ()
    hidden: frozenset[str] = field(default_factory=frozenset)
    papers_left_out: int = 0

    @property
    def complete(self) -> bool:
        """True when every node and edge of the graph is drawn."""
        return len(self.nodes) == self.total_nodes and len(self.edges) == self.total_edges

    @property
    def shown(self) -> tuple[str, ...]:
        """The nodes drawn when the page opens."""
        return tuple(n for n in self.nodes if n not in self.hidden)

    def summary(self) -> str:
        """One line for the page: ``showing 2,000 of 5,312 nodes and ...; left out: ...``."""
        if self.view == "entities":
            n_shown = len(self.nodes) - len(self.hidden)
            text = (
                f"entity view: {n_shown:,} of {self.total_nodes:,} nodes drawn, linked by"
                f" relations and {len(self.co_mentions):,} co-mention edges;"
                f" {len(self.hidden):,} papers behind the Papers toggle"
            )
            if self.papers_left_out:
                text += f" ({self.papers_left_out:,} more only listed)"
        else:
            text = (
                f"showing {len(self.nodes):,} of {self.total_nodes:,} nodes"
                f" and {len(self.edges):,} of {self.total_edges:,} edges"
            )
        left = []
        if self.dropped_by_type:
            left.append(f"{self.dropped_by_type:,} nodes of types not selected")
        if self.dropped_by_degree:
            left.append(
                f"{self.dropped_by_degree:,} nodes with fewer than {self.min_degree:,} drawn edges"
            )
        if self.dropped_by_limit:
            left.append(
                f"{self.dropped_by_limit:,} least-mentioned nodes beyond the"
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


def resolve_view(graph: nx.MultiDiGraph, view: str = "auto") -> str:
    """``papers`` or ``entities``: ``auto`` is ``entities`` above :data:`ENTITY_VIEW_PAPERS`."""
    if view not in VIEWS:
        raise KgError(choices_message("--html-view", view, VIEWS))
    if view != "auto":
        return view
    n_papers = 0
    for _, t in graph.nodes(data="type"):
        n_papers += t == "PAPER"
        if n_papers > ENTITY_VIEW_PAPERS:
            return "entities"
    return "papers"


def select(
    graph: nx.MultiDiGraph,
    max_nodes: int | None = None,
    min_degree: int = 0,
    types: Iterable[str] | str | None = None,
    view: str = "papers",
) -> Selection:
    """Choose the nodes: by type, then the top ``max_nodes``, then the drawn ``min_degree``-core.

    Nodes are ranked by the number of papers naming them (a paper: by
    degree), then by degree in the graph, then by id.

    Examples
    --------
    >>> g = nx.MultiDiGraph()
    >>> g.add_edges_from([("a", "b"), ("a", "c"), ("d", "e")])
    [0, 0, 0]
    >>> s = select(g, max_nodes=3)
    >>> s.nodes, s.dropped_by_limit
    (('a', 'b', 'c'), 2)
    >>> select(g, max_nodes=3, min_degree=2).nodes  # b and c have one drawn edge: a has none left
    ()
    """
    if max_nodes is not None and max_nodes < 1:
        raise KgError(f"--html-max-nodes must be at least 1, not {max_nodes}")
    if min_degree < 0:
        raise KgError(f"--html-min-degree must be 0 or more, not {min_degree}")
    wanted = parse_types(types)
    view = resolve_view(graph, view)
    entities = view == "entities"
    nodes_data = graph.nodes
    # One counter per node is all that is kept over the whole graph; the
    # edges are only visited from the drawn nodes, never listed.
    degree = dict(graph.degree())
    total = len(degree)
    total_edges = sum(degree.values()) // 2

    def ntype(n):
        return nodes_data[n].get("type")

    def rank(n):
        papers = nodes_data[n].get("papers")
        return (-(len(papers) if isinstance(papers, list) else degree[n]), -degree[n], n)

    by_type = [n for n in degree if wanted is None or ntype(n) in wanted]
    n_by_type = len(by_type)
    if entities:  # papers come back below, behind the toggle
        by_type = [n for n in by_type if ntype(n) != "PAPER"]
        n_papers = n_by_type - len(by_type)
        n_by_type = len(by_type)
    else:
        n_papers = 0
    if max_nodes is not None and len(by_type) > max_nodes:
        by_type = heapq.nsmallest(max_nodes, by_type, key=rank)
    n_limited = len(by_type)
    nodes = tuple(sorted(by_type))
    del by_type
    edges = edges_among(graph, nodes)
    if entities:
        edges = tuple(e for e in edges if e[2] != MENTIONS)
        co = co_mentions(graph, nodes)
    else:
        co = ()
    nodes, edges, co, drawn_degree = _core(nodes, edges, co, min_degree)
    hidden: frozenset[str] = frozenset()
    papers_left_out = 0
    if entities and (wanted is None or "PAPER" in wanted):
        budget = max(0, (max_nodes or len(nodes) * 2) // 2)
        papers, papers_left_out = _papers_for(graph, nodes, budget)
        if papers:
            hidden = frozenset(papers)
            drawn_degree.update(papers)
            nodes = tuple(sorted(nodes + tuple(hidden)))
            edges = edges_among(graph, nodes)
    return Selection(
        nodes=nodes,
        edges=edges,
        degree=drawn_degree,
        total_nodes=total,
        total_edges=total_edges,
        dropped_by_type=total - n_by_type - n_papers,
        dropped_by_degree=n_limited - (len(nodes) - len(hidden)),
        dropped_by_limit=n_by_type - n_limited,
        min_degree=min_degree,
        max_nodes=max_nodes,
        view=view,
        co_mentions=co,
        hidden=hidden,
        papers_left_out=papers_left_out,
    )


def _core(nodes, edges, co, min_degree):
    """Remove nodes with fewer than ``min_degree`` drawn edges until none is left.

    Returns the kept ``nodes``, ``edges``, ``co`` and the drawn degree of each kept node.
    """
    while True:
        deg = dict.fromkeys(nodes, 0)
        for u, v, *_ in edges:
            deg[u] += 1
            deg[v] += 1
        for u, v, _ in co:
            deg[u] += 1
            deg[v] += 1
        weak = {n for n, d in deg.items() if d < min_degree}
        if not weak:
            return nodes, edges, co, deg
        nodes = tuple(n for n in nodes if n not in weak)
        edges = tuple(e for e in edges if e[0] not in weak and e[1] not in weak)
        co = tuple(e for e in co if e[0] not in weak and e[1] not in weak)


def _papers_of(graph: nx.MultiDiGraph, entity: str) -> list[str]:
    """Paper nodes with a ``mentions`` edge to ``entity``."""
    pred = graph.pred[entity]
    return [p for p in pred if MENTIONS in pred[p]]


def co_mentions(graph: nx.MultiDiGraph, nodes: tuple[str, ...]) -> tuple[tuple[str, str, int], ...]:
    """Co-mention edges among entity ``nodes``: each to its top :data:`CO_MENTION_K` partners.

    A partner shares at least :data:`CO_MENTION_MIN` papers; ties go to the
    smaller id. Visits only the papers of ``nodes`` and what they mention.
    """
    keep = frozenset(nodes)
    succ = graph.succ
    pairs: dict[tuple[str, str], int] = {}
    for e in nodes:
        counts: Counter = Counter()
        for p in _papers_of(graph, e):
            for f in succ[p]:
                if f != e and f in keep:
                    counts[f] += 1
        best = heapq.nsmallest(
            CO_MENTION_K,
            ((-c, f) for f, c in counts.items() if c >= CO_MENTION_MIN),
        )
        for c, f in best:
            pairs[(e, f) if e < f else (f, e)] = -c
    return tuple((a, b, n) for (a, b), n in sorted(pairs.items()))


def _papers_for(graph, entities: tuple[str, ...], budget: int) -> tuple[dict[str, int], int]:
    """The ``budget`` papers naming the most of ``entities`` (then by id) with that number,
    and how many more papers name one of them."""
    hits: Counter = Counter()
    for e in entities:
        for p in _papers_of(graph, e):
            hits[p] += 1
    chosen = heapq.nsmallest(budget, hits, key=lambda p: (-hits[p], p)) if budget else []
    return {p: hits[p] for p in chosen}, len(hits) - len(chosen)


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
