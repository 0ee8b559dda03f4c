"""NetworkX node-link JSON (``graph.json``); read back with :func:`read_nodelink`."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.fsutil import write_text

FILENAME = "graph.json"


def to_nodelink(graph: nx.MultiDiGraph) -> dict:
    """Node-link data with nodes and edges sorted, so output is byte-stable."""
    data = nx.node_link_data(graph, edges="links")
    data["nodes"].sort(key=lambda n: n["id"])
    data["links"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
    return data


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.json`` to ``out_dir``."""
    text = json.dumps(to_nodelink(graph), ensure_ascii=False, indent=1, sort_keys=True)
    return [write_text(Path(out_dir) / FILENAME, text + "\n")]


def read_nodelink(path: str | Path) -> nx.MultiDiGraph:
    """Read a ``graph.json`` written by :func:`write`."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
