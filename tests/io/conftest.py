"""Fixtures of the reader tests: the fixture folder and helpers to write bad inputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


class LazyStream(io.RawIOBase):
    """A non-seekable byte stream of ``head + item * count + tail`` made on demand.

    ``bytes_read`` tells how much a reader actually pulled, so tests can show
    that the first paper comes out without reading the whole input.
    """

    def __init__(self, head: bytes, item: bytes, count: int, tail: bytes = b""):
        self._parts = self._generate(head, item, count, tail)
        self._pending = b""
        self.bytes_read = 0
        self.total = len(head) + len(item) * count + len(tail)

    @staticmethod
    def _generate(head, item, count, tail):
        yield head
        for _ in range(count):
            yield item
        yield tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending:
            try:
                self._pending = next(self._parts)
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self.bytes_read += n
        return n


@pytest.fixture
def lazy_stream():
    return LazyStream
