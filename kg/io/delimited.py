"""Reader for CSV and TSV files with a header row.

The first non-blank line is the header. Column names are matched
case-insensitively, with spaces and hyphens read as underscores, against
``kg/data/input_fields.json``:

* title: ``title``, ``paper_title``, ``article_title``, ``name``
* abstract: ``abstract``, ``summary``, ``paper_abstract``, ``abstract_text``,
  ``text``, ``description``
* optional: ``id``, ``arxiv_id``, ``doi``, ``url``, ``authors`` (``"A, B and
  C"`` or ``"A; B"``), ``year``, ``date``

The delimiter is a tab for ``.tsv``/``.tab`` files and the ``tsv`` format;
otherwise the first of tab, comma, semicolon and bar that splits the header
into title and abstract columns. Quoted fields may span lines; rows are
streamed and reported by the line they start on.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from kg.errors import InputError
from kg.io.common import ReadContext, field_names, make_paper, map_fields
from kg.io.detect import DELIMITERS, header_delimiter
from kg.io.source import Source
from kg.records import Paper


def _raise_field_limit(max_field_bytes: int) -> None:
    """Let the csv module read fields up to the size limit, so big ones are reported by us."""
    want = min(sys.maxsize, max(max_field_bytes * 4 + 1024, 131072))
    if csv.field_size_limit() < want:
        csv.field_size_limit(want)


def _choose_delimiter(src: Source, header: str) -> str:
    if src.format == "tsv" or src.suffix in (".tsv", ".tab"):
        return "\t"
    found = header_delimiter(header)
    if found is not None:
        return found
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _columns_error(src: Source, lineno: int, columns: list[str], missing: list[str]) -> InputError:
    names = field_names()
    accepted = "; ".join(f"{m}: {', '.join(names[m])}" for m in missing)
    seen = ", ".join(repr(c) for c in columns) or "none"
    return InputError(
        f"the header has no {' or '.join(missing)} column (columns seen: {seen}); "
        f"rename a column to an accepted name ({accepted})",
        where=src.where(lineno),
    )


def read(src: Source, ctx: ReadContext) -> Iterator[Paper]:
    """Yield one paper per data row."""
    _raise_field_limit(ctx.max_field_bytes)
    lines = src.lines(keepends=True)
    header_line = None
    for lineno, line in lines:
        if line.strip():
            header_line = (lineno, line)
            break
    if header_line is None:
        raise InputError("the file has no header row; it is empty", where=src.name)
    head_no, header = header_line
    delim = _choose_delimiter(src, header.rstrip("\r\n"))
    try:
        columns = [c.strip() for c in next(csv.reader([header], delimiter=delim))]
    except csv.Error as err:
        raise InputError(f"cannot read the header row ({err})", where=src.where(head_no)) from None
    mapping = map_fields(columns)
    missing = [f for f in ("title", "abstract") if f not in mapping]
    if missing:
        raise _columns_error(src, head_no, columns, missing)
    index = {name: columns.index(col) for name, col in mapping.items()}

    # Feed the csv reader text lines while tracking where each row starts.
    position = {"line": head_no}

    def feed():
        for lineno, line in lines:
            position["line"] = lineno
            yield line

    rows = csv.reader(feed(), delimiter=delim)
    row_start = head_no + 1
    while True:
        try:
            row = next(rows)
        except StopIteration:
            break
        except csv.Error as err:
            ctx.problem(src.where(row_start), f"malformed CSV row ({err})")
            row_start = position["line"] + 1
            continue
        where = src.where(row_start)
        row_start = position["line"] + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            ctx.problem(where, f"row has {len(row)} fields, the header has {len(columns)}")
            continue
        fields = {name: row[i] for name, i in index.items()}
        for name in ("id", "arxiv_id", "doi", "url", "year", "date", "authors"):
            if name in fields and not fields[name].strip():
                fields[name] = None
        paper = make_paper(ctx, where, fields)
        if paper is not None:
            yield paper
