"""JSON for ``<script>`` elements, written piece by piece.

:func:`script_json` turns a value into JSON text that is safe inside a
``<script>`` element. The data of a page drawn from a large graph is tens of
megabytes of such text, so :func:`iter_script_json` yields the same text in
pieces instead, and the values behind it can be made on demand:
:class:`LazyMapping` and :class:`LazySequence` compute each entry when it is
written, so at no time does the whole data exist in memory, neither as Python
objects nor as one string. ``"".join(iter_script_json(v)) == script_json(v)``
for every value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

_ENCODER = json.JSONEncoder(ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def script_json(value) -> str:
    """JSON that is safe inside ``<script>`` (and deterministic).

    ASCII only (so U+2028/U+2029 and lone surrogates are escaped), keys
    sorted, and ``<``, ``>``, ``&``, ``/`` and the colon of ``://`` escaped so
    no ``</script>``, ``<!--`` or URL (``https://...`` in an abstract) can
    appear in the page.

    >>> script_json({"t": "</script><!-- \u2028 https://x"})
    '{"t":"\\\\u003c\\\\/script\\\\u003e\\\\u003c!-- \\\\u2028 https\\\\u003a\\\\/\\\\/x"}'
    """
    return _escape(_ENCODER.encode(value))


def _escape(text: str) -> str:
    # Every replacement works on a whole JSON value or key: ``:\/\/`` can only
    # occur inside one string, as a structural colon is never followed by ``\``.
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("/", "\\/")
        .replace(":\\/\\/", "\\u003a\\/\\/")
    )


class LazyMapping(Mapping):
    """A read-only mapping whose values are computed by ``value_of(key)`` on access.

    Parameters
    ----------
    keys
        The keys (kept as given; :func:`iter_script_json` writes them sorted).
    value_of
        Called with a key each time its value is read; nothing is cached.
    """

    def __init__(self, keys: Iterable[str], value_of: Callable[[str], object]):
        self._keys = tuple(keys)
        self._index = None
        self._value_of = value_of

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, key: str):
        if self._index is None:
            self._index = frozenset(self._keys)
        if key not in self._index:
            raise KeyError(key)
        return self._value_of(key)

    def sorted_items(self) -> Iterator[tuple[str, object]]:
        """``(key, value)`` in key order, each value computed as it is reached."""
        for key in sorted(self._keys):
            yield key, self._value_of(key)


class LazySequence(Sequence):
    """A read-only sequence of ``length`` items computed by ``item(i)`` on access."""

    def __init__(self, length: int, item: Callable[[int], object]):
        self._length = length
        self._item = item

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(index)
        return self._item(index)

    def __iter__(self) -> Iterator:
        for i in range(self._length):
            yield self._item(i)


_LAZY = (LazyMapping, LazySequence)


def _holds_lazy(value) -> bool:
    """True for a dict (with str keys), list or tuple holding a lazy container at any depth."""
    if isinstance(value, dict):
        return all(isinstance(k, str) for k in value) and any(
            map(_is_or_holds_lazy, value.values())
        )
    if isinstance(value, (list, tuple)):
        return any(map(_is_or_holds_lazy, value))
    return False


def _is_or_holds_lazy(value) -> bool:
    return isinstance(value, _LAZY) or _holds_lazy(value)


def iter_script_json(value) -> Iterator[str]:
    """Yield :func:`script_json` of ``value`` in pieces.

    Lazy containers, and dicts and lists holding them, are written one entry
    at a time (mappings in sorted key order, as ``sort_keys`` does); every
    other value is one piece. Each entry of a lazy container is made, written
    and dropped before the next one is made.

    >>> v = {"a": LazySequence(2, lambda i: {"n": i}), "b": "</"}
    >>> "".join(iter_script_json(v)) == script_json({"a": [{"n": 0}, {"n": 1}], "b": "</"})
    True
    """
    if isinstance(value, LazyMapping):
        yield from _iter_object(value.sorted_items(), _iter_entry)
    elif isinstance(value, LazySequence):
        yield from _iter_array(value, _iter_entry)
    elif not _holds_lazy(value):
        yield script_json(value)
    elif isinstance(value, dict):
        yield from _iter_object(sorted(value.items()), iter_script_json)
    else:
        yield from _iter_array(value, iter_script_json)


def _iter_object(items: Iterable[tuple[str, object]], write_value) -> Iterator[str]:
    yield "{"
    for i, (key, item) in enumerate(items):
        yield ("," if i else "") + script_json(key) + ":"
        yield from write_value(item)
    yield "}"


def _iter_array(items: Iterable, write_item) -> Iterator[str]:
    yield "["
    for i, item in enumerate(items):
        if i:
            yield ","
        yield from write_item(item)
    yield "]"


def _iter_entry(item) -> Iterator[str]:
    """An entry of a lazy container: one piece unless it is, or holds, a lazy container.

    There are many entries, so instead of searching each one for lazy
    containers, encoding is tried and only a refusal leads to the search.
    """
    if isinstance(item, _LAZY):
        yield from iter_script_json(item)
        return
    try:
        text = script_json(item)
    except TypeError:
        yield from iter_script_json(item)
        return
    yield text
