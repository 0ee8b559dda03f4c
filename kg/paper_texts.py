"""Paper abstracts kept on disk, in ``extractions.jsonl``, instead of in the graph.

Abstracts are the largest part of a paper node (about a third of a build's
memory), and only the exporters read them, once each. A build writes every
extraction line through :meth:`PaperTexts.write`, which remembers where the
abstract's JSON string sits in the file (one integer per paper); exporters
get it back with :meth:`PaperTexts.abstract` (through
:func:`kg.graph.node_data`): one seek and one small read, no parse of the
whole line.

Examples
--------
>>> import io, json
>>> from kg.records import Extraction, Paper
>>> texts = PaperTexts("unused.jsonl")
>>> f = io.BytesIO()
>>> line = json.dumps(Extraction(Paper("p1", "T", "An abstract.")).to_dict(), sort_keys=True)
>>> texts.write(f, line)
>>> texts._file, texts._pid = f, __import__("os").getpid()
>>> texts.abstract("p1")
'An abstract.'
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kg.errors import KgError

#: Where the abstract starts in a line written with ``sort_keys=True``: keys
#: inside JSON strings have their quotes escaped, so this occurs only once.
_MARK = b'"paper": {"abstract": '
_LENGTH_BITS = 32


class PaperTexts:
    """Offsets of paper abstracts in an extractions file being written."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._where: dict[str, int] = {}  # paper id -> offset << 32 | length
        self._size = 0
        self._file = None
        self._pid = 0

    def write(self, f, line: str, paper_id: str | None = None) -> None:
        """Write one extraction ``line`` (JSON, sorted keys, no newline) to the
        binary file ``f`` and remember where its abstract is."""
        data = line.encode("utf-8") + b"\n"
        start = data.find(_MARK)
        if start >= 0:
            start += len(_MARK)
            end = _string_end(data, start)
            pid = paper_id if paper_id is not None else json.loads(line)["paper_id"]
            self._where[pid] = (self._size + start) << _LENGTH_BITS | (end - start)
        f.write(data)
        self._size += len(data)

    def __contains__(self, paper_id: str) -> bool:
        return paper_id in self._where

    def __len__(self) -> int:
        return len(self._where)

    def abstract(self, paper_id: str) -> str:
        """The abstract of ``paper_id``, read back from the file."""
        where = self._where[paper_id]
        f = self._open()
        f.seek(where >> _LENGTH_BITS)
        return json.loads(f.read(where & ((1 << _LENGTH_BITS) - 1)))

    def _open(self):
        if self._file is None or self._pid != os.getpid():  # a forked exporter opens its own
            try:
                self._file = open(self.path, "rb")  # noqa: SIM115 - kept open for many reads
            except OSError as exc:
                raise KgError(f"cannot read back {self.path}: {exc.strerror or exc}") from exc
            self._pid = os.getpid()
        return self._file

    def close(self) -> None:
        if self._file is not None and self._pid == os.getpid():
            self._file.close()
        self._file = None


def _string_end(data: bytes, start: int) -> int:
    """Index just after the JSON string literal starting at ``data[start]``."""
    i = start + 1
    while True:
        i = data.index(b'"', i)
        backslashes = 0
        j = i - 1
        while data[j] == 0x5C:  # backslash
            backslashes += 1
            j -= 1
        if backslashes % 2 == 0:
            return i + 1
        i += 1
