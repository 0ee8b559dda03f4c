"""NetworkX node-link JSON (``graph.json``); read back with :func:`read_nodelink`.

The file is what ``json.dumps(networkx.node_link_data(g), indent=1,
sort_keys=True)`` gives on NetworkX 3.4 or later (edges under the ``"edges"``
key, the default of ``networkx.node_link_graph`` from NetworkX 3.6 on) with
nodes sorted by id and edges by (source, target, key), but it is streamed one
node and one edge at a time, so writing a large graph needs no second copy of
it in memory.

Reading it elsewhere:

- NetworkX >= 3.6: ``networkx.node_link_graph(data)``;
- NetworkX 3.4 and 3.5: ``networkx.node_link_graph(data, edges="edges")``
  (their default is still the old ``"links"`` key);
- older NetworkX: ``networkx.node_link_graph(data, link="edges")``.

:func:`read_nodelink` also reads files of kg 0.1.0 builds, which used ``"links"``.
"""

from __future__ import annotations

import hashlib
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


def edge_id(u, v, key) -> str:
    """A stable, unique id for the edge ``(u, v, key)``: ``<key>:<16 hex digits>``.

    The digits are a SHA-256 prefix of the node ids and the key, so the same
    edge has the same id in every build and in every export that names edges
    (GraphML, GEXF, Cytoscape.js JSON); 64 bits make a clash between two edges
    of one graph vanishingly unlikely (about 3 in 10^8 for a million edges).

    >>> edge_id("model:a", "dataset:b", "evaluates_on")
    'evaluates_on:f1e94717e5680ef5'
    """
    text = "\x1f".join((str(u), str(v), str(key)))
    return f"{key}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)


def _items(items, f) -> None:
    first = True
    for item in items:
        f.write("\n  " if first else ",\n  ")
        f.write(_dump(item).replace("\n", "\n  "))
        first = False
    f.write("\n ]" if not first else "]")


#: The key of the edge list (the default of ``networkx.node_link_graph`` from NetworkX 3.6 on).
EDGES_KEY = "edges"


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.json`` to ``out_dir``."""
    path = Path(out_dir) / FILENAME
    with atomic_writer(path) as f:
        f.write('{\n "directed": true,\n "edges": [')
        _items(({**d, "source": u, "target": v, "key": k} for u, v, k, d in sorted_edges(graph)), f)
        f.write(',\n "graph": ')
        f.write(_dump(graph.graph).replace("\n", "\n "))
        f.write(',\n "multigraph": true,\n "nodes": [')
        _items(({**node_data(graph, n), "id": n} for n in sorted(graph.nodes)), f)
        f.write("\n}\n")
    return [path]


def read_nodelink(path: str | Path) -> nx.MultiDiGraph:
    """Read a ``graph.json`` written by :func:`write`."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict):
        raise ValueError("the top level is not a JSON object")
    key = EDGES_KEY if EDGES_KEY in data or "links" not in data else "links"  # kg 0.1.0: "links"
    return nx.node_link_graph(data, directed=True, multigraph=True, edges=key)
