"""Input readers: paper titles and abstracts from files, as :class:`~kg.records.Paper`.

:func:`read_papers` is the one entry point. Each format has its own module
with ``read(source, context) -> Iterator[Paper]``, imported lazily through
:data:`READERS`:

========== =====================================================================
trending   a saved "trending papers" page as text (title line, abstract line)
jsonl      JSON Lines, one object per line
json       a JSON array of objects (or an object holding one)
csv, tsv   a header row naming the title and abstract columns
atom       an arXiv API Atom feed
========== =====================================================================

Every reader streams. Problems with a whole file raise
:class:`~kg.errors.InputError`; problems with one record are skipped and
counted in the :class:`~kg.records.SkipReport` (or raised with ``strict``).
Either way the message names ``file:line``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError, choices_message
from kg.io.common import KnownPapers, ReadContext, log
from kg.records import Paper, SkipReport

#: Format name -> module implementing ``read(source, context)``.
READERS: dict[str, str] = {
    "trending": "kg.io.trending",
    "jsonl": "kg.io.jsonl",
    "json": "kg.io.jsonarray",
    "csv": "kg.io.delimited",
    "tsv": "kg.io.delimited",
    "atom": "kg.io.atom",
}

#: The input format names accepted by :func:`read_papers`.
FORMATS: tuple[str, ...] = tuple(READERS)


def read_papers(
    paths: Iterable[str | Path],
    format: str | None = None,
    strict: bool = False,
    report: SkipReport | None = None,
    max_field_bytes: int = 1_000_000,
    known: KnownPapers | None = None,
) -> Iterator[Paper]:
    """Yield the papers of every input, in input order, each paper once.

    Parameters
    ----------
    paths
        Files to read; ``"-"`` reads standard input.
    format
        One of :data:`FORMATS`, or None to detect each file's format from its
        content and extension.
    strict
        Raise :class:`~kg.errors.InputError` on the first bad record instead of
        skipping it.
    report
        Receives skipped records (``report.skip(where, reason)``) and the
        number of duplicates; a fresh one is used when None.
    max_field_bytes
        Records whose title or abstract is larger (UTF-8 bytes) are skipped.
    known
        Papers seen before (e.g. those of an earlier build); they are skipped
        as duplicates, and every paper read is added to it.

    Yields
    ------
    Paper
        With ``source`` set to ``file:line``. A paper whose id or normalised
        title was already seen is counted in ``report.duplicates`` instead.

    Raises
    ------
    InputError
        For an unknown format, a missing, empty, binary or non-UTF-8 file, an
        undetectable format or a CSV header without title/abstract columns,
        and in strict mode for any bad record.

    Examples
    --------
    >>> report = SkipReport()
    >>> for paper in read_papers(["papers.jsonl", "-"], report=report):  # doctest: +SKIP
    ...     print(paper.id, paper.source)
    >>> print(report.count, "skipped,", report.duplicates, "duplicates")  # doctest: +SKIP
    """
    from kg.io.detect import detect_format
    from kg.io.source import open_source

    if format is not None and format not in READERS:
        raise InputError(choices_message("input format", format, FORMATS))
    if isinstance(paths, str | Path):
        paths = [paths]
    ctx = ReadContext(
        strict=strict,
        report=report if report is not None else SkipReport(),
        max_field_bytes=max_field_bytes,
    )
    known = known if known is not None else KnownPapers()
    for path in paths:
        with open_source(path) as src:
            src.format = format or detect_format(src)
            log.debug("%s: reading as %s", src.name, src.format)
            reader = importlib.import_module(READERS[src.format])
            for paper in reader.read(src, ctx):
                if paper in known:
                    ctx.report.duplicates += 1
                    log.info(
                        "%s: duplicate of an earlier paper (%s); skipped", paper.source, paper.id
                    )
                    continue
                known.add(paper)
                yield paper
