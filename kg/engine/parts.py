"""Partitioned outputs: each part of a graph written on its own, by whichever
process holds it (a Dask worker), so no process ever holds the whole graph.

A *part* is a small ``MultiDiGraph``: the nodes it owns, with all their
attributes, every edge leaving them (with all its claims), and *stubs*
(``kind`` and ``type`` only) for edge ends owned by other parts. Each owned
node belongs to exactly one part, so the parts of one kind add up to the
whole graph. For each part this module writes:

- ``tables/{papers,entities,relations,claims}/part-<name>.parquet``: one row per
  owned node, per edge leaving it and per claim on those edges (:func:`table_rows`
  gives the same rows for any graph, e.g. a local build's ``graph.json``);
- ``rdf/part-<name>.nt``: the N-Triples of the owned subjects and of the claims on
  their edges (exactly the triples :mod:`kg.export.rdf` writes for them);
- ``neo4j/<file>-<name>.csv``: rows for ``neo4j-admin database import`` without
  header (the headers are separate files, see :func:`write_neo4j_headers`).
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from pathlib import Path

import networkx as nx

from kg.fsutil import atomic_writer
from kg.graph import PAPER_KIND
from kg.records import MENTIONS, EntityType

TABLES = ("papers", "entities", "relations", "claims")
PAPER_FIELDS = (
    ("id", "string"),
    ("title", "string"),
    ("abstract", "string"),
    ("year", "int64"),
    ("date", "string"),
    ("arxiv_id", "string"),
    ("doi", "string"),
    ("url", "string"),
    ("authors", "list"),
    ("source", "string"),
)
ENTITY_FIELDS = (
    ("id", "string"),
    ("type", "string"),
    ("name", "string"),
    ("aliases", "list"),
    ("papers", "list"),
    ("introduced_by", "list"),
)
RELATION_FIELDS = (
    ("source", "string"),
    ("target", "string"),
    ("type", "string"),
    ("count", "int64"),
    ("support", "int64"),
    ("confidence", "float64"),
)
CLAIM_FIELDS = (
    ("source", "string"),
    ("target", "string"),
    ("type", "string"),
    ("paper", "string"),
    ("evidence", "string"),
    ("rule", "string"),
    ("confidence", "float64"),
    ("value", "string"),
    ("metric", "string"),
)
FIELDS = dict(
    zip(TABLES, (PAPER_FIELDS, ENTITY_FIELDS, RELATION_FIELDS, CLAIM_FIELDS), strict=True)
)


def stub(graph: nx.MultiDiGraph, node: str) -> None:
    """Give a node owned by another part the ``kind`` and ``type`` exporters check."""
    data = graph.nodes[node]
    if "kind" not in data:
        etype = EntityType(node.split(":", 1)[0].upper())
        data.update(kind=etype.label, type=etype.value)


def table_rows(graph: nx.MultiDiGraph, owned=None) -> dict[str, list[dict]]:
    """The rows of the four tables for the ``owned`` nodes (default: all) of ``graph``."""
    rows: dict[str, list[dict]] = {name: [] for name in TABLES}
    nodes = graph.nodes if owned is None else owned
    for node in sorted(nodes):
        data = graph.nodes[node]
        if data.get("kind") == PAPER_KIND:
            row = {k: data.get(k) for k, _ in PAPER_FIELDS[1:]}
            row["authors"] = list(row["authors"] or [])
            rows["papers"].append({"id": node, **row})
        else:
            rows["entities"].append({"id": node, **{k: data.get(k) for k, _ in ENTITY_FIELDS[1:]}})
        for v in sorted(graph.succ[node]):
            for key in sorted(graph.succ[node][v]):
                edge = graph.succ[node][v][key]
                rows["relations"].append(
                    {
                        "source": node,
                        "target": v,
                        "type": key,
                        "count": edge.get("count") if key == MENTIONS else None,
                        "support": edge.get("support"),
                        "confidence": edge.get("confidence"),
                    }
                )
                for claim in edge.get("claims") or ():
                    rows["claims"].append({"source": node, "target": v, "type": key, **claim})
    return rows


def _schema(fields):
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema([(name, types[t]) for name, t in fields])


def write_parquet(path: Path, rows: list[dict], fields) -> None:
    """Write ``rows`` as one Parquet file (atomically: temp file, then rename)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [name for name, _ in fields]
    table = pa.Table.from_pylist([{k: r.get(k) for k in names} for r in rows], _schema(fields))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_part(graph: nx.MultiDiGraph, owned, out_dir: Path, name: str, base_iri: str):
    """Write every partitioned output of one part; return the paths written.

    ``owned`` are all paper nodes (a part of papers) or all entity nodes.
    """
    from kg.export import rdf
    from kg.export.iri import node_iri
    from kg.export.rdf_syntax import WRITERS, Prefixes

    owned = sorted(owned)
    keep = set(owned)
    papers = bool(owned) and graph.nodes[owned[0]].get("kind") == PAPER_KIND
    written = []
    for table, rows in table_rows(graph, owned).items():
        if table != ("entities" if papers else "papers"):
            path = out_dir / "tables" / table / f"part-{name}.parquet"
            write_parquet(path, rows, FIELDS[table])
            written.append(path)
    stubs = {node_iri(n, base_iri) for n in graph.nodes if n not in keep}
    subjects = (s for s in rdf.iter_subjects(graph, base_iri) if s.iri not in stubs)
    path = out_dir / "rdf" / f"part-{name}.nt"
    with atomic_writer(path) as f:
        WRITERS["nt"](f, subjects, Prefixes(rdf._prefixes(base_iri)))
    written.append(path)
    return written + _write_neo4j_rows(graph, keep, papers, out_dir / "neo4j", name)


def _write_neo4j_rows(graph, keep: set, papers: bool, folder: Path, name: str) -> list[Path]:
    """Rows (no header) of the node file and relationship files of one part."""
    from kg.export import neo4j_files as nf
    from kg.export.cypher import iter_nodes, iter_relationships

    node_file = "papers" if papers else "entities"
    columns = {
        node_file: nf.PAPER_COLUMNS if papers else nf.ENTITY_COLUMNS,
        "claims": nf.CLAIM_COLUMNS,
        **({"mentions": nf.MENTION_COLUMNS} if papers else {}),
    }
    paths = {f: folder / f"{f}-{name}.csv" for f in columns}
    with contextlib.ExitStack() as stack:
        writers = {
            f: csv.writer(
                stack.enter_context(atomic_writer(path)),
                lineterminator="\n",
                quoting=csv.QUOTE_MINIMAL,
            )
            for f, path in paths.items()
        }
        for labels, props in iter_nodes(graph):
            if props["id"] in keep:
                props["labels"] = list(labels)
                writers[node_file].writerow(nf._csv_row(columns[node_file], props))
        for rtype, start, end, props in iter_relationships(graph):
            props.update(start=start, end=end, type=rtype)
            out = "mentions" if rtype == "MENTIONS" else "claims"
            writers[out].writerow(nf._csv_row(columns[out], props))
    return list(paths.values())


def write_neo4j_headers(folder: Path) -> list[Path]:
    """The header file of each neo4j-admin CSV (the parts have none)."""
    from kg.export import neo4j_files as nf

    columns = {
        "papers": nf.PAPER_COLUMNS,
        "entities": nf.ENTITY_COLUMNS,
        "mentions": nf.MENTION_COLUMNS,
        "claims": nf.CLAIM_COLUMNS,
    }
    written = []
    for name, cols in columns.items():
        path = folder / f"{name}.header.csv"
        with atomic_writer(path) as f:
            csv.writer(f, lineterminator="\n").writerow([header for _, header in cols])
        written.append(path)
    return written


def import_script(folder: Path) -> str:
    """``import.sh``: ``neo4j-admin database import full`` naming every header and part."""
    from kg.export.neo4j_files import ARRAY_DELIMITER_ARG

    def files(name):
        parts = sorted(p.name for p in folder.glob(f"{name}-*.csv"))
        return ",".join(f'"$HERE/{p}"' for p in [f"{name}.header.csv", *parts])

    nodes = " ".join(f"--nodes={files(n)}" for n in ("papers", "entities"))
    rels = " ".join(f"--relationships={files(n)}" for n in ("mentions", "claims"))
    return f"""#!/bin/sh
# Load a kg build made with --engine dask into an empty (or replaced) Neo4j 5 database.
# Stop the database first; run as a user that can write Neo4j's data folder:
#   sh import.sh [DATABASE]          (default: neo4j; NEO4J_HOME/bin is used when set)
# Each --nodes/--relationships names a header file, then every part.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATABASE="${{1:-neo4j}}"
PATH="${{NEO4J_HOME:+$NEO4J_HOME/bin:}}$PATH"
# the database comes right after "full": --nodes/--relationships take any number of files
# the report of bad entries goes beside the CSVs, not into the caller's directory
neo4j-admin database import full "$DATABASE" --overwrite-destination=true \\
  --report-file="$HERE/import.report" \\
  --array-delimiter="{ARRAY_DELIMITER_ARG}" --multiline-fields=true \\
  {nodes} \\
  {rels}
"""


def void_description(parts: list[str], base_iri: str) -> str:
    """A VoID description (Turtle) of the N-Triples parts, each a ``void:dataDump``."""
    dumps = ",\n    ".join(f"<{p}>" for p in parts) or "<>"
    return f"""@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{base_iri}dataset> a void:Dataset ;
  dcterms:title "kg knowledge graph (N-Triples in parts)" ;
  void:uriSpace "{base_iri}" ;
  void:feature <http://www.w3.org/ns/formats/N-Triples> ;
  void:dataDump
    {dumps} .
"""
