"""Neo4j import files in ``DIR/neo4j/``: a Cypher script, ``neo4j-admin`` CSVs,
Browser style and a query cookbook.

Files
    ``import.cypher``
        Self-contained script for ``cypher-shell -f`` or the Browser:
        uniqueness constraints, then every node and relationship as literal
        Cypher (``UNWIND [...] AS row MERGE ...``), values escaped by
        :func:`kg.export.cypher.literal`.
    ``papers.csv``, ``entities.csv``, ``mentions.csv``, ``claims.csv``
        For ``neo4j-admin database import full`` (headers ``id:ID``,
        ``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE`` and typed
        properties); arrays are joined with U+001F (:data:`ARRAY_DELIMITER`).
    ``import.sh``, ``README.md``
        The exact ``neo4j-admin`` command, and how to use the other files.
    ``style.grass``, ``queries.cypher``
        Browser colours and captions per label, and a commented cookbook of
        parameterised queries (copied from ``kg/data/neo4j/``).

The property mapping is :mod:`kg.export.cypher`'s, the same the Bolt push
uses. Output is byte-identical for the same graph.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import DataFileError
from kg.export.cypher import (
    CLAIM_LISTS,
    CLAIM_REL_TYPES,
    ENTITY_LABEL,
    PAPER_LABEL,
    constraint_statements,
    expected_counts,
    iter_group,
    iter_nodes,
    iter_relationships,
    literal,
    relationship_groups,
)
from kg.fsutil import atomic_writer, write_text

SUBDIR = "neo4j"

#: Separator of array elements in the CSV files (ASCII unit separator); it is
#: removed from the values themselves.
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_ARG = "U+001F"

#: Rows per ``UNWIND`` statement in ``import.cypher``.
SCRIPT_BATCH = 100

PAPER_COLUMNS = (
    ("id", "id:ID"),
    ("labels", ":LABEL"),
    ("paperId", "paperId"),
    ("title", "title"),
    ("name", "name"),
    ("abstract", "abstract"),
    ("year", "year:int"),
    ("date", "date"),
    ("arxivId", "arxivId"),
    ("doi", "doi"),
    ("url", "url"),
    ("authors", "authors:string[]"),
    ("source", "source"),
)
ENTITY_COLUMNS = (
    ("id", "id:ID"),
    ("labels", ":LABEL"),
    ("name", "name"),
    ("type", "type"),
    ("aliases", "aliases:string[]"),
    ("papers", "papers:string[]"),
    ("introducedBy", "introducedBy:string[]"),
    ("paperCount", "paperCount:int"),
)
MENTION_COLUMNS = (
    ("start", ":START_ID"),
    ("end", ":END_ID"),
    ("type", ":TYPE"),
    ("count", "count:int"),
)
CLAIM_COLUMNS = (
    ("start", ":START_ID"),
    ("end", ":END_ID"),
    ("type", ":TYPE"),
    *(
        (name, f"{name}:{'double' if name == 'confidences' else 'string'}[]")
        for name in CLAIM_LISTS
    ),
    ("support", "support:int"),
    ("confidence", "confidence:double"),  # "float" would store 32 bits: 0.7 -> 0.699999988
)

CSV_FILES = ("papers.csv", "entities.csv", "mentions.csv", "claims.csv")

#: Run after ``neo4j-admin database import``: constraints, and the lists a CSV cell cannot hold.
AFTER_IMPORT = "after-import.cypher"


def _data_text(name: str) -> str:
    return resources.files("kg").joinpath("data", "neo4j", name).read_text(encoding="utf-8")


# --- cookbook ----------------------------------------------------------------------

_PARAM_RE = re.compile(r"^:param\s+(\w+)\s*=>\s*(.+?)\s*;?\s*$")
_TITLE_RE = re.compile(r"^//\s*(\d+)\.\s*(.*)$")


@dataclass(frozen=True)
class CookbookQuery:
    """One query of ``queries.cypher`` with its default parameters."""

    number: int
    title: str
    query: str
    params: dict
    neo4j_only: bool = False


def _param_value(text: str, where: str):
    """A ``:param`` value: a single-quoted string, an integer or a float."""
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    raise DataFileError(f"{where}: :param value {text!r} is not a quoted string or a number")


def read_cookbook(text: str | None = None, name: str = "queries.cypher") -> list[CookbookQuery]:
    """Parse the query cookbook (default: the bundled ``queries.cypher``).

    Queries are separated by ``// ----`` lines; each starts with a numbered
    comment title, optional ``// neo4j-only`` and ``:param name => value``
    lines, then the query ending with ``;``.
    """
    text = _data_text("queries.cypher") if text is None else text
    out: list[CookbookQuery] = []
    blocks = re.split(r"^// -{10,}\s*$", text, flags=re.M)
    line_no = text[: len(blocks[0])].count("\n") + 1
    for block in blocks[1:]:
        title, number, params, body, only = "", 0, {}, [], False
        for i, line in enumerate(block.splitlines()):
            where = f"{name}:{line_no + i}"
            stripped = line.strip()
            if match := _TITLE_RE.match(stripped):
                number, title = int(match.group(1)), match.group(2)
            elif stripped == "// neo4j-only":
                only = True
            elif match := _PARAM_RE.match(stripped):
                params[match.group(1)] = _param_value(match.group(2), where)
            elif stripped and not stripped.startswith("//"):
                body.append(line)
        line_no += block.count("\n")
        query = "\n".join(body).strip().rstrip(";").strip()
        if not query or not number:
            raise DataFileError(
                f"{name}:{line_no}: a cookbook entry needs a numbered title and a query"
            )
        out.append(CookbookQuery(number, title, query, params, only))
    return out


# --- CSV ---------------------------------------------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ARRAY_DELIMITER.join(_csv_cell(v) for v in value)
    if isinstance(value, float):
        return repr(value)
    return str(value).replace(ARRAY_DELIMITER, " ")


def _csv_writer(f, columns):
    """A CSV writer on ``f`` that has written the header of ``columns``."""
    writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([header for _, header in columns])
    return writer


def _csv_row(columns, row: dict) -> list[str]:
    return [_csv_cell(row.get(key)) for key, _ in columns]


def write_node_csvs(graph: nx.MultiDiGraph, papers, entities) -> None:
    """Write ``papers.csv`` to ``papers`` and ``entities.csv`` to ``entities``
    (text files), one row per node as it is made."""
    paper_rows = _csv_writer(papers, PAPER_COLUMNS)
    entity_rows = _csv_writer(entities, ENTITY_COLUMNS)
    for labels, props in iter_nodes(graph):
        props["labels"] = list(labels)  # neo4j-admin splits labels on the array delimiter
        if labels == (PAPER_LABEL,):
            paper_rows.writerow(_csv_row(PAPER_COLUMNS, props))
        else:
            entity_rows.writerow(_csv_row(ENTITY_COLUMNS, props))


def write_relationship_csvs(graph: nx.MultiDiGraph, mentions, claims) -> None:
    """Write ``mentions.csv`` to ``mentions`` and ``claims.csv`` to ``claims``
    (text files), one row per relationship as it is made."""
    mention_rows = _csv_writer(mentions, MENTION_COLUMNS)
    claim_rows = _csv_writer(claims, CLAIM_COLUMNS)
    for rtype, start, end, props in iter_relationships(graph):
        props.update(start=start, end=end, type=rtype)
        if rtype == "MENTIONS":
            mention_rows.writerow(_csv_row(MENTION_COLUMNS, props))
        else:
            claim_rows.writerow(_csv_row(CLAIM_COLUMNS, props))


def csv_texts(graph: nx.MultiDiGraph) -> dict[str, str]:
    """The four ``neo4j-admin`` CSV files as text, by file name (for small graphs;
    :func:`write` streams them to disk)."""
    bufs = {name: io.StringIO() for name in CSV_FILES}
    write_node_csvs(graph, bufs["papers.csv"], bufs["entities.csv"])
    write_relationship_csvs(graph, bufs["mentions.csv"], bufs["claims.csv"])
    return {name: buf.getvalue() for name, buf in bufs.items()}


def admin_import_command(database: str = "neo4j", folder: str = "import") -> str:
    """The ``neo4j-admin database import full`` command for the CSV files in ``folder``."""
    nodes = " ".join(f"--nodes={folder}/{name}" for name in CSV_FILES[:2])
    rels = " ".join(f"--relationships={folder}/{name}" for name in CSV_FILES[2:])
    # the database comes first: --nodes/--relationships take any number of files
    return (
        f"neo4j-admin database import full {database} --overwrite-destination=true "
        f'--array-delimiter="{ARRAY_DELIMITER_ARG}" --multiline-fields=true {nodes} {rels}'
    )


def after_import_script() -> str:
    """``after-import.cypher``: what makes an admin-imported database equal to a Bolt push.

    The uniqueness constraints, and the lists that ``neo4j-admin`` reads as absent
    (an empty cell is null, so ``[]`` and ``[""]`` cannot be written): empty
    ``authors`` and ``introducedBy``, and ``values``/``metrics`` of claims that have
    none (one ``""`` per paper). Every statement is idempotent.
    """
    lines = [
        "// Run once after neo4j-admin database import (generated by kg; do not edit):",
        "//   cypher-shell -a bolt://localhost:7687 -u neo4j -p PASSWORD -f after-import.cypher",
        "// 1. Uniqueness constraints on id",
        *(stmt + ";" for stmt in constraint_statements()),
        "// 2. Lists a CSV cell cannot hold: [] and a single empty string",
        f"MATCH (n:{PAPER_LABEL}) WHERE n.authors IS NULL SET n.authors = [];",
        f"MATCH (n:{ENTITY_LABEL}) WHERE n.introducedBy IS NULL SET n.introducedBy = [];",
    ]
    for rtype in CLAIM_REL_TYPES:
        for prop in ("values", "metrics"):
            lines.append(
                f"MATCH ()-[r:{rtype}]->() WHERE r.{prop} IS NULL "
                f"SET r.{prop} = [p IN r.papers | ''];"
            )
    return "\n".join(lines) + "\n"


def _import_sh() -> str:
    # the report of bad entries goes beside the CSVs, not into the caller's directory
    cmd = admin_import_command('"$DATABASE"', '"$HERE"') + ' --report-file="$HERE/import.report"'
    return f"""#!/bin/sh
# Load the kg graph into an empty (or replaced) Neo4j 5 database with neo4j-admin.
# Stop the database first; run from anywhere as a user that can write Neo4j's data folder:
#   sh import.sh [DATABASE]          (default: neo4j; NEO4J_HOME/bin is used when set)
# Afterwards start the database and run, once:
#   cypher-shell -a bolt://localhost:7687 -u neo4j -p PASSWORD -f after-import.cypher
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
DATABASE="${{1:-neo4j}}"
PATH="${{NEO4J_HOME:+$NEO4J_HOME/bin:}}$PATH"
{cmd}
"""


# --- import.cypher -------------------------------------------------------------


def _chunks(rows: Iterable, size: int) -> Iterator[list]:
    """Lists of up to ``size`` items taken from ``rows`` as they come."""
    it = iter(rows)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _unwind(rows: list[dict], tail: str) -> str:
    body = ",\n".join("  " + literal(row) for row in rows)
    return f"UNWIND [\n{body}\n] AS row\n{tail};\n"


def _script_parts(graph: nx.MultiDiGraph, counts=None) -> Iterator[str]:
    """The pieces of ``import.cypher`` in order; the script is them joined by
    newlines. One ``UNWIND`` statement (:data:`SCRIPT_BATCH` rows) at a time."""
    labels, types = expected_counts(graph) if counts is None else counts
    yield "// kg knowledge graph for Neo4j 5 (generated by kg; do not edit)."
    yield "// Run:  cypher-shell -a bolt://localhost:7687 -u neo4j -p PASSWORD -f import.cypher"
    yield "//   or paste into Neo4j Browser. Re-running it updates nodes in place (MERGE on id)."
    yield "// Nodes: " + ", ".join(f"{k} {v}" for k, v in labels.items())
    yield "// Relationships: " + ", ".join(f"{k} {v}" for k, v in types.items())
    yield ""
    yield "// 1. Uniqueness constraints on id"
    for stmt in constraint_statements():
        yield stmt + ";"
    yield ""

    yield "// 2. Nodes"
    for node_labels, group in itertools.groupby(iter_nodes(graph), key=lambda r: r[0]):
        label_text = ":".join(node_labels)
        for chunk in _chunks((props for _, props in group), SCRIPT_BATCH):
            yield _unwind(chunk, f"MERGE (n:{label_text} {{id: row.id}})\nSET n += row")

    yield "// 3. Relationships"
    for group in relationship_groups(graph):
        rtype, head_label = group.rtype, group.head
        tail = (
            f"MATCH (a:{head_label} {{id: row.start}})\n"
            f"MATCH (b:{ENTITY_LABEL} {{id: row.end}})\n"
            f"MERGE (a)-[r:{rtype}]->(b)\nSET r += row.props"
        )
        rows = (
            {"start": start, "end": end, "props": props}
            for _, start, end, props in iter_group(graph, group)
        )
        for chunk in _chunks(rows, SCRIPT_BATCH):
            yield _unwind(chunk, tail)


def write_cypher_script(graph: nx.MultiDiGraph, f, counts=None) -> None:
    """Write ``import.cypher`` to the text file ``f`` statement by statement."""
    pending = None
    for part in _script_parts(graph, counts):
        if pending is not None:
            f.write(pending)
            f.write("\n")
        pending = part
    f.write(pending.rstrip("\n") + "\n")


def cypher_script(graph: nx.MultiDiGraph) -> str:
    """``import.cypher``: constraints, then every node and relationship as literals."""
    buf = io.StringIO()
    write_cypher_script(graph, buf)
    return buf.getvalue()


# --- README ----------------------------------------------------------------------


def _readme(counts: tuple[dict[str, int], dict[str, int]]) -> str:
    labels, types = counts
    counts = "\n".join(f"| {k} | {v} |" for k, v in {**labels, **types}.items())
    return f"""# Neo4j files

Written by `kg build`; the same graph `kg neo4j-push` sends over Bolt.

| label / type | count |
|---|---|
{counts}

## Option 1: Cypher script (any Neo4j 5, server running)

    cypher-shell -a bolt://localhost:7687 -u neo4j -p PASSWORD -f import.cypher

or paste `import.cypher` into Neo4j Browser (multi-statement). It creates the uniqueness
constraints first, then MERGEs every node and relationship, so it can be run again.

## Option 2: neo4j-admin bulk import (empty database, server stopped)

Copy this folder to the Neo4j server, stop the database, then

    sh import.sh [DATABASE]

which runs (with the paths of this folder):

    {admin_import_command()}

Arrays (`aliases`, `papers`, `evidence`...) are joined with the ASCII unit separator
(U+001F); text fields may span lines (`--multiline-fields=true`). A CSV cell cannot hold an
empty list (or a list of one empty string), so those are left out by the import. Then start
the database and run, once,

    cypher-shell -a bolt://localhost:7687 -u neo4j -p PASSWORD -f after-import.cypher

which creates the uniqueness constraints and restores those lists: the database then holds
exactly what `kg neo4j-push` sends.

## Browser style and queries

In Neo4j Browser run `:style` and drag `style.grass` onto the style panel (or paste it).
`queries.cypher` is a commented cookbook: each query starts with the `:param` lines that
give its inputs a default value; change them and run the query.

## Model

- `(:Paper {{id, paperId, title, name, abstract, year, date, arxivId, doi, url, authors, source}})`
- `(:Entity:Model|Method|Dataset|Benchmark|Metric|Task {{id, name, type, aliases, papers,
  introducedBy, paperCount}})`; `papers` and `introducedBy` hold `paperId`s.
- `(:Paper)-[:MENTIONS {{count}}]->(:Entity)`
- `(:Paper)-[:PROPOSES]->(:Entity)`, `(:Entity)-[:EVALUATES_ON|OUTPERFORMS|USES_METRIC]->(:Entity)`
  with the claims behind them as parallel lists: paper `papers[i]` said it in sentence
  `evidence[i]` (rule `rules[i]`, confidence `confidences[i]`, score `values[i]` on metric
  `metrics[i]`, `""` when none); `support` = number of papers, `confidence` = the highest.
  One row per claim: `UNWIND range(0, size(r.papers) - 1) AS i RETURN r.papers[i], r.evidence[i]`.
"""


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``out_dir/neo4j/``: import.cypher, CSVs, import.sh, README.md,
    style.grass and queries.cypher. Returns the files written.

    The script and the CSV files are streamed row by row in a fixed order;
    the counts come from one counting pass, so memory does not grow with the
    graph beyond references to its node ids.
    """
    folder = Path(out_dir) / SUBDIR
    counts = expected_counts(graph)
    paths = [folder / "import.cypher", *(folder / name for name in CSV_FILES)]
    with atomic_writer(paths[0]) as f:
        write_cypher_script(graph, f, counts)
    with atomic_writer(paths[1]) as papers, atomic_writer(paths[2]) as entities:
        write_node_csvs(graph, papers, entities)
    with atomic_writer(paths[3]) as mentions, atomic_writer(paths[4]) as claims:
        write_relationship_csvs(graph, mentions, claims)
    small = {
        "import.sh": _import_sh(),
        "README.md": _readme(counts),
        "style.grass": _data_text("style.grass"),
        "queries.cypher": _data_text("queries.cypher"),
        AFTER_IMPORT: after_import_script(),
    }
    return paths + [write_text(folder / name, text) for name, text in small.items()]
