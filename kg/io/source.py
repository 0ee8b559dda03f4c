"""Open one input (a path or ``-`` for stdin) as a stream of checked text lines.

:class:`Source` is the only place that touches input bytes. It reads a small
head for format detection, rejects file-level problems early (missing path,
directory, empty file, binary content, UTF-16, bytes that are not UTF-8) and
then yields lines one at a time, so no reader ever holds a whole file in
memory. A UTF-8 byte-order mark and CRLF line ends are accepted.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.errors import InputError

#: Bytes read up front for detection and early checks.
HEAD_SIZE = 64 * 1024

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
    def raw_lines(self) -> Iterator[bytes]:
        """Every line as bytes, line end included, from the start of the input."""
        if self._seekable:
            self._stream.seek(0)
            yield from self._stream
            return
        parts = self.head.split(b"\n")
        for part in parts[:-1]:
            yield part + b"\n"
        rest = parts[-1] + self._stream.readline()
        if rest:
            yield rest
        yield from self._stream

    def lines(self, keepends: bool = False) -> Iterator[tuple[int, str]]:
        """Yield ``(line_number, text)`` for every line (1-based).

        The BOM is dropped; ``\\r\\n`` and ``\\n`` are removed unless
        ``keepends``. A NUL byte or invalid UTF-8 raises :class:`InputError`
        naming the line and the byte offset.
        """
        offset = 0
        for lineno, raw in enumerate(self.raw_lines(), start=1):
            if lineno == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
                offset += len(BOM)
            nul = raw.find(b"\x00")
            if nul >= 0:
                raise _binary(self.where(lineno), offset + nul)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise _not_utf8(self.where(lineno), raw[err.start], offset + err.start) from None
            offset += len(raw)
            if not keepends:
                text = text.rstrip("\n")
                if text.endswith("\r"):
                    text = text[:-1]
            yield lineno, text


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
