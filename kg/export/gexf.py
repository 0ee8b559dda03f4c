"""GEXF 1.2 (``graph.gexf``) for Gephi, streamed one node and one edge at a time.

What Gephi users expect: every node has a ``label`` (its display name) and a
``type`` attribute (``PAPER``, ``MODEL``, ``DATASET``...) to partition or
filter by, and a ``viz:color`` of its type; every edge has its relation as
``label`` and ``type`` attribute and the colour of its relation. The colours
are those of the HTML page (``kg/templates/html_style.json``). Other
attributes are written as in GraphML (:mod:`kg.export.graphml`): lists and
dicts as JSON strings, ``None`` left out. Edge ids are the stable ids of
:func:`kg.export.nodelink.edge_id`; ids and text are made XML-safe by
:mod:`kg.export.xmlsafe`, so distinct ids stay distinct.

The file is written here rather than by ``networkx.write_gexf``, which builds
the whole XML tree in memory, cannot write list attributes and writes control
characters that make the XML unreadable; ``networkx.read_gexf`` and
graphology-gexf read it back (``tests/export/test_graph_files.py``).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg import __version__
from kg.export.graphml import key_types, typed_items
from kg.export.nodelink import edge_id, sorted_edges
from kg.export.xmlsafe import attr, attr_id, element_text
from kg.fsutil import atomic_writer
from kg.graph import node_data

FILENAME = "graph.gexf"

_NS = "http://www.gexf.net/1.2draft"


def node_type(data: dict) -> str:
    """The ``type`` attribute of a node: ``MODEL``... for entities, ``PAPER`` for papers."""
    return str(data.get("type") or str(data.get("kind") or "OTHER").upper())


def _rgb(color: str) -> str:
    color = color.lstrip("#")
    r, g, b = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f'r="{r}" g="{g}" b="{b}"'


def _attvalue(key_id: str, v) -> str:
    text = ("true" if v else "false") if isinstance(v, bool) else str(v)
    return f"<attvalue for={attr(key_id)} value={attr(text)} />"


def _attributes(cls: str, ids: dict[str, str], types: dict[str, str]) -> str:
    lines = [f'    <attributes class="{cls}" mode="static">\n']
    for name, key_id in ids.items():
        lines.append(
            f'      <attribute id={attr(key_id)} title={attr(name)} type="{types[name]}" />\n'
        )
    lines.append("    </attributes>\n")
    return "".join(lines)


def _values(data: dict, ids: dict[str, str], types: dict[str, str], indent: str) -> str:
    items = [_attvalue(ids[k], v) for k, v in typed_items(data, types)]
    if not items:
        return ""
    inner = "".join(f"{indent}  {item}\n" for item in items)
    return f"{indent}<attvalues>\n{inner}{indent}</attvalues>\n"


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.gexf`` to ``out_dir``."""
    from kg.export.html import load_style

    style = load_style()
    node_colors = {k: _rgb(v["color"]) for k, v in style["nodes"].items()}
    edge_colors = {k: _rgb(v["color"]) for k, v in style["edges"].items()}

    def columns(n):  # "label" is the node's own label attribute, not a column
        data = node_data(graph, n)  # a paper's abstract is read back (kg.graph)
        return {**data, "label": None, "type": node_type(data)}

    node_types = key_types(columns(n) for n in graph.nodes)
    edge_types = key_types(d for _, _, d in graph.edges(data=True))
    node_ids = {k: k for k in sorted(node_types)}  # ids are the names: graphology keys by id
    edge_ids = {k: k for k in sorted(edge_types)}
    path = Path(out_dir) / FILENAME
    with atomic_writer(path) as f:
        f.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            f'<gexf xmlns="{_NS}" xmlns:viz="{_NS}/viz" version="1.2">\n'
            f"  <meta>\n    <creator>kg {element_text(__version__)}</creator>\n"
            "    <description>models, methods, datasets, benchmarks, metrics and tasks named "
            "in ML papers, and their relations</description>\n  </meta>\n"
            '  <graph defaultedgetype="directed" mode="static">\n'
        )
        f.write(_attributes("node", node_ids, node_types))
        f.write(_attributes("edge", edge_ids, edge_types))
        f.write("    <nodes>\n")
        for n in sorted(graph.nodes):
            data = columns(n)
            label = str(graph.nodes[n].get("label") or data.get("name") or n)
            color = node_colors.get(data["type"], node_colors["OTHER"])
            f.write(f"      <node id={attr_id(str(n))} label={attr(label)}>\n")
            f.write(_values(data, node_ids, node_types, "        "))
            f.write(f"        <viz:color {color} />\n      </node>\n")
        f.write("    </nodes>\n    <edges>\n")
        for u, v, k, d in sorted_edges(graph):
            etype = str(d.get("type", k))
            color = edge_colors.get(etype, edge_colors["OTHER"])
            f.write(
                f"      <edge id={attr_id(edge_id(u, v, k))} source={attr_id(str(u))} "
                f"target={attr_id(str(v))} label={attr(etype)}>\n"
            )
            f.write(_values(d, edge_ids, edge_types, "        "))
            f.write(f"        <viz:color {color} />\n      </edge>\n")
        f.write("    </edges>\n  </graph>\n</gexf>\n")
    return [path]
