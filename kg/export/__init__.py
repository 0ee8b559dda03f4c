"""Exporters: one module per target, each reading only the graph (see kg.graph).

Each exporter module has ``write(graph, out_dir, options) -> list[Path]``
and writes its files atomically (kg.fsutil). They are imported lazily by
name through :data:`EXPORTERS`, so a missing optional library only fails the
export that needs it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

#: name -> module that implements ``write(graph, out_dir, options)``; in write order.
EXPORTERS: dict[str, str] = {
    "nodelink": "kg.export.nodelink",
    "graphml": "kg.export.graphml",
    "gexf": "kg.export.gexf",
    "cytoscape": "kg.export.cytoscape",
    "rdf": "kg.export.rdf",
    "html": "kg.export.html",
    "neo4j-files": "kg.export.neo4j_files",
}

DEFAULT_BASE_IRI = "https://w3id.org/kg-papers/"


@dataclass(frozen=True)
class ExportOptions:
    """Options shared by the exporters (all JSON-serialisable)."""

    rdf_formats: tuple[str, ...] = ("turtle",)
    base_iri: str = DEFAULT_BASE_IRI
    html_max_nodes: int | None = 2000
    html_min_degree: int = 0
    html_types: tuple[str, ...] | None = None
    html_view: str = "auto"
    title: str = "kg knowledge graph"
    #: Licence IRI of the build's data, stated in void.ttl (``None``: the paper texts keep
    #: their own terms, and void.ttl says so).
    license: str | None = None


def get_exporter(name: str):
    """Import and return the exporter module registered as ``name``."""
    from kg.errors import KgError, choices_message

    if name not in EXPORTERS:
        raise KgError(choices_message("exporter", name, EXPORTERS))
    return importlib.import_module(EXPORTERS[name])


def write_all(graph, out_dir: Path, options: ExportOptions, names=None) -> list[Path]:
    """Run every exporter (or those in ``names``) and return the files written."""
    written: list[Path] = []
    for name in names or EXPORTERS:
        written.extend(get_exporter(name).write(graph, Path(out_dir), options))
    return written
