"""GraphML (``graph.graphml``). Lists and dicts are stored as JSON strings,
``None`` values are left out, since GraphML attributes are scalars."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx

from kg.fsutil import write_bytes

FILENAME = "graph.graphml"


def _scalar_attrs(data: dict) -> dict:
    out = {}
    for k, v in sorted(data.items()):
        if v is None:
            continue
        if isinstance(v, (list, tuple, dict)):
            v = json.dumps(v, ensure_ascii=False, sort_keys=True)
        out[k] = v
    return out


def to_graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``graph`` with sorted nodes/edges and scalar attributes only."""
    g = nx.MultiDiGraph()
    for n in sorted(graph.nodes):
        g.add_node(n, **_scalar_attrs(graph.nodes[n]))
    for u, v, k, d in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        g.add_edge(u, v, key=k, **_scalar_attrs(d))
    return g


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.graphml`` to ``out_dir``."""
    buf = io.BytesIO()
    nx.write_graphml(to_graphml_graph(graph), buf, encoding="utf-8", named_key_ids=True)
    return [write_bytes(Path(out_dir) / FILENAME, buf.getvalue())]
