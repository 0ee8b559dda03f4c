"""Linked extractions -> one NetworkX ``MultiDiGraph``. No I/O here.

Graph schema (every exporter reads only this):

Nodes
    ``paper:<paper id>`` with ``kind="Paper"``, ``label`` (the title),
    ``title``, ``abstract``, ``paper_id``, ``year``, ``date``, ``arxiv_id``,
    ``doi``, ``url``, ``authors`` (list), ``source``.

    Entity nodes (``model:gpt-4o``...) with ``kind`` one of ``Model``,
    ``Method``, ``Dataset``, ``Benchmark``, ``Metric``, ``Task``; ``type``
    (``MODEL``...), ``label``/``name`` (display name), ``aliases`` (sorted
    list of surface forms), ``papers`` (sorted ids of papers that mention it),
    ``introduced_by`` (sorted ids of papers that propose it).

Edges (key = edge ``type``)
    ``mentions``: paper -> entity, with ``count`` (number of mentions).
    ``proposes``: paper -> entity.
    ``evaluates_on``, ``outperforms``, ``uses_metric``: entity -> entity.

    Every non-``mentions`` edge carries ``claims``: a list, sorted by paper,
    of ``{"paper", "evidence", "rule", "confidence", "value", "metric"}``
    (one per paper that states it: the paper's latest claim), ``support``
    (number of distinct papers) and ``confidence`` (the highest claim confidence).

Values are ``None`` where unknown; exporters decide how to write them.

A build makes a *compact* graph (``compact=True``), about half the memory:
abstracts are left out (exporters read node attributes through
:func:`node_data`, which reads a paper's abstract back from
``extractions.jsonl``, see :class:`kg.paper_texts.PaperTexts`), and every
``mentions`` edge with the same count shares one read-only key dict and data
dict (a 100k-paper graph holds about 600k of them). A compact graph is meant to
be read; ``graph.copy()`` gives a mutable one.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable

import networkx as nx

from kg.records import MENTIONS, PAPER_HEAD, Extraction

PAPER_KIND = "Paper"

#: Graph -> the store its paper abstracts were left out to (see :func:`attach_texts`).
_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _Shared(dict):
    """A dict shared by many edges of the graph: every change is refused."""

    __slots__ = ()

    def _refuse(self, *args, **kwargs):
        raise TypeError("kg graph: mentions edges share their data, which is read-only")

    __setitem__ = __delitem__ = __ior__ = _refuse
    update = pop = popitem = clear = setdefault = _refuse

    def __reduce__(self):
        return (dict, (dict(self),))


_MENTION_KEYDICTS: dict[int | None, _Shared] = {}


def _mention_keydict(count: int | None) -> _Shared:
    """The one ``{"mentions": {"type": "mentions", "count": count}}`` of this count."""
    keydict = _MENTION_KEYDICTS.get(count)
    if keydict is None:
        data = _Shared(type=MENTIONS, count=count)
        keydict = _MENTION_KEYDICTS.setdefault(count, _Shared({MENTIONS: data}))
    return keydict


def attach_texts(graph: nx.MultiDiGraph, texts) -> None:
    """Tell :func:`node_data` where the abstracts left out of ``graph`` are
    (an object with ``abstract(paper_id) -> str``)."""
    _TEXTS[graph] = texts


def node_data(graph: nx.MultiDiGraph, node) -> dict:
    """Every attribute of ``node``, a paper's abstract included.

    The accessor exporters use instead of ``graph.nodes[node]`` when they write
    a paper's text: a build leaves abstracts out of the graph and this reads
    them back (same key order as a graph that holds them).
    """
    data = graph.nodes[node]
    if data.get("kind") != PAPER_KIND or "abstract" in data:
        return data
    texts = _TEXTS.get(graph)
    if texts is None:
        return data
    out = {}
    for key, value in data.items():
        out[key] = value
        if key == "title":
            out["abstract"] = texts.abstract(data["paper_id"])
    return out


def paper_node_id(paper_id: str) -> str:
    """Node id of a paper."""
    return f"paper:{paper_id}"


def add_extraction(graph: nx.MultiDiGraph, ex: Extraction, compact: bool = False) -> None:
    """Merge one linked extraction into ``graph`` (in place).

    ``compact=True`` leaves the abstract out and shares the data of
    ``mentions`` edges (see the module docstring); the default makes a plain,
    mutable graph.
    """
    paper = ex.paper
    pnode = paper_node_id(paper.id)
    text = {} if compact else {"abstract": paper.abstract}
    graph.add_node(
        pnode,
        kind=PAPER_KIND,
        type="PAPER",
        label=paper.title,
        name=paper.title,
        title=paper.title,
        **text,
        paper_id=paper.id,
        year=paper.year,
        date=paper.date,
        arxiv_id=paper.arxiv_id,
        doi=paper.doi,
        url=paper.url,
        authors=list(paper.authors),
        source=paper.source,
    )
    for ent in ex.entities:
        if not ent.id:
            raise ValueError(f"entity {ent.name!r} of paper {paper.id} has no id: link it first")
        merge_entity(graph, ent, paper.id)
        if compact:
            _set_mentions(graph, pnode, ent.id, len(ent.mentions))
        elif graph.has_edge(pnode, ent.id, MENTIONS):
            graph.edges[pnode, ent.id, MENTIONS]["count"] = len(ent.mentions)
        else:
            graph.add_edge(pnode, ent.id, key=MENTIONS, type=MENTIONS, count=len(ent.mentions))
    for head, tail, etype, claim in paper_claims(ex):
        merge_claim(graph, head, tail, etype, claim)


def merge_entity(graph: nx.MultiDiGraph, ent, paper_id: str) -> None:
    """Merge one linked entity of paper ``paper_id`` into its node (created at
    its first paper: name and type; aliases, papers and introduced_by grow)."""
    if ent.id in graph:
        data = graph.nodes[ent.id]
        new_aliases = [a for a in ent.aliases if a not in data["aliases"]]
        if new_aliases:
            data["aliases"] = sorted(set(data["aliases"]).union(new_aliases))
        _insort_unique(data["papers"], paper_id)
        if ent.introduced:
            _insort_unique(data["introduced_by"], paper_id)
    else:
        graph.add_node(
            ent.id,
            kind=ent.type.label,
            type=ent.type.value,
            label=ent.name,
            name=ent.name,
            aliases=sorted(set(ent.aliases) | {ent.name}),
            papers=[paper_id],
            introduced_by=[paper_id] if ent.introduced else [],
        )


def paper_claims(ex: Extraction):
    """``(head node, tail node, edge type, claim)`` of each relation of a linked
    extraction, in order; relations to an entity the extraction dropped are left out."""
    paper = ex.paper
    pnode = paper_node_id(paper.id)
    by_name = {ent.name: ent.id for ent in ex.entities}
    for rel in ex.relations:
        head = pnode if rel.head == PAPER_HEAD else by_name.get(rel.head)
        tail = by_name.get(rel.tail)
        if head is None or tail is None:
            continue
        claim = {
            "paper": paper.id,
            "evidence": rel.evidence,
            "rule": rel.rule,
            "confidence": round(rel.confidence, 3),
            "value": rel.value,
            "metric": rel.metric,
        }
        yield head, tail, rel.type.value, claim


def _insort_unique(items: list, value) -> None:
    """Insert ``value`` into the sorted list ``items`` unless it is there already.

    Binary search keeps merging a paper into an entity seen in many papers
    cheap (no re-sorting of the whole list for every paper)."""
    i = bisect.bisect_left(items, value)
    if i == len(items) or items[i] != value:
        items.insert(i, value)


def _claim_key(claim: dict) -> str:
    return claim["paper"]


def _set_mentions(graph, paper_node, entity, count: int) -> None:
    """Add (or update the count of) the ``mentions`` edge paper -> entity.

    Its key dict and data are the shared ones of this count, so the edge costs
    only its two adjacency slots. NetworkX keeps adjacency in ``_succ``/``_pred``
    (a key dict per node pair); both ends are nodes already.
    """
    nbrs = graph._succ[paper_node]
    keydict = nbrs.get(entity)
    if keydict is None or type(keydict) is _Shared:
        nbrs[entity] = graph._pred[entity][paper_node] = _mention_keydict(count)
        nx._clear_cache(graph)
    else:  # the pair has other edges too (the same paper added again)
        keydict[MENTIONS] = _mention_keydict(count)[MENTIONS]


def _own_keydict(graph, head, tail) -> None:
    """Give the pair head -> tail a key dict of its own before another edge joins it."""
    keydict = graph._succ[head].get(tail)
    if type(keydict) is _Shared:
        graph._succ[head][tail] = graph._pred[tail][head] = dict(keydict)


def merge_claim(graph: nx.MultiDiGraph, head, tail, etype: str, claim: dict) -> None:
    """Merge one paper's claim into the edge head -> tail of ``etype`` (one claim
    per paper, its latest; claims sorted by paper; support and confidence kept)."""
    paper_id = claim["paper"]
    if graph.has_edge(head, tail, key=etype):
        data = graph.edges[head, tail, etype]
        claims = data["claims"]  # sorted by paper; one claim per paper (the latest)
        i = bisect.bisect_left(claims, paper_id, key=_claim_key)
        if i < len(claims) and claims[i]["paper"] == paper_id:
            claims[i] = claim
            data["confidence"] = max(c["confidence"] for c in claims)
        else:
            claims.insert(i, claim)
            data["confidence"] = max(data["confidence"], claim["confidence"])
        data["support"] = len(claims)
        return
    _own_keydict(graph, head, tail)
    graph.add_edge(
        head,
        tail,
        key=etype,
        type=etype,
        claims=[claim],
        support=1,
        confidence=claim["confidence"],
    )


def build_graph(extractions: Iterable[Extraction], graph: nx.MultiDiGraph | None = None):
    """Build (or extend) the knowledge graph from linked extractions.

    Examples
    --------
    >>> from kg.records import Paper, Extraction
    >>> g = build_graph([Extraction(Paper("p1", "A title", "An abstract."))])
    >>> sorted(g.nodes)
    ['paper:p1']
    """
    graph = nx.MultiDiGraph() if graph is None else graph
    for ex in extractions:
        add_extraction(graph, ex)
    return graph
