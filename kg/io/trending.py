"""Reader for a saved "trending papers" page as plain text.

The page is a few header lines (``new``, ``Subscribe``, ...), a date line
(``Mar 13``), then for each paper a title line and an abstract line, usually
separated by blank lines. Rather than a list of known header lines, the
reader uses the shape of the text, so extra header or footer lines and
irregular blank lines do not matter:

* a *title* is a short line (at most :data:`MAX_TITLE_WORDS` words) that does
  not end with a period;
* an *abstract* is the next non-blank line when it is a paragraph (at least
  :data:`MIN_ABSTRACT_WORDS` words) longer than the title;
* a short line followed by another short line is page furniture and ignored;
* a date line sets the date of the papers after it only when it has a year
  (``Mar 13, 2024``, ``2024-03-13``); the usual ``Mar 13`` gives no date.

Abstracts are kept exactly as their line (stripped). Lines are streamed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date as _date

from kg.errors import InputError
from kg.io.common import ReadContext, log, make_paper
from kg.io.source import Source
from kg.records import Paper

MAX_TITLE_WORDS = 40
MIN_ABSTRACT_WORDS = 20

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


def is_title(line: str) -> bool:
    """A short line that does not end like a sentence."""
    words = line.split()
    return 0 < len(words) <= MAX_TITLE_WORDS and not line.rstrip().endswith(".")


def is_abstract(line: str, title: str | None = None) -> bool:
    """A paragraph: enough words, and longer than the title before it."""
    return len(line.split()) >= MIN_ABSTRACT_WORDS and (title is None or len(line) > len(title))


def read(src: Source, ctx: ReadContext) -> Iterator[Paper]:
    """Yield the papers of a trending page, in page order."""
    pending: tuple[int, str] | None = None  # (line number, title line)
    date: str | None = None
    found = skipped = 0
    for lineno, line in src.lines():
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
        if pending is not None:
            log.debug("%s: ignored line (no abstract after it)", src.where(pending[0]))
            pending = None
        is_date, iso = parse_date_line(text)
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
