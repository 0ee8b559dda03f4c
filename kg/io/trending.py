"""Reader for a saved "trending papers" page as plain text.

The page is a few header lines (``new``, ``Subscribe``, ...), a date line
(``Mar 13``), then for each paper a title line and an abstract line, usually
separated by blank lines. Rather than a list of known header lines, the
reader uses the shape of the text, so extra header or footer lines and
irregular blank lines do not matter:

* a *title* is a short line (at most :data:`MAX_TITLE_WORDS` words) that does
  not end with a period;
* an *abstract* is the next non-blank line when it is a paragraph longer
  than the title: at least :data:`MIN_ABSTRACT_WORDS` words, or a few
  sentence-like words (:data:`MIN_SHORT_ABSTRACT_WORDS`, final period);
* a short line followed by another short line is page furniture and ignored;
  so are lines matching ``kg/data/trending_furniture.txt`` (``Submitted by
  AK``, ``42 upvotes``, ``·``), which may even stand between a title and its
  abstract;
* a date line sets the date of the papers after it only when it has a year
  (``Mar 13, 2024``, ``2024-03-13``); the usual ``Mar 13`` gives no date.

Abstracts are kept exactly as their line (stripped). Lines are streamed; a
line over the field size limit is read through without being held, and skipped
(counted) with the title before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date as _date
from functools import cache
from importlib import resources

from kg.errors import DataFileError, InputError
from kg.io.common import ReadContext, log, make_paper
from kg.io.source import Source
from kg.records import Paper

MAX_TITLE_WORDS = 40
MIN_ABSTRACT_WORDS = 20
MIN_SHORT_ABSTRACT_WORDS = 8

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_DATE_RES = (
    re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>\d{{4}}))?$"),
    re.compile(rf"^(?P<day>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?$"),
    re.compile(r"^(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})$"),
)


def parse_date_line(line: str) -> tuple[bool, str | None]:
    """Whether ``line`` is a date line, and its ISO date when it has a year.

    >>> parse_date_line("Mar 13")
    (True, None)
    >>> parse_date_line("March 13, 2024")
    (True, '2024-03-13')
    >>> parse_date_line("Mamba 2")
    (False, None)
    """
    for pattern in _DATE_RES:
        m = pattern.match(line.strip())
        if not m:
            continue
        mon = m.group("mon")
        month = int(mon) if mon.isdigit() else _MONTHS.get(mon.lower())
        if month is None:
            continue
        day = int(m.group("day"))
        year = m.group("year")
        try:
            iso = _date(int(year) if year else 2000, month, day).isoformat()
        except ValueError:
            continue
        return True, iso if year else None
    return False, None


FURNITURE_FILE = "data/trending_furniture.txt"


@cache
def furniture_patterns() -> tuple[re.Pattern, ...]:
    """The page-furniture patterns, compiled once; a bad one raises DataFileError."""
    text = resources.files("kg").joinpath(FURNITURE_FILE).read_text("utf-8")
    patterns = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            patterns.append(re.compile(line, re.I))
        except re.error as err:
            msg = f"kg/{FURNITURE_FILE}:{lineno}: bad regular expression: {err}"
            raise DataFileError(msg) from None
    return tuple(patterns)


def is_furniture(line: str) -> bool:
    """Whether a stripped line is page furniture (``Submitted by AK``, ``12``, ``·``)."""
    return any(p.fullmatch(line) for p in furniture_patterns())


def is_title(line: str) -> bool:
    """A short line that does not end like a sentence."""
    words = line.split()
    return 0 < len(words) <= MAX_TITLE_WORDS and not line.rstrip().endswith(".")


def is_abstract(line: str, title: str | None = None) -> bool:
    """A paragraph longer than the title before it: :data:`MIN_ABSTRACT_WORDS` words, or
    (right after a title) :data:`MIN_SHORT_ABSTRACT_WORDS` words ending like a sentence."""
    words = len(line.split())
    if title is None:
        return words >= MIN_ABSTRACT_WORDS
    if len(line) <= len(title):
        return False
    return words >= MIN_ABSTRACT_WORDS or (
        words >= MIN_SHORT_ABSTRACT_WORDS and line.rstrip().endswith((".", "!", "?", ".)"))
    )


def read(src: Source, ctx: ReadContext) -> Iterator[Paper]:
    """Yield the papers of a trending page, in page order."""
    pending: tuple[int, str] | None = None  # (line number, title line)
    date: str | None = None
    found = skipped = 0
    limit = ctx.max_field_bytes + 1024  # a line is one title or one abstract

    def too_long(lineno: int, size: int) -> None:
        nonlocal pending, skipped
        what = "line" if pending is None else f"abstract (line {lineno})"
        where = src.where(lineno if pending is None else pending[0])
        pending = None
        skipped += 1
        ctx.problem(
            where,
            f"{what} is {size:,} bytes, over the limit of {ctx.max_field_bytes:,} "
            "(raise max_field_bytes to accept it)",
        )

    for lineno, line in src.lines(max_bytes=limit, on_long=too_long):
        text = line.strip()
        if not text:
            continue
        if pending is not None and is_abstract(text, pending[1]):
            where = src.where(pending[0])
            fields = {"title": pending[1], "abstract": text, "date": date}
            paper = make_paper(ctx, where, fields)
            pending = None
            if paper is None:
                skipped += 1
                continue
            found += 1
            yield paper
            continue
        is_date, iso = parse_date_line(text)
        if not is_date and is_furniture(text):
            continue
        if pending is not None:
            log.debug("%s: ignored line (no abstract after it)", src.where(pending[0]))
            pending = None
        if is_date:
            date = iso
        elif is_title(text):
            pending = (lineno, text)
        elif is_abstract(text):
            skipped += 1
            ctx.problem(src.where(lineno), "paragraph without a title line before it")
        else:
            log.debug("%s: ignored line", src.where(lineno))
    if not found and not skipped:
        raise InputError(
            "no papers found: not a trending-papers page (title line, then abstract paragraph) "
            "nor any other known format; pass the format (jsonl, json, csv, tsv, atom)",
            where=src.name,
        )
