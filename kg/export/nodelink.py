"""NetworkX node-link JSON (``graph.json``); read back with :func:`read_nodelink`.

The file is what ``json.dumps(networkx.node_link_data(g, edges="links"),
indent=1, sort_keys=True)`` gives with nodes sorted by id and links by
(source, target, key), but it is streamed one node and one link at a time, so
writing a large graph needs no second copy of it in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

from kg.fsutil import atomic_writer
from kg.graph import node_data

FILENAME = "graph.json"


def sorted_edges(graph: nx.MultiDiGraph) -> Iterator[tuple]:
    """``(u, v, key, data)`` sorted by (u, v, key) without building a list of all edges."""
    succ = graph.succ
    for u in sorted(succ):
        nbrs = succ[u]
        for v in sorted(nbrs):
            keydict = nbrs[v]
            for k in sorted(keydict):
                yield u, v, k, keydict[k]


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)


def _items(items, f) -> None:
    first = True
    for item in items:
        f.write("\n  " if first else ",\n  ")
        f.write(_dump(item).replace("\n", "\n  "))
        first = False
    f.write("\n ]" if not first else "]")


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.json`` to ``out_dir``."""
    path = Path(out_dir) / FILENAME
    with atomic_writer(path) as f:
        f.write('{\n "directed": true,\n "graph": ')
        f.write(_dump(graph.graph).replace("\n", "\n "))
        f.write(',\n "links": [')
        _items(({**d, "source": u, "target": v, "key": k} for u, v, k, d in sorted_edges(graph)), f)
        f.write(',\n "multigraph": true,\n "nodes": [')
        _items(({**node_data(graph, n), "id": n} for n in sorted(graph.nodes)), f)
        f.write("\n}\n")
    return [path]


def read_nodelink(path: str | Path) -> nx.MultiDiGraph:
    """Read a ``graph.json`` written by :func:`write`."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
