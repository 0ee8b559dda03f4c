"""Reader for a JSON document: an array of paper objects.

The array is decoded one item at a time from a text buffer that holds about
one item (:meth:`json.JSONDecoder.raw_decode` over pieces of the input), so
neither a large file nor a long line is held in memory whole, and time is
linear in the input, one-line files included. An item over
``ReadContext.max_record_bytes`` characters ends the file with an error (it
cannot be skipped without reading it). Items that are not objects, or lack a title or abstract, are
skipped and counted; a syntax error ends the file (the rest of an array
cannot be found reliably) and raises :class:`~kg.errors.InputError` with the
line and column.

A top-level object works too: the first member named ``papers``, ``data``,
``items``, ``records``, ``entries`` or ``results`` that holds an array is
streamed the same way; an object without one is read as a single paper.
Members before the array that cannot be paper fields are decoded and
dropped, so any number of them costs no memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.errors import InputError
from kg.io.common import field_names, norm_key
from kg.io.jsonl import record_to_paper
from kg.io.source import Source
from kg.records import Paper

#: Keys of a top-level object that may hold the list of papers.
LIST_KEYS = ("papers", "data", "items", "records", "entries", "results")

_CHUNK = 64 * 1024
_WS = " \t\r\n"


class _Buffer:
    """Text of the input read so far but not consumed, with its line number.

    Consumed text is dropped on every :meth:`more`, and line numbers are
    counted once per character, so one-line files are read in linear time
    and bounded memory.
    """

    def __init__(self, src: Source):
        self._pieces = src.pieces(_CHUNK)
        self.text = ""
        self.pos = 0
        self.line = 1  # line number of text[0]
        self.col = 0  # column (0-based) of text[0]
        self.eof = False
        self._mark = (0, 1)  # an index of text whose line number is known

    def more(self) -> bool:
        """Read at least as much again as is buffered; False at end of input."""
        if self.eof:
            return False
        consumed = self.text.count("\n", 0, self.pos)
        if consumed:
            self.line += consumed
            self.col = self.pos - self.text.rfind("\n", 0, self.pos) - 1
        else:
            self.col += self.pos
        parts = [self.text[self.pos :]]
        self.pos = 0
        want, got = max(_CHUNK, len(parts[0])), 0
        for _, piece in self._pieces:
            parts.append(piece)
            got += len(piece)
            if got >= want:
                break
        else:
            self.eof = True
        self.text = "".join(parts)
        self._mark = (0, self.line)
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

    def line_of(self, index: int) -> int:
        """Line number of ``text[index]`` (cheap for increasing indexes)."""
        mark, line = self._mark
        if index < mark:
            mark, line = 0, self.line
        line += self.text.count("\n", mark, index)
        self._mark = (index, line)
        return line

    def where(self, index: int) -> tuple[int, int]:
        """Line and column of ``text[index]`` (for messages only)."""
        nl = self.text.rfind("\n", 0, index)
        col = index - nl if nl >= 0 else self.col + index + 1
        return self.line_of(index), col


def _syntax_error(src: Source, buf: _Buffer, index: int, what: str) -> InputError:
    line, col = buf.where(index)
    return InputError(
        f"malformed JSON ({what} at column {col}); fix the file or convert it to JSON Lines",
        where=src.where(line),
    )


def _incomplete(err: json.JSONDecodeError, text: str) -> bool:
    """Whether a decode error may only mean that the value goes on past the buffer."""
    return err.msg.startswith("Unterminated string") or err.pos >= len(text) - 12


def _value(src: Source, buf: _Buffer, decoder: json.JSONDecoder, limit: int) -> tuple[object, int]:
    """Decode the value at ``buf.pos``; return it and its line; leave ``pos`` after it.

    A value longer than ``limit`` characters is refused before it is held whole.
    """
    while True:
        start = buf.pos
        try:
            value, end = decoder.raw_decode(buf.text, buf.pos)
        except json.JSONDecodeError as err:
            if _incomplete(err, buf.text):
                if len(buf.text) - start > limit:
                    raise _too_big(src, buf, start, limit) from None
                if buf.more():
                    continue
            raise _syntax_error(src, buf, err.pos, err.msg) from None
        except RecursionError:
            raise _syntax_error(src, buf, start, "nested too deeply") from None
        except ValueError as err:  # e.g. an integer with more than 4300 digits
            raise _syntax_error(src, buf, start, str(err).split(":")[0]) from None
        if end == len(buf.text) and buf.more():  # a number may go on
            continue
        line = buf.line_of(start)
        buf.pos = end
        return value, line


def _too_big(src: Source, buf: _Buffer, start: int, limit: int) -> InputError:
    return InputError(
        f"a JSON value over {limit:,} characters starts here; the rest of the file cannot be "
        "read without it: split the file or convert it to JSON Lines",
        where=src.where(buf.line_of(start)),
    )


def _items(
    src: Source, buf: _Buffer, decoder: json.JSONDecoder, limit: int
) -> Iterator[tuple[int, object]]:
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
        value, line = _value(src, buf, decoder, limit)
        expect_item = False
        yield line, value


def _papers(src: Source, buf: _Buffer, decoder, ctx) -> Iterator[Paper]:
    for line, record in _items(src, buf, decoder, ctx.max_record_bytes):
        paper = record_to_paper(ctx, src.where(line), record)
        if paper is not None:
            yield paper


class _FieldKeys:
    """``key in _FieldKeys()``: whether a member name may be a paper field (see
    :func:`kg.io.common.map_fields`)."""

    def __init__(self):
        self._names = {alias for aliases in field_names().values() for alias in aliases}

    def __contains__(self, key) -> bool:
        return isinstance(key, str) and norm_key(key) in self._names


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
    wanted = _FieldKeys()
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
        key, _ = _value(src, buf, decoder, ctx.max_record_bytes)
        if buf.skip_ws() != ":":
            raise _syntax_error(src, buf, buf.pos, "expected ':'")
        buf.pos += 1
        if buf.skip_ws() == "[" and not streamed and key in LIST_KEYS:
            streamed = True
            yield from _papers(src, buf, decoder, ctx)
        else:
            value, _ = _value(src, buf, decoder, ctx.max_record_bytes)
            if key in wanted:  # the others cannot be paper fields: not kept
                members[key] = value
        expect_member = False
    if not streamed:
        paper = record_to_paper(ctx, src.where(object_line), members)
        if paper is not None:
            yield paper
