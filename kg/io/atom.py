"""Reader for arXiv API Atom feeds (``http://export.arxiv.org/api/query`` results).

Each ``<entry>`` gives ``id`` (``http://arxiv.org/abs/2403.01234v2`` ->
arXiv id ``2403.01234``), ``title``, ``summary``, ``author/name``,
``published`` and, when present, ``arxiv:doi`` and the ``alternate`` link.
arXiv wraps titles and summaries over several lines, so whitespace runs in
both are collapsed. Elements are matched by local name, so feeds without the
Atom namespace work too.

The feed is parsed in pieces of at most 16 KB with
:class:`xml.etree.ElementTree.XMLPullParser`, and every child of the feed
(entry or not) is dropped once read, so memory stays flat however many
elements the feed has or however long its lines are; an entry with more than
:data:`MAX_ENTRY_ELEMENTS` elements is skipped (counted) without being held. Entity-expansion
attacks are refused outright: a feed with a ``<!DOCTYPE`` or ``<!ENTITY``
declaration is rejected before parsing (ElementTree never fetches external
entities, and arXiv feeds have no DTD).
"""

from __future__ import annotations

import contextlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

from kg.errors import InputError
from kg.io.common import ReadContext, make_paper
from kg.io.source import Source
from kg.records import Paper

_DTD_RE = re.compile(r"<!(DOCTYPE|ENTITY)", re.I)

#: Bytes fed to the XML parser at a time (a long line is fed in pieces).
_PIECE = 16 * 1024

#: An ``<entry>`` with more elements than this is skipped without being held.
MAX_ENTRY_ELEMENTS = 10_000


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(entry: ET.Element, name: str) -> str | None:
    for child in entry:
        if _local(child.tag) == name:
            return "".join(child.itertext())
    return None


def entry_fields(entry: ET.Element) -> dict:
    """Our record fields from one ``<entry>`` element."""
    authors = []
    url = None
    for child in entry:
        tag = _local(child.tag)
        if tag == "author":
            name = _child_text(child, "name")
            if name and name.strip():
                authors.append(name)
        elif tag == "link" and child.get("rel", "alternate") == "alternate" and url is None:
            url = child.get("href")
    entry_id = _child_text(entry, "id")
    return {
        "title": _child_text(entry, "title"),
        "abstract": _child_text(entry, "summary") or _child_text(entry, "content"),
        "arxiv_id": entry_id,
        "doi": _child_text(entry, "doi"),
        "url": url or entry_id,
        "authors": authors,
        "date": _child_text(entry, "published") or _child_text(entry, "updated"),
    }


def _refuse_dtd(src: Source, lineno: int, line: str) -> None:
    """Raise if a line before the root element declares a DTD or an entity."""
    if _DTD_RE.search(line):
        raise InputError(
            "the XML has a DOCTYPE/ENTITY declaration, which kg refuses (entity-expansion "
            "risk); remove it, arXiv feeds do not need one",
            where=src.where(lineno),
        )


def read(src: Source, ctx: ReadContext) -> Iterator[Paper]:
    """Yield one paper per ``<entry>`` of the feed."""
    parser = ET.XMLPullParser(events=("start", "end"))
    open_elems: list[ET.Element] = []  # the root, then the open elements under it
    root = None
    entry_line = None
    in_entry = False  # whether the open child of the feed is an <entry>
    entry_size = 0  # elements in it; over the cap: not kept
    tail = ""  # end of the previous piece, for a declaration cut between pieces
    lineno = 0
    for lineno, piece in src.pieces(_PIECE):
        if root is None:
            _refuse_dtd(src, lineno, tail + piece)
            tail = piece[-16:]
        try:
            parser.feed(piece)
            events = list(parser.read_events())
        except ET.ParseError as err:
            raise _parse_error(src, err, lineno) from None
        for event, elem in events:
            if event == "start":
                if root is None:
                    root = elem
                    if _local(elem.tag) != "feed":
                        raise InputError(
                            f"the XML root is <{_local(elem.tag)}>, not an Atom <feed>",
                            where=src.where(lineno),
                        )
                elif len(open_elems) == 1:
                    in_entry = _local(elem.tag) == "entry"
                    entry_line, entry_size = lineno, 0
                else:
                    entry_size += 1
                    if entry_size == MAX_ENTRY_ELEMENTS + 1 and in_entry:
                        open_elems[1].clear()  # drop what the entry holds; keep nothing more
                open_elems.append(elem)
                continue
            open_elems.pop()
            if not open_elems:  # the root itself
                continue
            parent = open_elems[-1]
            if len(open_elems) == 1:  # a child of the feed: used (if an entry), then dropped
                parent.remove(elem)
                if _local(elem.tag) != "entry":
                    continue
                where = src.where(entry_line or lineno)
                if entry_size > MAX_ENTRY_ELEMENTS:
                    ctx.problem(
                        where,
                        f"entry has {entry_size:,} XML elements, over the limit of "
                        f"{MAX_ENTRY_ELEMENTS:,}; an arXiv entry has a few dozen",
                    )
                    continue
                paper = make_paper(ctx, where, entry_fields(elem), collapse_abstract=True)
                if paper is not None:
                    yield paper
            elif not in_entry or entry_size > MAX_ENTRY_ELEMENTS:
                # nothing kept outside entries or in one over the cap (cleared: may be gone)
                with contextlib.suppress(ValueError):
                    parent.remove(elem)
    try:
        parser.close()
    except ET.ParseError as err:
        raise _parse_error(src, err, lineno) from None
    if root is None:
        raise InputError("no XML element found; give an arXiv Atom feed", where=src.name)


def _parse_error(src: Source, err: ET.ParseError, lineno: int) -> InputError:
    line, col = getattr(err, "position", (lineno, 0))
    reason = str(err).split(":", 1)[0]
    return InputError(
        f"malformed XML ({reason}, column {col + 1}); fix the feed", where=src.where(line)
    )
