"""What the HTML page's side panel shows of a node or an edge.

Beyond name, aliases and papers, two things only this graph knows:

- for a dataset or benchmark, a **leaderboard**: the models and methods
  evaluated on it, each with the score and metric a paper states for it, the
  paper and the evidence sentence (:func:`leaderboard`);
- for a paper, what it **proposes, beats, evaluates on and scores**, read from
  the claims it makes (:func:`paper_claims`).

Every entry is computed from the graph when the page is written (lazily, one
node at a time) and visits only the node's own edges and its papers'
entities, never the whole graph.
"""

from __future__ import annotations

import bisect
import re

import networkx as nx

from kg.export.html_json import LazySequence
from kg.graph import node_data
from kg.records import MENTIONS

#: Longest abstract put into the page, in characters.
ABSTRACT_MAX = 5000
#: Most leaderboard rows and paper claims put into the page per node.
LEADERBOARD_MAX = 300
CLAIMS_MAX = 200
#: Most claims (evidence sentences) of one edge put into the page; ``support`` counts all.
CLAIMS_PER_EDGE = 100
_CLAIM_KEYS = ("paper", "evidence", "rule", "confidence", "value", "metric")
_RELATIONS = ("proposes", "outperforms", "evaluates_on", "uses_metric")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
LEADERBOARD_TYPES = ("DATASET", "BENCHMARK")


def clean_text(text: str) -> str:
    """Replace lone surrogates (which UTF-8 cannot hold) with U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _none_if_empty(value):
    return None if value in ("", [], None) else value


def _name(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return clean_text(str(data.get("name") or data.get("label") or node))


def _title(graph: nx.MultiDiGraph, paper_id) -> str:
    node = graph.nodes.get(f"paper:{paper_id}")
    return clean_text(str(node.get("title") or paper_id)) if node else str(paper_id)


def score(value) -> float | None:
    """The first number of a claim's ``value`` (``"86.66%"`` -> 86.66), or None."""
    if value is None:
        return None
    m = _NUMBER.search(str(value))
    return float(m.group().replace(",", ".")) if m else None


def claim_of(claims: list, paper: str) -> dict | None:
    """The claim of ``paper`` in ``claims`` (sorted by paper, as kg.graph keeps them)."""
    i = bisect.bisect_left(claims, paper, key=_paper_of)
    if i < len(claims) and claims[i].get("paper") == paper:
        return claims[i]
    return None


def _paper_of(claim: dict) -> str:
    return claim.get("paper") or ""


def _score_of(graph: nx.MultiDiGraph, model: str, paper: str, evidence: str | None):
    """``(value, metric)`` the paper states for ``model`` (a uses_metric claim), preferring
    the one in the same sentence; ``(None, None)`` when there is none."""
    found = (None, None)
    for metric_node, keys in graph.succ[model].items():
        if "uses_metric" not in keys:
            continue
        c = claim_of(graph.edges[model, metric_node, "uses_metric"].get("claims") or [], paper)
        if c is None or c.get("value") is None:
            continue
        pair = (c.get("value"), c.get("metric") or _name(graph, metric_node))
        if c.get("evidence") == evidence:
            return pair
        if found == (None, None):
            found = pair
    return found


def leaderboard(graph: nx.MultiDiGraph, node: str, lower_is_better=()) -> list[dict]:
    """Models and methods evaluated on dataset/benchmark ``node``, with their scores.

    A row comes from an ``evaluates_on`` claim (model -> ``node``) or from a
    ``uses_metric`` claim of ``node`` whose sentence also gives a model a
    score. Each row: ``model`` (node id), ``name``, ``value``, ``metric``,
    ``paper``, ``evidence``. Sorted by metric, then score (best first: high,
    or low for metrics named in ``lower_is_better``), rows without a score
    last; at most :data:`LEADERBOARD_MAX`.
    """
    rows: dict[tuple, dict] = {}

    def add(model, paper, value, metric, evidence):
        key = (model, paper, metric or "")
        if key in rows and rows[key]["value"] is not None:
            return
        rows[key] = {
            "model": model,
            "name": _name(graph, model),
            "value": None if value is None else clean_text(str(value)),
            "metric": None if metric is None else clean_text(str(metric)),
            "paper": paper,
            "title": _title(graph, paper),
            "evidence": clean_text(str(evidence or "")),
        }

    for model, keys in graph.pred[node].items():
        if "evaluates_on" not in keys:
            continue
        for c in graph.edges[model, node, "evaluates_on"].get("claims") or ():
            value, metric = c.get("value"), c.get("metric")
            if value is None:
                value, metric = _score_of(graph, model, c.get("paper"), c.get("evidence"))
            add(model, c.get("paper"), value, metric, c.get("evidence"))
    for metric_node, keys in graph.succ[node].items():
        if "uses_metric" not in keys:
            continue
        for c in graph.edges[node, metric_node, "uses_metric"].get("claims") or ():
            paper_node = f"paper:{c.get('paper')}"
            if paper_node not in graph:
                continue
            for model in graph.succ[paper_node]:
                if graph.nodes[model].get("type") not in ("MODEL", "METHOD"):
                    continue
                if "uses_metric" not in graph.succ[model].get(metric_node, {}):
                    continue
                mc = claim_of(graph.edges[model, metric_node, "uses_metric"]["claims"], c["paper"])
                if mc and mc.get("value") is not None and mc.get("evidence") == c.get("evidence"):
                    metric = mc.get("metric") or _name(graph, metric_node)
                    add(model, c["paper"], mc["value"], metric, c.get("evidence"))
    lower = {m.lower() for m in lower_is_better}

    def order(row):
        s = score(row["value"])
        metric = (row["metric"] or "").lower()
        if s is not None and any(w in metric for w in lower):
            s = -s
        return (s is None, metric, -(s or 0.0), row["name"].lower(), row["paper"] or "")

    return sorted(rows.values(), key=order)[:LEADERBOARD_MAX]


def paper_claims(graph: nx.MultiDiGraph, node: str, paper_id: str) -> list[dict]:
    """The relations paper ``node`` states: ``{type, head, tail, value, metric, evidence}``.

    ``head``/``tail`` are node ids (``proposes`` has the paper as head);
    names are in the page's node details. Ordered by relation type, then
    head and tail; at most :data:`CLAIMS_MAX`.
    """
    out = []
    for tail, keys in graph.succ[node].items():
        if "proposes" in keys:
            c = claim_of(graph.edges[node, tail, "proposes"].get("claims") or [], paper_id) or {}
            out.append(_claim_row("proposes", node, tail, c, graph))
    # a paper's claims join entities it names: look only at edges among them
    named = set(graph.succ[node])
    for entity in sorted(named):
        succ = graph.succ[entity]
        for tail in sorted(named.intersection(succ)):
            keys = succ[tail]
            for key in keys:
                if key in (MENTIONS, "proposes") or not str(key):
                    continue
                c = claim_of(graph.edges[entity, tail, key].get("claims") or [], paper_id)
                if c is not None:
                    out.append(_claim_row(str(key), entity, tail, c, graph))
    rank = {t: i for i, t in enumerate(_RELATIONS)}
    out.sort(key=lambda r: (rank.get(r["type"], 9), r["type"], r["head"], r["tail"]))
    return out[:CLAIMS_MAX]


def _claim_row(etype, head, tail, claim, graph) -> dict:
    return {
        "type": etype,
        "head": head,
        "head_name": _name(graph, head),
        "tail": tail,
        "tail_name": _name(graph, tail),
        "value": None if claim.get("value") is None else clean_text(str(claim["value"])),
        "metric": None if claim.get("metric") is None else clean_text(str(claim["metric"])),
        "evidence": clean_text(str(claim.get("evidence") or "")),
    }


def shared_papers(a: list, b: list, limit: int) -> list:
    """The first ``limit`` ids in both sorted lists ``a`` and ``b`` (bisecting the longer)."""
    if len(a) > len(b):
        a, b = b, a
    out = []
    for x in a:
        i = bisect.bisect_left(b, x)
        if i < len(b) and b[i] == x:
            out.append(x)
            if len(out) >= limit:
                break
    return out


def node_details(graph: nx.MultiDiGraph, node_id: str, degree: int, lower_is_better=()) -> dict:
    """Panel details of a node: type, name, drawn degree, and per type its fields."""
    data = node_data(graph, node_id)  # a paper's abstract is read back (kg.graph)
    ntype = data.get("type") or "OTHER"
    d = {"type": ntype, "name": _name(graph, node_id), "degree": degree}
    if ntype == "PAPER":
        abstract = data.get("abstract") or ""
        if len(abstract) > ABSTRACT_MAX:
            abstract = abstract[: ABSTRACT_MAX - 1] + "…"
        d.update(
            paper_id=data.get("paper_id"),
            year=data.get("year"),
            date=_none_if_empty(data.get("date")),
            authors=list(data.get("authors") or []),
            arxiv_id=_none_if_empty(data.get("arxiv_id")),
            doi=_none_if_empty(data.get("doi")),
            source=_none_if_empty(data.get("source")),
            abstract=clean_text(abstract),
            claims=paper_claims(graph, node_id, str(data.get("paper_id") or node_id[6:])),
        )
    else:
        d.update(
            aliases=sorted(data.get("aliases") or []),
            papers=sorted(data.get("papers") or []),
            introduced_by=sorted(data.get("introduced_by") or []),
        )
        if ntype in LEADERBOARD_TYPES:
            d["leaderboard"] = leaderboard(graph, node_id, lower_is_better)
    return d


def edge_details(data: dict, etype: str) -> dict:
    """What the panel shows of an edge: at most :data:`CLAIMS_PER_EDGE` claims (a hub edge
    has thousands), made lazily, and ``support``, the number of papers stating it."""
    if etype == MENTIONS:
        return {"type": etype, "count": data.get("count")}
    raw = data.get("claims") or []
    if not isinstance(raw, (list, tuple)):
        raw = list(raw)
    shown = min(len(raw), CLAIMS_PER_EDGE)
    claims = LazySequence(shown, lambda i: {k: raw[i].get(k) for k in _CLAIM_KEYS})
    return {
        "type": etype,
        "claims": claims,
        "support": data.get("support", len(claims)),
        "confidence": data.get("confidence"),
    }
