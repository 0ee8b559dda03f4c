"""Open one input (a path or ``-`` for stdin) as a stream of checked text lines.

:class:`Source` is the only place that touches input bytes. It reads a small
head for format detection, rejects file-level problems early (missing path,
directory, empty file, binary content, UTF-16, bytes that are not UTF-8) and
then yields lines one at a time (or pieces of at most :data:`PIECE_SIZE` bytes
of a line, see :meth:`Source.pieces`), so no reader ever holds a whole file in
memory, and with ``max_bytes`` not even one overlong line. A UTF-8
byte-order mark and CRLF line ends are accepted.
"""

from __future__ import annotations

import codecs
import functools
import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError

#: Bytes read up front for detection and early checks.
HEAD_SIZE = 64 * 1024

#: Most bytes read from the input at a time (a longer line is read in pieces).
PIECE_SIZE = 1024 * 1024

BOM = b"\xef\xbb\xbf"

_MAGIC = (
    (b"\x1f\x8b", "a gzip archive; decompress it first (gunzip)"),
    (b"PK\x03\x04", "a zip archive (or .docx/.xlsx); extract or export it as text first"),
    (b"%PDF", "a PDF; kg reads titles and abstracts as text, JSONL, JSON, CSV/TSV or arXiv Atom"),
    (b"\xff\xfe", "UTF-16 text; re-encode it as UTF-8 (e.g. iconv -f utf-16 -t utf-8)"),
    (b"\xfe\xff", "UTF-16 text; re-encode it as UTF-8 (e.g. iconv -f utf-16 -t utf-8)"),
)

_REENCODE = "re-encode the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 IN > OUT)"


def _not_utf8(where: str, byte: int, offset: int) -> InputError:
    return InputError(
        f"not UTF-8: byte 0x{byte:02x} at byte offset {offset} cannot be decoded; {_REENCODE}",
        where=where,
    )


def _binary(where: str, offset: int) -> InputError:
    return InputError(
        f"binary content (NUL byte at byte offset {offset}); give a UTF-8 text file", where=where
    )


class Source:
    """One opened input: ``name`` for messages, ``suffix`` and ``head`` bytes for detection,
    ``format`` once detected.

    Use as a context manager; :meth:`lines` streams the decoded lines.
    """

    def __init__(self, name: str, stream: BinaryIO, suffix: str = "", close: bool = True):
        self.name = name
        self.suffix = suffix.lower()
        self.format: str | None = None  # set by read_papers once known
        self._stream = stream
        self._close = close
        self._seekable = _is_seekable(stream)
        self.head = stream.read(HEAD_SIZE)
        self._check_head()

    # -- context manager -------------------------------------------------
    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._close:
            self._stream.close()

    # -- checks ------------------------------------------------------------
    def where(self, line: int | None = None) -> str:
        """``name:line`` (or just ``name``) for messages and ``Paper.source``."""
        return f"{self.name}:{line}" if line is not None else self.name

    @property
    def head_text(self) -> str:
        """The head decoded (BOM dropped, a split final character replaced)."""
        head = self.head[len(BOM) :] if self.head.startswith(BOM) else self.head
        return head.decode("utf-8", errors="replace")

    def _check_head(self) -> None:
        head = self.head
        for magic, what in _MAGIC:
            if head.startswith(magic):
                raise InputError(f"this is {what}", where=self.name)
        body = head[len(BOM) :] if head.startswith(BOM) else head
        if not body.strip():
            if len(head) < HEAD_SIZE:
                raise InputError(
                    "the file is empty; give a file with paper titles and abstracts",
                    where=self.name,
                )
        nul = head.find(b"\x00")
        if nul >= 0:
            line = head.count(b"\n", 0, nul) + 1
            raise _binary(self.where(line), nul)
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as err:
            truncated = err.reason == "unexpected end of data" and len(head) == HEAD_SIZE
            if not truncated:
                line = head.count(b"\n", 0, err.start) + 1
                raise _not_utf8(self.where(line), head[err.start], err.start) from None

    # -- streaming -----------------------------------------------------------
    def raw_pieces(self, size: int = PIECE_SIZE) -> Iterator[bytes]:
        """The input as bytes from its start, cut after every line end and after at most
        ``size`` bytes: a short line is one piece, a long line several; never more than
        ``size`` bytes are held, however long a line is."""
        if self._seekable:
            self._stream.seek(0)
            head = b""
        else:
            head = self.head
        start, rest = 0, b""
        while start < len(head):
            end = head.find(b"\n", start, start + size)
            if end >= 0:
                yield head[start : end + 1]
                start = end + 1
            elif len(head) - start >= size:
                yield head[start : start + size]
                start += size
            else:
                rest = head[start:]
                break
        readline = self._stream.readline
        if rest:
            yield rest + readline(size - len(rest))
        yield from iter(functools.partial(readline, size), b"")

    def _decoded(self, size: int) -> Iterator[tuple[int, str, int, bool]]:
        """``(line_number, text, byte_count, ends_line)`` per piece of :meth:`raw_pieces`.

        A character cut by a piece boundary is carried to the next piece; a NUL
        byte or invalid UTF-8 raises :class:`InputError` with the line and the byte offset.
        """
        lineno, offset, carry = 1, 0, b""
        decode = codecs.utf_8_decode
        for raw in self.raw_pieces(size):
            if offset == 0 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
                offset = len(BOM)
            if b"\x00" in raw:
                raise _binary(self.where(lineno), offset + raw.find(b"\x00"))
            data = carry + raw if carry else raw
            ends_line = raw[-1:] == b"\n"
            try:
                text, used = decode(data, "strict", ends_line)
            except UnicodeDecodeError as err:
                bad = offset - len(carry) + err.start
                raise _not_utf8(self.where(lineno), data[err.start], bad) from None
            carry = data[used:] if used < len(data) else b""
            n = len(raw)
            offset += n
            yield lineno, text, n, ends_line
            if ends_line:
                lineno += 1
        if carry:
            raise _not_utf8(self.where(lineno), carry[0], offset - len(carry))

    def pieces(self, size: int = PIECE_SIZE) -> Iterator[tuple[int, str]]:
        """Yield ``(line_number, text)`` pieces of the decoded input, each within one line
        and at most ``size`` bytes long (a longer line comes in several pieces).

        For readers that must not hold a whole line (JSON, XML); checked like :meth:`lines`.
        """
        for lineno, text, _, _ in self._decoded(size):
            if text:
                yield lineno, text

    def lines(
        self,
        keepends: bool = False,
        max_bytes: int | None = None,
        on_long: Callable[[int, int], None] | None = None,
    ) -> Iterator[tuple[int, str]]:
        """Yield ``(line_number, text)`` for every line (1-based).

        The BOM is dropped; ``\\r\\n`` and ``\\n`` are removed unless
        ``keepends``. A NUL byte or invalid UTF-8 raises :class:`InputError`
        naming the line and the byte offset.

        A line over ``max_bytes`` bytes is never held in memory: it is read
        through and dropped, and ``on_long(line_number, size)`` is called
        instead (by default an :class:`InputError` is raised).
        """
        parts: list[str] = []
        size = 0
        too_long = False
        limit = max_bytes if max_bytes is not None else float("inf")
        for lineno, text, nbytes, ends_line in self._decoded(PIECE_SIZE):
            if ends_line and not parts and not too_long and nbytes <= limit:  # the usual line
                if not keepends:
                    text = text[:-2] if text[-2:] == "\r\n" else text[:-1]
                yield lineno, text
                continue
            size += nbytes
            if max_bytes is not None and size > max_bytes:
                too_long, parts = True, []
            elif ends_line and not parts:
                parts = [text]
            else:
                parts.append(text)
            if not ends_line:
                continue
            if too_long:
                self._long(lineno, size, max_bytes, on_long)
            else:
                yield lineno, self._finish("".join(parts) if len(parts) > 1 else parts[0], keepends)
            parts, size, too_long = [], 0, False
        if too_long:
            self._long(lineno, size, max_bytes, on_long)
        elif parts:
            yield lineno, self._finish("".join(parts), keepends)

    def _long(self, lineno: int, size: int, max_bytes, on_long) -> None:
        if on_long is not None:
            on_long(lineno, size)
            return
        raise InputError(
            f"line of {size:,} bytes, over the limit of {max_bytes:,}", where=self.where(lineno)
        )

    @staticmethod
    def _finish(text: str, keepends: bool) -> str:
        if not keepends:
            text = text.rstrip("\n")
            if text.endswith("\r"):
                text = text[:-1]
        return text


def _is_seekable(stream) -> bool:
    try:
        return bool(stream.seekable()) and stream.tell() == 0
    except (OSError, ValueError, AttributeError):
        return False


def open_source(path: str | Path) -> Source:
    """Open ``path`` (``-`` = stdin) as a :class:`Source`; raise :class:`InputError` if unusable."""
    if str(path) == "-":
        stdin = sys.stdin
        stream = getattr(stdin, "buffer", None)
        if stream is None:  # a replaced text-only stdin (tests, embedding)
            stream = io.BytesIO(stdin.read().encode("utf-8"))
        return Source("<stdin>", stream, "", close=False)
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError("no such file; check the path", where=name)
    if p.is_dir():
        raise InputError("is a directory; give the input files inside it", where=name)
    try:
        stream = p.open("rb")
    except OSError as err:
        msg = f"cannot be read ({err.strerror}); check its permissions"
        raise InputError(msg, where=name) from None
    try:
        return Source(name, stream, p.suffix)
    except BaseException:
        stream.close()
        raise
