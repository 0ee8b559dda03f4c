"""GraphML (``graph.graphml``), streamed one node and one edge at a time.

GraphML attributes are scalars: lists and dicts are stored as JSON strings and
``None`` values are left out. Every edge has a unique, stable ``id``
(:func:`kg.export.nodelink.edge_id`, ``evaluates_on:<hash>``) and its relation
in the ``type`` attribute, so tools that key edges by id (Gephi, graphology)
keep all of them. Characters XML 1.0 forbids are replaced by U+FFFD in text,
and ids holding them are made XML-safe one to one (:mod:`kg.export.xmlsafe`),
so two ids never merge. Read back with ``networkx.read_graphml`` (a
``MultiDiGraph`` keyed by edge id), ``igraph.Graph.Read_GraphML`` or
graphology-graphml.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.export.nodelink import edge_id, sorted_edges
from kg.export.xmlsafe import attr, attr_id, element_text
from kg.fsutil import atomic_writer
from kg.graph import node_data

FILENAME = "graph.graphml"

_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}


def plain_value(v):
    """A scalar for an XML attribute: lists and dicts become JSON strings."""
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return element_text(str(v))


def key_types(records) -> dict[str, str]:
    """Attribute name -> GraphML type; a name seen with mixed types is a string."""
    types: dict[str, str] = {}
    for data in records:
        for k, v in data.items():
            if v is None:
                continue
            t = _TYPES.get(type(plain_value(v)), "string")
            if types.setdefault(k, t) != t:
                types[k] = "string"
    return types


def typed_items(data: dict, types: dict[str, str]):
    """``(name, value)`` of the non-``None`` attributes, sorted, each value a scalar of
    the declared type (a value of a name seen with mixed types becomes a string)."""
    for k in sorted(data):
        v = data[k]
        if v is None:
            continue
        v = plain_value(v)
        if types[k] == "string" and not isinstance(v, str):
            v = ("true" if v else "false") if isinstance(v, bool) else str(v)
        yield k, v


def _data(data: dict, ids: dict[str, str], types: dict[str, str], indent: str) -> str:
    return "".join(
        f'{indent}<data key="{ids[k]}">{_text(v)}</data>\n' for k, v in typed_items(data, types)
    )


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.graphml`` to ``out_dir``."""
    node_types = key_types(node_data(graph, n) for n in graph.nodes)
    edge_types = key_types(d for _, _, d in graph.edges(data=True))
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
                    f'  <key id="{key_id}" for="{scope}" attr.name={attr(name)} '
                    f'attr.type="{types[name]}" />\n'
                )
        f.write('  <graph edgedefault="directed">\n')
        for n in sorted(graph.nodes):
            f.write(f"    <node id={attr_id(str(n))}>\n")
            f.write(_data(node_data(graph, n), node_ids, node_types, "      "))
            f.write("    </node>\n")
        for u, v, k, d in sorted_edges(graph):
            f.write(
                f"    <edge id={attr_id(edge_id(u, v, k))} "
                f"source={attr_id(str(u))} target={attr_id(str(v))}>\n"
            )
            f.write(_data(d, edge_ids, edge_types, "      "))
            f.write("    </edge>\n")
        f.write("  </graph>\n</graphml>\n")
    return [path]
