"""Reader for a JSON document: an array of paper objects.

The array is decoded one item at a time from a growing text buffer
(:meth:`json.JSONDecoder.raw_decode`), so a large file is never held in
memory whole. Items that are not objects, or lack a title or abstract, are
skipped and counted; a syntax error ends the file (the rest of an array
cannot be found reliably) and raises :class:`~kg.errors.InputError` with the
line and column.

A top-level object is read whole: its first list under ``papers``, ``data``,
``items``, ``records``, ``entries`` or ``results``, else the object itself as
one paper.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.errors import InputError
from kg.io.jsonl import record_to_paper
from kg.io.source import Source
from kg.records import Paper

#: Keys of a top-level object that may hold the list of papers.
LIST_KEYS = ("papers", "data", "items", "records", "entries", "results")

_CHUNK = 64 * 1024
_WS = " \t\r\n"


class _Buffer:
    """Text of the input read so far but not consumed, with its line number."""

    def __init__(self, src: Source):
        self._lines = src.lines(keepends=True)
        self.text = ""
        self.pos = 0
        self.line = 1  # line number of text[0]
        self.eof = False

    def more(self) -> bool:
        """Read at least as much again as is buffered; False at end of input."""
        if self.eof:
            return False
        self.line += self.text.count("\n", 0, self.pos)
        parts = [self.text[self.pos :]]
        self.pos = 0
        want, got = max(_CHUNK, len(parts[0])), 0
        for _, line in self._lines:
            parts.append(line)
            got += len(line)
            if got >= want:
                break
        else:
            self.eof = True
        self.text = "".join(parts)
        return got > 0 or not self.eof

    def skip_ws(self) -> str:
        """Skip whitespace and return the next character ('' at end of input)."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _WS:
                self.pos += 1
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.more():
                return ""

    def where(self, index: int) -> tuple[int, int]:
        """Line and column of ``text[index]``."""
        line = self.line + self.text.count("\n", 0, index)
        col = index - (self.text.rfind("\n", 0, index) + 1) + 1
        return line, col


def _syntax_error(src: Source, buf: _Buffer, index: int, what: str) -> InputError:
    line, col = buf.where(index)
    return InputError(
        f"malformed JSON ({what} at column {col}); fix the file or convert it to JSON Lines",
        where=src.where(line),
    )


def read(src: Source, ctx) -> Iterator[Paper]:
    """Yield the papers of a JSON array (or of an object holding one)."""
    buf = _Buffer(src)
    first = buf.skip_ws()
    if first == "{":
        yield from _read_object(src, buf, ctx)
        return
    if first != "[":
        raise _syntax_error(src, buf, buf.pos, "expected '[' or '{'")
    buf.pos += 1
    decoder = json.JSONDecoder()
    expect_item = True
    while True:
        c = buf.skip_ws()
        if c == "":
            raise _syntax_error(src, buf, buf.pos, "the array is not closed with ']'")
        if c == "]":
            buf.pos += 1
            break
        if not expect_item:
            if c != ",":
                raise _syntax_error(src, buf, buf.pos, "expected ',' or ']'")
            buf.pos += 1
            expect_item = True
            continue
        start = buf.pos
        while True:
            try:
                record, end = decoder.raw_decode(buf.text, buf.pos)
            except json.JSONDecodeError as err:
                if buf.more():
                    start = buf.pos
                    continue
                raise _syntax_error(src, buf, err.pos, err.msg) from None
            except RecursionError:
                raise _syntax_error(src, buf, start, "nested too deeply") from None
            if end == len(buf.text) and buf.more():  # a number may go on
                start = buf.pos
                continue
            break
        line, _ = buf.where(start)
        buf.pos = end
        expect_item = False
        paper = record_to_paper(ctx, src.where(line), record)
        if paper is not None:
            yield paper
    if buf.skip_ws() != "":
        raise _syntax_error(src, buf, buf.pos, "text after the closing ']'")


def _read_object(src: Source, buf: _Buffer, ctx) -> Iterator[Paper]:
    while buf.more():
        pass
    try:
        doc = json.loads(buf.text[buf.pos :])
    except json.JSONDecodeError as err:
        raise _syntax_error(src, buf, buf.pos + err.pos, err.msg) from None
    except RecursionError:
        raise _syntax_error(src, buf, buf.pos, "nested too deeply") from None
    for key in LIST_KEYS:
        items = doc.get(key)
        if isinstance(items, list):
            for i, record in enumerate(items):
                paper = record_to_paper(ctx, src.where(f"{key}[{i}]"), record)
                if paper is not None:
                    yield paper
            return
    paper = record_to_paper(ctx, src.where(buf.where(buf.pos)[0]), doc)
    if paper is not None:
        yield paper
