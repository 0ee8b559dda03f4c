"""Reader for a JSON document: an array of paper objects.

The array is decoded one item at a time from a growing text buffer
(:meth:`json.JSONDecoder.raw_decode`), so a large file is never held in
memory whole. Items that are not objects, or lack a title or abstract, are
skipped and counted; a syntax error ends the file (the rest of an array
cannot be found reliably) and raises :class:`~kg.errors.InputError` with the
line and column.

A top-level object works too: the first member named ``papers``, ``data``,
``items``, ``records``, ``entries`` or ``results`` that holds an array is
streamed the same way; an object without one is read as a single paper.
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


def _value(src: Source, buf: _Buffer, decoder: json.JSONDecoder) -> tuple[object, int]:
    """Decode the value at ``buf.pos``; return it and its line; leave ``pos`` after it."""
    while True:
        start = buf.pos
        try:
            value, end = decoder.raw_decode(buf.text, buf.pos)
        except json.JSONDecodeError as err:
            if buf.more():
                continue
            raise _syntax_error(src, buf, err.pos, err.msg) from None
        except RecursionError:
            raise _syntax_error(src, buf, start, "nested too deeply") from None
        except ValueError as err:  # e.g. an integer with more than 4300 digits
            raise _syntax_error(src, buf, start, str(err).split(":")[0]) from None
        if end == len(buf.text) and buf.more():  # a number may go on
            continue
        line, _ = buf.where(start)
        buf.pos = end
        return value, line


def _items(src: Source, buf: _Buffer, decoder: json.JSONDecoder) -> Iterator[tuple[int, object]]:
    """Yield ``(line, item)`` of the array that starts at ``buf.pos``; stop after its ``]``."""
    buf.pos += 1  # the '['
    expect_item = True
    while True:
        c = buf.skip_ws()
        if c == "":
            raise _syntax_error(src, buf, buf.pos, "the array is not closed with ']'")
        if c == "]":
            buf.pos += 1
            return
        if not expect_item:
            if c != ",":
                raise _syntax_error(src, buf, buf.pos, "expected ',' or ']'")
            buf.pos += 1
            expect_item = True
            continue
        value, line = _value(src, buf, decoder)
        expect_item = False
        yield line, value


def _papers(src: Source, buf: _Buffer, decoder, ctx) -> Iterator[Paper]:
    for line, record in _items(src, buf, decoder):
        paper = record_to_paper(ctx, src.where(line), record)
        if paper is not None:
            yield paper


def read(src: Source, ctx) -> Iterator[Paper]:
    """Yield the papers of a JSON array (or of an object holding one)."""
    buf = _Buffer(src)
    decoder = json.JSONDecoder()
    first = buf.skip_ws()
    if first == "[":
        yield from _papers(src, buf, decoder, ctx)
    elif first == "{":
        yield from _read_object(src, buf, decoder, ctx)
    else:
        raise _syntax_error(src, buf, buf.pos, "expected '[' or '{'")
    if buf.skip_ws() != "":
        raise _syntax_error(
            src, buf, buf.pos, f"text after the closing '{'}' if first == '{' else ']'}'"
        )


def _read_object(src: Source, buf: _Buffer, decoder, ctx) -> Iterator[Paper]:
    """Stream the first array under one of :data:`LIST_KEYS`, else read the object as a paper."""
    object_line, _ = buf.where(buf.pos)
    buf.pos += 1  # the '{'
    members: dict = {}
    streamed = False
    expect_member = True
    while True:
        c = buf.skip_ws()
        if c == "":
            raise _syntax_error(src, buf, buf.pos, "the object is not closed with '}'")
        if c == "}":
            buf.pos += 1
            break
        if not expect_member:
            if c != ",":
                raise _syntax_error(src, buf, buf.pos, "expected ',' or '}'")
            buf.pos += 1
            expect_member = True
            continue
        if c != '"':
            raise _syntax_error(src, buf, buf.pos, "expected a member name in double quotes")
        key, _ = _value(src, buf, decoder)
        if buf.skip_ws() != ":":
            raise _syntax_error(src, buf, buf.pos, "expected ':'")
        buf.pos += 1
        if buf.skip_ws() == "[" and not streamed and key in LIST_KEYS:
            streamed = True
            yield from _papers(src, buf, decoder, ctx)
        else:
            members[key], _ = _value(src, buf, decoder)
        expect_member = False
    if not streamed:
        paper = record_to_paper(ctx, src.where(object_line), members)
        if paper is not None:
            yield paper
