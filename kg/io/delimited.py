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
streamed and reported by the line they start on. A quote left open is
caught (see :func:`_rows`): its row is reported with the lines it swallowed,
and those lines are read again.
"""

from __future__ import annotations

import csv
import sys
from collections import deque
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
    limit = ctx.max_record_bytes

    def too_long(lineno: int, size: int) -> None:
        ctx.too_long(src.where(lineno), size, limit)

    lines = src.lines(keepends=True, max_bytes=limit, on_long=too_long)
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

    for where, row in _rows(src, ctx, lines, delim, len(columns)):
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


def _rows(
    src: Source, ctx: ReadContext, lines, delim: str, ncols: int
) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(where, cells)`` per row, ``where`` naming the line the row starts on.

    Rows are read with strict quoting. A row over several lines that breaks
    it (a quote never closed, or closed and followed by text, or a field over
    the size limit) or that has not ``ncols`` cells is taken for an unclosed
    quote: the row is skipped and reported with the lines it took, and those
    lines are read again as rows, so one stray quote costs one row, not the
    rest of the file. A one-line
    row with sloppy quoting (``"a"b``) is read as the csv module does by
    default.
    """
    feed = _Feed(lines)
    rows = csv.reader(feed, delimiter=delim, strict=True)
    taken = feed.taken
    while True:
        taken.clear()
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as err:
            if not taken:
                return
            first, last = taken[0][0], taken[-1][0]
            where = src.where(first)
            if len(taken) > 1:
                _unclosed(ctx, where, first, last, str(err))
                feed.again(taken[1:])
                continue
            try:
                row = next(csv.reader([taken[0][1]], delimiter=delim))
            except csv.Error as err2:
                ctx.problem(where, f"malformed CSV row ({err2})")
                continue
        if len(taken) > 1 and len(row) != ncols:
            first, last = taken[0][0], taken[-1][0]
            _unclosed(ctx, src.where(first), first, last, f"{len(row)} fields, not {ncols}")
            feed.again(taken[1:])
            continue
        yield src.where(taken[0][0]), row


class _Feed:
    """The text lines given to the csv reader: records the lines of the current row
    (``taken``) and can give lines again, even after the end of the input."""

    def __init__(self, lines: Iterator[tuple[int, str]]):
        self._lines = lines
        self._again: deque[tuple[int, str]] = deque()
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Feed:
        return self

    def __next__(self) -> str:
        item = self._again.popleft() if self._again else next(self._lines)
        self.taken.append(item)
        return item[1]

    def again(self, items: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(items))


def _unclosed(ctx: ReadContext, where: str, first: int, last: int, error: str) -> None:
    took = f"line {last}" if last == first + 1 else f"lines {first + 1}-{last}"
    ctx.problem(
        where,
        f"malformed CSV row ({error}): an unclosed quote here took {took} into this row; "
        "the row is skipped and those lines read again (close the quote)",
    )
