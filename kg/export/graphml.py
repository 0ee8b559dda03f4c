"""GraphML (``graph.graphml``), streamed one node and one edge at a time.

GraphML attributes are scalars: lists and dicts are stored as JSON strings and
``None`` values are left out. Characters XML 1.0 forbids (control characters)
are dropped from text. Each edge's ``id`` is its relation type, so parallel
edges stay apart; ``networkx.read_graphml`` reads the file back as a
``MultiDiGraph``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import quoteattr

import networkx as nx

from kg.export.nodelink import sorted_edges
from kg.fsutil import atomic_writer
from kg.graph import node_data

FILENAME = "graph.graphml"

_XML_BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def _value(v):
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    text = _XML_BAD.sub("", str(v))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return quoteattr(_XML_BAD.sub("", text))


def _key_types(records) -> dict[str, str]:
    """Attribute name -> GraphML type; a name seen with mixed types is a string."""
    types: dict[str, str] = {}
    for data in records:
        for k, v in data.items():
            if v is None:
                continue
            t = _TYPES.get(type(_value(v)), "string")
            if types.setdefault(k, t) != t:
                types[k] = "string"
    return types


def _data(data: dict, ids: dict[str, str], types: dict[str, str], indent: str) -> str:
    parts = []
    for k in sorted(data):
        v = data[k]
        if v is None:
            continue
        v = _value(v)
        if types[k] == "string" and not isinstance(v, str):
            v = ("true" if v else "false") if isinstance(v, bool) else str(v)  # mixed types
        parts.append(f'{indent}<data key="{ids[k]}">{_text(v)}</data>\n')
    return "".join(parts)


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.graphml`` to ``out_dir``."""
    node_types = _key_types(node_data(graph, n) for n in graph.nodes)
    edge_types = _key_types(d for _, _, d in graph.edges(data=True))
    node_ids = {k: f"n{i}" for i, k in enumerate(sorted(node_types))}
    edge_ids = {k: f"e{i}" for i, k in enumerate(sorted(edge_types))}
    path = Path(out_dir) / FILENAME
    with atomic_writer(path) as f:
        f.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        for scope, ids, types in (("node", node_ids, node_types), ("edge", edge_ids, edge_types)):
            for name, key_id in ids.items():
                f.write(
                    f'  <key id="{key_id}" for="{scope}" attr.name={_attr(name)} '
                    f'attr.type="{types[name]}" />\n'
                )
        f.write('  <graph edgedefault="directed">\n')
        for n in sorted(graph.nodes):
            f.write(f"    <node id={_attr(str(n))}>\n")
            f.write(_data(node_data(graph, n), node_ids, node_types, "      "))
            f.write("    </node>\n")
        for u, v, k, d in sorted_edges(graph):
            f.write(
                f"    <edge source={_attr(str(u))} target={_attr(str(v))} id={_attr(str(k))}>\n"
            )
            f.write(_data(d, edge_ids, edge_types, "      "))
            f.write("    </edge>\n")
        f.write("  </graph>\n</graphml>\n")
    return [path]
