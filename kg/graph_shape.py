"""Is a graph read back from ``graph.json`` shaped like the graphs kg builds?

``kg html`` and ``kg neo4j-push`` read a ``graph.json`` that may have been
edited by hand or written by another tool; :func:`graph_shape_problem` checks
the kinds, types and list-valued attributes every exporter relies on (the
schema is in :mod:`kg.graph`), so such a file gets one clear line instead of
a crash deep inside an exporter.
"""

from __future__ import annotations

import networkx as nx

_STR, _OPT_STR, _NUM = (str,), (str, type(None)), (int, float, type(None))
_PAPER_ATTRS = {
    "label": _STR,
    "name": _STR,
    "title": _STR,
    "abstract": _STR,
    "paper_id": _STR,
    "year": (int, type(None)),
    **dict.fromkeys(("date", "arxiv_id", "doi", "url", "source"), _OPT_STR),
}
_ENTITY_KINDS = frozenset({"Model", "Method", "Dataset", "Benchmark", "Metric", "Task"})
_LISTS = {"Paper": ("authors",), "entity": ("aliases", "papers", "introduced_by")}
_CLAIM_ATTRS = {
    "paper": _STR,
    "confidence": _NUM,
    **dict.fromkeys(("evidence", "rule", "value", "metric"), _OPT_STR),
}
_EDGE_TYPES = frozenset({"mentions", "proposes", "evaluates_on", "outperforms", "uses_metric"})


def _bad(where: str, name: str, value, kinds) -> str | None:
    if isinstance(value, kinds) and not isinstance(value, bool):
        return None
    want = " or ".join("null" if k is type(None) else k.__name__ for k in kinds)
    return f"{where}: {name} is {type(value).__name__}, not {want}"


def graph_shape_problem(graph: nx.MultiDiGraph) -> str | None:
    """What makes ``graph`` unlike the graphs kg builds (see :mod:`kg.graph`), or None.

    Checks the kinds, types and list-valued attributes every exporter relies
    on, so a hand-edited or foreign ``graph.json`` gets one clear line.
    """
    for node, data in graph.nodes(data=True):
        where = f"node {str(node)[:80]!r}"
        if not isinstance(node, str):
            return f"{where}: the id is not text"
        kind = data.get("kind")
        if kind != "Paper" and kind not in _ENTITY_KINDS:
            return f"{where}: kind {kind!r} is not Paper nor an entity kind"
        attrs = _PAPER_ATTRS if kind == "Paper" else {"label": _STR, "name": _STR}
        for name, kinds in attrs.items():
            problem = _bad(where, name, data.get(name), kinds)
            if problem:
                return problem
        for name in _LISTS["Paper" if kind == "Paper" else "entity"]:
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{where}: {name} is not a list of texts"
    for u, v, key, data in graph.edges(keys=True, data=True):
        where = f"edge {str(u)[:60]!r} -> {str(v)[:60]!r}"
        if key not in _EDGE_TYPES:
            return f"{where}: type {str(key)[:40]!r} is not one kg writes"
        claims = data.get("claims", [])
        if not isinstance(claims, list) or not all(isinstance(c, dict) for c in claims):
            return f"{where}: claims is not a list of objects"
        checks = [(c.get(n), n, k) for c in claims for n, k in _CLAIM_ATTRS.items()]
        checks += [(data.get(n, 0), n, _NUM) for n in ("support", "confidence", "count")]
        for value, name, kinds in checks:
            problem = _bad(where, name, value, kinds)
            if problem:
                return problem
    return None
