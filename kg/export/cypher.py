"""The Neo4j property-graph mapping shared by the Bolt push and the import files.

One place decides how the NetworkX graph (see :mod:`kg.graph`) becomes Neo4j
nodes and relationships, so ``import.cypher``, the ``neo4j-admin`` CSV files
and ``kg neo4j-push`` always agree:

Nodes
    ``:Paper`` with ``id`` (``paper:<paperId>``), ``paperId``, ``title``,
    ``name`` (= title, for captions), ``abstract``, ``year`` (int), ``date``,
    ``arxivId``, ``doi``, ``url``, ``authors`` (list), ``source``.

    ``:Entity`` plus one of ``:Model :Method :Dataset :Benchmark :Metric
    :Task`` with ``id`` (``model:gpt-4o``), ``name``, ``type`` (``MODEL``...),
    ``aliases``, ``papers`` and ``introducedBy`` (lists of paper ids) and
    ``paperCount`` (``size(papers)``).

Relationships
    ``MENTIONS`` (paper -> entity) with ``count``.

    ``PROPOSES``, ``EVALUATES_ON``, ``OUTPERFORMS``, ``USES_METRIC`` with the
    claims of :mod:`kg.graph` as *parallel lists*, one position per paper that
    states the relation: ``papers[i]`` stated it in ``evidence[i]``, found by
    rule ``rules[i]`` with ``confidences[i]``; ``values[i]`` and
    ``metrics[i]`` are the score and metric it gives (``""`` when none,
    because Neo4j lists cannot hold nulls). ``support`` is ``size(papers)``
    and ``confidence`` the highest of ``confidences``.

Absent values (``None``) are left out: Neo4j has no null properties.

Labels and relationship types come only from the fixed tables below; paper
text never becomes part of a query. :func:`literal` writes values as Cypher
literals for ``import.cypher`` (and to measure a statement's size).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import NamedTuple

import networkx as nx

from kg.errors import ExportError
from kg.graph import node_data
from kg.records import MENTIONS, EntityType, RelationType

PAPER_LABEL = "Paper"
ENTITY_LABEL = "Entity"

#: graph node ``kind`` -> Neo4j label (fixed list: nothing else ever becomes a label).
ENTITY_LABELS: dict[str, str] = {t.label: t.label for t in EntityType}
NODE_LABELS: tuple[str, ...] = (PAPER_LABEL, ENTITY_LABEL) + tuple(ENTITY_LABELS)

#: graph edge ``type`` -> Neo4j relationship type, in write order.
REL_TYPES: dict[str, str] = {MENTIONS: "MENTIONS"} | {
    r.value: r.value.upper() for r in RelationType
}

#: Relationship types whose properties are claim lists.
CLAIM_REL_TYPES: tuple[str, ...] = tuple(r.value.upper() for r in RelationType)

#: Parallel claim lists on a relationship: property -> claim key, with the
#: value used where a claim has none.
CLAIM_LISTS: dict[str, tuple[str, object]] = {
    "papers": ("paper", ""),
    "evidence": ("evidence", ""),
    "rules": ("rule", ""),
    "confidences": ("confidence", 0.0),
    "values": ("value", ""),
    "metrics": ("metric", ""),
}

_PAPER_PROPS = (
    ("paper_id", "paperId"),
    ("title", "title"),
    ("label", "name"),
    ("abstract", "abstract"),
    ("year", "year"),
    ("date", "date"),
    ("arxiv_id", "arxivId"),
    ("doi", "doi"),
    ("url", "url"),
    ("authors", "authors"),
    ("source", "source"),
)


def node_labels(data: dict, node_id: str = "?") -> tuple[str, ...]:
    """The Neo4j labels of a graph node: ``("Paper",)`` or ``("Entity", "Model")``.

    Raises :class:`~kg.errors.ExportError` for a ``kind`` outside the fixed list.
    """
    kind = data.get("kind")
    if kind == PAPER_LABEL:
        return (PAPER_LABEL,)
    if kind in ENTITY_LABELS:
        return (ENTITY_LABEL, ENTITY_LABELS[kind])
    raise ExportError(
        f"graph node {node_id!r} has kind {kind!r}, which has no Neo4j label; expected one "
        f"of {', '.join((PAPER_LABEL, *ENTITY_LABELS))} (is this a kg graph.json?)"
    )


def rel_type(data: dict, key: str | None = None) -> str:
    """The Neo4j relationship type of a graph edge (``EVALUATES_ON``...)."""
    etype = data.get("type") or key
    if etype not in REL_TYPES:
        raise ExportError(
            f"graph edge type {etype!r} has no Neo4j relationship type; expected one of "
            f"{', '.join(REL_TYPES)} (is this a kg graph.json?)"
        )
    return REL_TYPES[etype]


def _clean(props: dict) -> dict:
    """Drop absent values; lists keep only non-null items; keys sorted."""
    out = {}
    for key in sorted(props):
        value = props[key]
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = [v for v in value if v is not None]
        out[key] = value
    return out


def node_properties(node_id: str, data: dict) -> dict:
    """The Neo4j properties of a graph node (camelCase, no nulls, sorted keys)."""
    if data.get("kind") == PAPER_LABEL:
        props = {"id": node_id}
        for src, dst in _PAPER_PROPS:
            props[dst] = data.get(src)
        if props["year"] is not None:
            props["year"] = int(props["year"])
        props["authors"] = list(props["authors"] or [])
        return _clean(props)
    papers = list(data.get("papers") or [])
    props = {
        "id": node_id,
        "name": data.get("name") or data.get("label") or node_id,
        "type": data.get("type"),
        "aliases": list(data.get("aliases") or []),
        "papers": papers,
        "introducedBy": list(data.get("introduced_by") or []),
        "paperCount": len(papers),
    }
    return _clean(props)


def claim_lists(claims: list[dict]) -> dict[str, list]:
    """Claims (dicts, one per paper) -> parallel lists ``papers``, ``evidence``..."""
    lists: dict[str, list] = {name: [] for name in CLAIM_LISTS}
    for claim in claims:
        for name, (key, default) in CLAIM_LISTS.items():
            value = claim.get(key)
            if value is None:
                value = default
            elif name == "confidences":
                value = float(value)
            else:
                value = str(value)
            lists[name].append(value)
    return lists


def edge_properties(data: dict) -> dict:
    """The Neo4j properties of a graph edge (``count``, or claim lists + support)."""
    if data.get("type") == MENTIONS:
        count = data.get("count")
        return {"count": int(count)} if count is not None else {}
    props: dict = claim_lists(list(data.get("claims") or []))
    props["support"] = len(set(props["papers"]))
    confidences = props["confidences"]
    props["confidence"] = max(confidences) if confidences else float(data.get("confidence") or 0)
    return dict(sorted(props.items()))


def head_label(graph: nx.MultiDiGraph, node) -> str:
    """The label a relationship's start node is matched on: ``Paper`` or ``Entity``."""
    return PAPER_LABEL if graph.nodes[node].get("kind") == PAPER_LABEL else ENTITY_LABEL


def _nodes_by_label(graph: nx.MultiDiGraph) -> dict[str, list]:
    """Node ids by their last label, in :data:`NODE_LABELS` order, each sorted by id.

    One cheap pass that also checks every ``kind``; it holds only references
    to the node ids (no properties).
    """
    out: dict[str, list] = {}
    for node in sorted(graph.nodes, key=str):
        out.setdefault(node_labels(graph.nodes[node], str(node))[-1], []).append(node)
    return {label: out[label] for label in NODE_LABELS if label in out}


def iter_nodes(
    graph: nx.MultiDiGraph, label: str | None = None
) -> Iterator[tuple[tuple[str, ...], dict]]:
    """Yield ``(labels, properties)`` for every node, sorted by label then id.

    With ``label``, only the nodes whose last label it is (``Paper``,
    ``Model``...). Properties are made one node at a time, so the caller can
    write each row before the next is built.
    """
    for last, ids in _nodes_by_label(graph).items():
        if label is not None and last != label:
            continue
        for node in ids:
            data = node_data(graph, node)
            yield node_labels(data, str(node)), node_properties(str(node), data)


class RelationshipGroup(NamedTuple):
    """The relationships of one type whose start nodes have one head label."""

    rtype: str
    head: str
    count: int
    starts: list  #: start node ids, sorted by id


def relationship_groups(graph: nx.MultiDiGraph) -> list[RelationshipGroup]:
    """The ``(type, head label)`` relationship groups in write order: by type
    (:data:`REL_TYPES`), then by which head label has the first start node.

    One counting pass that checks every edge type and holds only node
    references; :func:`iter_group` then yields a group's rows.
    """
    starts: dict[tuple[str, str], set] = {}
    counts: dict[tuple[str, str], int] = {}
    for u, nbrs in graph.succ.items():
        head = head_label(graph, u)
        for keydict in nbrs.values():
            for key, data in keydict.items():
                group = (rel_type(data, key), head)
                starts.setdefault(group, set()).add(u)
                counts[group] = counts.get(group, 0) + 1
    groups = [
        RelationshipGroup(rtype, head, counts[(rtype, head)], sorted(nodes, key=str))
        for (rtype, head), nodes in starts.items()
    ]
    order = list(REL_TYPES.values())
    groups.sort(key=lambda g: (order.index(g.rtype), str(g.starts[0])))
    return groups


def _edges_from(graph: nx.MultiDiGraph, rtype: str, starts) -> Iterator[tuple]:
    succ = graph.succ
    for u in starts:
        nbrs = succ[u]
        for v in sorted(nbrs, key=str):
            for key, data in nbrs[v].items():
                if rel_type(data, key) == rtype:
                    yield rtype, str(u), str(v), edge_properties(data)


def iter_group(
    graph: nx.MultiDiGraph, group: RelationshipGroup
) -> Iterator[tuple[str, str, str, dict]]:
    """Yield ``(type, start id, end id, properties)`` of one group, sorted by ends."""
    return _edges_from(graph, group.rtype, group.starts)


def iter_relationships(graph: nx.MultiDiGraph) -> Iterator[tuple[str, str, str, dict]]:
    """Yield ``(type, start id, end id, properties)``, sorted by type then ends.

    Parallel edges of one type keep the graph's order. Properties are made
    one edge at a time.
    """
    groups = relationship_groups(graph)
    for rtype in REL_TYPES.values():
        starts = sorted((u for g in groups if g.rtype == rtype for u in g.starts), key=str)
        yield from _edges_from(graph, rtype, starts)


def expected_counts(graph: nx.MultiDiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """Node count per label (an entity counts under ``Entity`` and its own label)
    and relationship count per type that a push of ``graph`` should produce.

    A counting pass: no properties are built.
    """
    labels: dict[str, int] = {}
    for node, data in graph.nodes(data=True):
        for label in node_labels(data, str(node)):
            labels[label] = labels.get(label, 0) + 1
    types: dict[str, int] = {}
    for _, _, key, data in graph.edges(keys=True, data=True):
        rtype = rel_type(data, key)
        types[rtype] = types.get(rtype, 0) + 1
    return dict(sorted(labels.items())), dict(sorted(types.items()))


# --- Cypher literals ---------------------------------------------------------

_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code < 0x20 or code == 0x7F or 0x2028 <= code <= 0x2029:
        return f"\\u{code:04x}"
    return ch


_NEEDS_ESCAPE = re.compile("[\\\\'\\x00-\\x1f\\x7f\\u2028\\u2029]")


def _escape_match(match: re.Match) -> str:
    return _escape_char(match.group())


def string_literal(text: str) -> str:
    """A single-quoted Cypher string literal for any text.

    Backslashes, quotes, newlines and other control characters are escaped,
    so the literal can neither end early nor break a line.

    >>> print(string_literal("it's a\\\\b\\nc"))
    'it\\'s a\\\\b\\nc'
    """
    return "'" + _NEEDS_ESCAPE.sub(_escape_match, text) + "'"


def literal(value) -> str:
    """A Cypher literal for a property value, list or map (keys are identifiers).

    >>> literal({"name": "GPT-4o", "year": 2024, "aliases": ["a", "b"], "x": None})
    "{name: 'GPT-4o', year: 2024, aliases: ['a', 'b'], x: null}"
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"cannot write {value!r} as a Cypher literal")
        return repr(value)
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{identifier(k)}: {literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as a Cypher literal")


def identifier(name: str) -> str:
    """A Cypher identifier: plain when it is a simple name, else backquoted."""
    if (
        name
        and (name[0].isalpha() or name[0] == "_")
        and all(c.isalnum() or c == "_" for c in name)
    ):
        if name.isascii():
            return name
    return "`" + name.replace("`", "``") + "`"


# --- Schema statements -------------------------------------------------------


def constraint_name(label: str) -> str:
    """The name of the uniqueness constraint on ``label.id``."""
    return f"kg_{label.lower()}_id"


def constraint_statements() -> list[str]:
    """Neo4j 5 uniqueness constraints on ``id`` for every label, in order."""
    return [
        f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS "
        f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in NODE_LABELS
    ]


def index_statement(label: str) -> str:
    """A plain index on ``label.id`` (for servers without constraints)."""
    return f"CREATE INDEX FOR (n:{label}) ON (n.id)"
