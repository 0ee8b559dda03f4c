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
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import networkx as nx

from kg.records import MENTIONS, PAPER_HEAD, Extraction

PAPER_KIND = "Paper"


def paper_node_id(paper_id: str) -> str:
    """Node id of a paper."""
    return f"paper:{paper_id}"


def add_extraction(graph: nx.MultiDiGraph, ex: Extraction) -> None:
    """Merge one linked extraction into ``graph`` (in place)."""
    paper = ex.paper
    pnode = paper_node_id(paper.id)
    graph.add_node(
        pnode,
        kind=PAPER_KIND,
        type="PAPER",
        label=paper.title,
        name=paper.title,
        title=paper.title,
        abstract=paper.abstract,
        paper_id=paper.id,
        year=paper.year,
        date=paper.date,
        arxiv_id=paper.arxiv_id,
        doi=paper.doi,
        url=paper.url,
        authors=list(paper.authors),
        source=paper.source,
    )
    by_name = {}
    for ent in ex.entities:
        if not ent.id:
            raise ValueError(f"entity {ent.name!r} of paper {paper.id} has no id: link it first")
        by_name[ent.name] = ent.id
        if ent.id in graph:
            data = graph.nodes[ent.id]
            new_aliases = [a for a in ent.aliases if a not in data["aliases"]]
            if new_aliases:
                data["aliases"] = sorted(set(data["aliases"]).union(new_aliases))
            _insort_unique(data["papers"], paper.id)
            if ent.introduced:
                _insort_unique(data["introduced_by"], paper.id)
        else:
            graph.add_node(
                ent.id,
                kind=ent.type.label,
                type=ent.type.value,
                label=ent.name,
                name=ent.name,
                aliases=sorted(set(ent.aliases) | {ent.name}),
                papers=[paper.id],
                introduced_by=[paper.id] if ent.introduced else [],
            )
        _merge_edge(graph, pnode, ent.id, MENTIONS, None, paper.id, count=len(ent.mentions))

    for rel in ex.relations:
        head = pnode if rel.head == PAPER_HEAD else by_name.get(rel.head)
        tail = by_name.get(rel.tail)
        if head is None or tail is None:
            continue  # relation to an entity the extraction dropped
        claim = {
            "paper": paper.id,
            "evidence": rel.evidence,
            "rule": rel.rule,
            "confidence": round(rel.confidence, 3),
            "value": rel.value,
            "metric": rel.metric,
        }
        _merge_edge(graph, head, tail, rel.type.value, claim, paper.id)


def _insort_unique(items: list, value) -> None:
    """Insert ``value`` into the sorted list ``items`` unless it is there already.

    Binary search keeps merging a paper into an entity seen in many papers
    cheap (no re-sorting of the whole list for every paper)."""
    i = bisect.bisect_left(items, value)
    if i == len(items) or items[i] != value:
        items.insert(i, value)


def _claim_key(claim: dict) -> str:
    return claim["paper"]


def _merge_edge(graph, head, tail, etype, claim, paper_id, count=None):
    if graph.has_edge(head, tail, key=etype):
        data = graph.edges[head, tail, etype]
        if etype == MENTIONS:
            data["count"] = count
            return
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
    if etype == MENTIONS:
        graph.add_edge(head, tail, key=etype, type=etype, count=count)
    else:
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
