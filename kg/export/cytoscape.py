"""Cytoscape.js JSON (``graph.cyjs``), streamed one element at a time.

The file is what ``cy.json()`` gives and ``cytoscape({elements, style})``
(or Cytoscape desktop's File > Import > Network from File) reads:
``{"data", "directed", "elements": {"nodes", "edges"}, "multigraph", "style"}``.
Each element's ``data`` holds every attribute of the node or edge (lists and
dicts as they are), plus ``id``; nodes also have ``name`` (the display name),
``type`` (``PAPER``, ``MODEL``...) and ``value`` (the node id, which
``networkx.cytoscape_graph`` needs), edges ``source``, ``target``, ``key``
(the relation, the edge key in NetworkX) and a stable unique ``id``
(:func:`kg.export.nodelink.edge_id`). ``style`` colours nodes by type and
edges by relation with the colours of the HTML page.

Read it back with ``networkx.cytoscape_graph(json.load(f))`` (a
``MultiDiGraph`` equal to the kg graph, plus the ``name``/``value``/``id``
attributes) or in JavaScript with the ``cytoscape`` package.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.export.gexf import node_type
from kg.export.nodelink import edge_id, sorted_edges
from kg.fsutil import atomic_writer
from kg.graph import node_data

FILENAME = "graph.cyjs"


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)


def stylesheet() -> list[dict]:
    """The Cytoscape.js style: node colour by ``type``, edge colour by relation."""
    from kg.export.html import load_style

    style = load_style()
    sheet: list[dict] = [
        {
            "selector": "node",
            "style": {"label": "data(name)", "background-color": style["nodes"]["OTHER"]["color"]},
        },
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "line-color": style["edges"]["OTHER"]["color"],
                "target-arrow-color": style["edges"]["OTHER"]["color"],
            },
        },
    ]
    for name, entry in style["nodes"].items():
        if name != "OTHER":
            selector = f"node[type = {json.dumps(name)}]"
            sheet.append({"selector": selector, "style": {"background-color": entry["color"]}})
    for name, entry in style["edges"].items():
        if name != "OTHER":
            color = entry["color"]
            sheet.append(
                {
                    "selector": f"edge[key = {json.dumps(name)}]",
                    "style": {"line-color": color, "target-arrow-color": color},
                }
            )
    return sheet


def _items(items, f) -> None:
    first = True
    for item in items:
        f.write("\n   " if first else ",\n   ")
        f.write(_dump({"data": item}).replace("\n", "\n   "))
        first = False
    f.write("\n  ]" if not first else "]")


def _node(graph: nx.MultiDiGraph, n) -> dict:
    data = node_data(graph, n)  # a paper's abstract is read back (kg.graph)
    name = data.get("label") or data.get("name") or n
    return {**data, "id": n, "value": n, "name": name, "type": node_type(data)}


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.cyjs`` to ``out_dir``."""
    path = Path(out_dir) / FILENAME
    with atomic_writer(path) as f:
        f.write('{\n "data": ')
        f.write(_dump(graph.graph).replace("\n", "\n "))
        f.write(',\n "directed": true,\n "elements": {\n  "edges": [')
        _items(
            (
                {**d, "id": edge_id(u, v, k), "source": u, "target": v, "key": k}
                for u, v, k, d in sorted_edges(graph)
            ),
            f,
        )
        f.write(',\n  "nodes": [')
        _items((_node(graph, n) for n in sorted(graph.nodes)), f)
        f.write('\n },\n "multigraph": true,\n "style": ')
        f.write(_dump(stylesheet()).replace("\n", "\n "))
        f.write("\n}\n")
    return [path]
