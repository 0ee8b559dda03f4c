"""Push the graph to Neo4j over Bolt with batched, parameterised ``MERGE``.

:func:`push` writes the property graph of :mod:`kg.export.cypher` with the
official ``neo4j`` driver:

1. uniqueness constraints on ``id`` for every label (Neo4j 5 syntax), or a
   plain index per label on servers without constraints (FalkorDB);
2. nodes, then relationships, as ``UNWIND $rows AS row MERGE ...``: one
   managed write transaction per batch (``session.execute_write`` retries
   transient errors). Labels and types come from fixed tables; every value
   travels as a query parameter. Rows are made from the graph batch by
   batch (:class:`Rows`), so memory stays flat however big the graph is.

Pushing is idempotent and accumulates provenance: entity ``aliases``,
``papers`` and ``introducedBy`` become the union of what the server had and
what is pushed; a relationship's claim lists keep the claims of other papers
and replace those of the pushed papers, and ``support``/``confidence`` are
recomputed. Pushing the same graph twice changes nothing; pushing a second
corpus merges into the same nodes and relationships.

FalkorDB's Bolt endpoint (used by the tests) differs from Neo4j in ways the
push detects and works around: it splices parameters into the query text
unescaped (so strings are pre-escaped for it) and it crashes on statements
over about 4 KB, so batches are cut by size, and a row too big for one
statement (an entity in hundreds of papers, a relationship with hundreds of
claims) is cut into pieces (:func:`split_row`): each piece carries the row's
scalar values and one index range of all its lists, and is written in its
own statement. Entity lists are unions and claim lists replace the pieces'
papers, so the pieces add up to the whole list in the graph's order, and a
second push of them changes nothing; a paper's ``authors`` are set from the
first piece and appended by the others (:data:`PAPER_APPEND_QUERY`). Only a
single string that cannot fit even alone is shortened (ending in "…"),
counted in :attr:`PushSummary.truncated`. Neo4j gets one row per node or
relationship, in batches of ``batch_size`` rows.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import socket
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import networkx as nx

from kg.errors import ExportError
from kg.export.cypher import (
    CLAIM_LISTS,
    ENTITY_LABEL,
    NODE_LABELS,
    PAPER_LABEL,
    RelationshipGroup,
    constraint_statements,
    expected_counts,
    index_statement,
    iter_group,
    iter_nodes,
    relationship_groups,
)

#: connection_settings() key -> environment variable used when it is not given.
ENV_VARS = {
    "uri": "NEO4J_URI",
    "user": "NEO4J_USERNAME",
    "password": "NEO4J_PASSWORD",
    "database": "NEO4J_DATABASE",
}

#: Seconds to wait for a connection (and its Bolt handshake).
CONNECTION_TIMEOUT = 10.0
#: Connection attempts before giving up (FalkorDB loses the handshake of the
#: first connection after another client disconnects).
CONNECT_ATTEMPTS = 2

#: FalkorDB crashes on a statement (query text + spliced parameters) of 4 KiB or more.
FALKORDB_STATEMENT_LIMIT = 4096
_FALKORDB_MARGIN = 160

#: URI schemes of the Bolt protocol (the driver's http:// preview is not used).
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

NEO4J = "neo4j"
FALKORDB = "falkordb"

#: A backslash followed by b: Neo4j returns it unchanged, FalkorDB as a backspace.
_PROBE = "kg\\b"
#: Bolt magic and four version proposals (5.7-5.0, 4.4-4.2, 4.1, 3).
_BOLT_HANDSHAKE = bytes.fromhex("6060B01700070705000204040000010400000003")


# --- settings and summary ----------------------------------------------------------


def connection_settings(uri=None, user=None, password=None, database=None) -> dict:
    """Connection settings with ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``
    and ``NEO4J_DATABASE`` filling in what is not given.

    Returns a dict with keys ``uri``, ``user``, ``password``, ``database``
    (``None`` where neither gives a value), ready for ``push(graph, **settings)``.

    Examples
    --------
    >>> connection_settings("bolt://h:7687", database="kg")["database"]
    'kg'
    """
    given = {"uri": uri, "user": user, "password": password, "database": database}
    settings = {}
    for key, value in given.items():
        if value is None or value == "":
            value = os.environ.get(ENV_VARS[key]) or None
        settings[key] = value
    return settings


@dataclass
class PushSummary:
    """What a push wrote: rows sent per label and type, and what the server changed."""

    uri: str
    database: str | None = None
    server: str = NEO4J
    schema: str = "constraints"
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    batches: int = 0
    truncated: int = 0
    seconds: float = 0.0

    def format_text(self) -> str:
        """A short human-readable report."""
        nodes = ", ".join(f"{k} {v}" for k, v in self.nodes.items()) or "none"
        rels = ", ".join(f"{k} {v}" for k, v in self.relationships.items()) or "none"
        where = self.uri + (f" (database {self.database})" if self.database else "")
        lines = [
            f"pushed to {where} [{self.server}, {self.schema}] in {self.seconds:.1f}s, "
            f"{self.batches} batches",
            f"  nodes: {nodes}",
            f"  relationships: {rels}",
            f"  created {self.nodes_created} nodes and {self.relationships_created} "
            f"relationships; set {self.properties_set} properties",
        ]
        if self.truncated:
            lines.append(f"  shortened {self.truncated} values too long for this server")
        return "\n".join(lines)


# --- errors -------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:300]


def _reason(exc: Exception) -> str:
    """The short cause of a connection failure."""
    text = _one_line(exc)
    match = re.search(r"reason (\[Errno[^\]]*\] )?([^)]+)\)", text)
    if match:
        return match.group(2).strip().lower()
    if "handshake" in text.lower() or "timed out" in text.lower():
        return "no Bolt answer before the timeout"
    return text


def _connect_error(exc: Exception, uri: str, user: str | None, database: str | None):
    from neo4j import exceptions as nx_exc

    code = getattr(exc, "code", None) or ""
    if isinstance(exc, nx_exc.AuthError) or "Security.Unauthorized" in code:
        return ExportError(
            f"Neo4j at {uri} rejected the login of user {user or 'neo4j'!r}: check "
            "--neo4j-user/--neo4j-password (or NEO4J_USERNAME/NEO4J_PASSWORD)"
        )
    if "DatabaseNotFound" in code:
        return ExportError(
            f"database {database!r} does not exist on {uri}: create it or pass another "
            "--neo4j-database (or unset NEO4J_DATABASE for the default one)"
        )
    if isinstance(exc, (nx_exc.ServiceUnavailable, nx_exc.SessionExpired, OSError)):
        return ExportError(
            f"cannot reach a Neo4j server at {uri} ({_reason(exc)}): check --neo4j-uri "
            "and that the server is running"
        )
    return ExportError(
        f"Neo4j at {uri} refused the connection ({_one_line(exc)}): check the user, "
        "password and database"
    )


# --- connection ---------------------------------------------------------------------


def _escape_falkordb(value):
    """Pre-escape strings for FalkorDB, which splices parameters into the query
    inside single quotes and then reads backslash escapes."""
    if isinstance(value, str):
        return value.replace("\x00", "").replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, list):
        return [_escape_falkordb(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape_falkordb(v) for k, v in value.items()}
    return value


class BoltSession:
    """A driver bound to one database, aware of the server's quirks.

    Use :func:`connect` to make one. :meth:`write` runs a statement in a
    managed write transaction and returns its counters; :meth:`read` returns
    the records as dicts.
    """

    def __init__(self, driver, uri: str, database: str | None, server: str):
        self.driver = driver
        self.uri = uri
        self.database = database
        self.server = server

    def _params(self, params: dict | None) -> dict:
        params = dict(params or {})
        return _escape_falkordb(params) if self.server == FALKORDB else params

    def write(self, query: str, params: dict | None = None) -> dict:
        """Run ``query`` in a write transaction; return the summary counters as a dict."""
        params = self._params(params)

        def work(tx):
            return tx.run(query, params).consume().counters

        with self.driver.session(database=self.database) as session:
            counters = session.execute_write(work)
        return {
            "nodes_created": counters.nodes_created,
            "relationships_created": counters.relationships_created,
            "properties_set": counters.properties_set,
        }

    def read(self, query: str, params: dict | None = None) -> list[dict]:
        """Run ``query`` in a read transaction; return its records as dicts."""
        params = self._params(params)

        def work(tx):
            return [record.data() for record in tx.run(query, params)]

        with self.driver.session(database=self.database) as session:
            return session.execute_read(work)

    def close(self) -> None:
        self.driver.close()
        if self.server == FALKORDB:
            _absorb_lost_handshake(self.uri)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _absorb_lost_handshake(uri: str) -> None:
    """Work around a FalkorDB bug: after a client says goodbye, the server drops the
    handshake of the next connection (which then waits for the timeout). Sending
    one throwaway handshake right away takes that loss instead."""
    parts = urlsplit(uri)
    with contextlib.suppress(OSError, ValueError):
        with socket.create_connection((parts.hostname, parts.port or 7687), timeout=1) as sock:
            sock.sendall(_BOLT_HANDSHAKE)


def _probe(driver, database: str | None) -> str:
    """Run a trivial query; return which server dialect answered."""
    from neo4j import exceptions as nx_exc

    last: Exception | None = None
    for _ in range(CONNECT_ATTEMPTS):
        try:
            with driver.session(database=database) as session:
                record = session.run("RETURN $probe AS probe", {"probe": _PROBE}).single()
            return NEO4J if record["probe"] == _PROBE else FALKORDB
        except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
            last = exc
            if "refused" in str(exc).lower():
                break
    raise last


def _quiet_driver_log() -> None:
    """Keep the driver's retry warnings off stderr unless logging is configured."""
    logger = logging.getLogger("neo4j")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())


def connect(uri=None, user=None, password=None, database=None) -> BoltSession:
    """Open a :class:`BoltSession` (settings default to the ``NEO4J_*`` variables).

    Raises :class:`~kg.errors.ExportError` with one line for a missing or bad
    URI, an unreachable server, a rejected login or a missing database.
    """
    settings = connection_settings(uri, user, password, database)
    uri, user, password, database = (settings[k] for k in ("uri", "user", "password", "database"))
    if not uri:
        raise ExportError(
            "no Neo4j server given: pass --neo4j-uri bolt://HOST:7687 or set NEO4J_URI"
        )
    try:
        from neo4j import GraphDatabase
        from neo4j import exceptions as nx_exc
    except ImportError as exc:  # pragma: no cover - neo4j is a dependency
        raise ExportError("the neo4j driver is not installed: pip install neo4j") from exc
    scheme = urlsplit(uri).scheme
    if scheme not in BOLT_SCHEMES:
        raise ExportError(
            f"invalid Neo4j URI {uri!r}: use one of {', '.join(BOLT_SCHEMES)}, "
            "e.g. bolt://localhost:7687"
        )
    _quiet_driver_log()
    auth = (user or "neo4j", password or "") if (user or password) else None
    try:
        driver = GraphDatabase.driver(
            uri,
            auth=auth,
            connection_timeout=CONNECTION_TIMEOUT,
            connection_acquisition_timeout=CONNECTION_TIMEOUT,
            user_agent="kg",
        )
    except (ValueError, nx_exc.ConfigurationError) as exc:
        raise ExportError(
            f"invalid Neo4j URI {uri!r} ({_one_line(exc)}): use bolt://HOST:7687 or neo4j://HOST:7687"
        ) from exc
    try:
        server = _probe(driver, database)
    except (nx_exc.Neo4jError, nx_exc.DriverError, OSError) as exc:
        driver.close()
        raise _connect_error(exc, uri, user, database) from exc
    return BoltSession(driver, uri, database, server)


# --- schema -------------------------------------------------------------------------


def ensure_schema(session: BoltSession) -> str:
    """Create uniqueness constraints on ``id`` (or indexes where the server has no
    constraints). Returns ``"constraints"``, ``"indexes"`` or ``"none"``."""
    from neo4j.exceptions import Neo4jError

    try:
        for statement in constraint_statements():
            session.write(statement)
        return "constraints"
    except Neo4jError:
        pass
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


# --- statements ---------------------------------------------------------------------


def _union(prop: str) -> str:
    """``<prop>``: the server's list with the row's new items appended."""
    return (
        f"reduce(acc = coalesce(n.{prop}, []), x IN row.{prop} | "
        f"CASE WHEN x IN acc THEN acc ELSE acc + x END) AS {prop}"
    )


PAPER_QUERY = f"UNWIND $rows AS row MERGE (n:{PAPER_LABEL} {{id: row.id}}) SET n += row"
#: Appends the ``authors`` of a later piece of a paper row that was cut (see :func:`split_row`).
PAPER_APPEND_QUERY = (
    f"UNWIND $rows AS row MATCH (n:{PAPER_LABEL} {{id: row.id}}) "
    "SET n.authors = coalesce(n.authors, []) + row.authors"
)

_ENTITY_LISTS = ("aliases", "papers", "introducedBy")


def entity_query(label: str) -> str:
    """MERGE entities of one label; list properties become unions.

    Derived values are computed before the ``SET`` (FalkorDB does not read back
    properties set earlier in the same statement on a node it just created).
    """
    if label not in NODE_LABELS or label in (PAPER_LABEL, ENTITY_LABEL):
        raise ValueError(f"not an entity label: {label!r}")
    unions = ", ".join(_union(p) for p in _ENTITY_LISTS)
    sets = ", ".join(f"n.{p} = {p}" for p in _ENTITY_LISTS)
    return (
        f"UNWIND $rows AS row MERGE (n:{ENTITY_LABEL}:{label} {{id: row.id}}) "
        f"WITH n, row, {unions} "
        f"SET n.name = coalesce(n.name, row.name), n.type = row.type, {sets}, "
        "n.paperCount = size(papers)"
    )


def _match_ends(rtype: str, head_label: str) -> str:
    return (
        f"UNWIND $rows AS row MATCH (a:{head_label} {{id: row.start}}) "
        f"MATCH (b:{ENTITY_LABEL} {{id: row.end}}) MERGE (a)-[r:{rtype}]->(b)"
    )


def mentions_query() -> str:
    """MERGE paper -> entity MENTIONS with their count."""
    return _match_ends("MENTIONS", PAPER_LABEL) + " SET r.count = row.count"


def claims_query(rtype: str, head_label: str) -> str:
    """MERGE claim relationships: claims of the pushed papers replace theirs, others stay."""
    from kg.export.cypher import CLAIM_REL_TYPES

    if rtype not in CLAIM_REL_TYPES or head_label not in (PAPER_LABEL, ENTITY_LABEL):
        raise ValueError(f"not a claim relationship: {rtype!r} from {head_label!r}")
    kept = ", ".join(f"[i IN keep | r.{p}[i]] + row.{p} AS {p}" for p in CLAIM_LISTS)
    sets = ", ".join(f"r.{p} = {p}" for p in CLAIM_LISTS)
    return (
        _match_ends(rtype, head_label) + " WITH r, row, coalesce(r.papers, []) AS old "
        "WITH r, row, [i IN range(0, size(old) - 1) WHERE NOT old[i] IN row.papers] AS keep "
        f"WITH r, {kept} "
        f"SET {sets}, r.support = size(papers), "
        "r.confidence = reduce(m = 0.0, c IN confidences | CASE WHEN c > m THEN c ELSE m END)"
    )


class Rows:
    """The rows of a statement, made on demand: each iteration builds them
    again one at a time from the graph, so no list of all rows is held.
    ``len()`` is their number, known from a counting pass."""

    def __init__(self, make: Callable[[], Iterator[dict]], count: int):
        self._make = make
        self._count = count

    def __iter__(self) -> Iterator[dict]:
        return iter(self._make())

    def __len__(self) -> int:
        return self._count


@dataclass
class Statement:
    """One parameterised query and the rows it is run with; ``what`` is the label or type."""

    kind: str  # "node" or "relationship"
    what: str
    query: str
    rows: Iterable[dict]  #: a :class:`Rows` (or any re-iterable sized collection)
    #: The query of the later pieces of a row cut by :func:`split_row` (they carry only
    #: ``id`` and the lists); ``None``: the pieces run ``query`` too (its lists merge).
    append_query: str | None = None


def _node_rows(graph: nx.MultiDiGraph, label: str) -> Iterator[dict]:
    for _, props in iter_nodes(graph, label):
        yield props


def _mention_rows(graph: nx.MultiDiGraph, group: RelationshipGroup) -> Iterator[dict]:
    for _, start, end, props in iter_group(graph, group):
        yield {"start": start, "end": end, "count": props.get("count")}


def _claim_rows(graph: nx.MultiDiGraph, group: RelationshipGroup) -> Iterator[dict]:
    for _, start, end, props in iter_group(graph, group):
        yield {"start": start, "end": end, **{p: props[p] for p in CLAIM_LISTS}}


def statements(graph: nx.MultiDiGraph) -> list[Statement]:
    """Every write of a push, in order: papers, entities by label, then relationships.

    Only counting passes run here; each statement's rows are built from the
    graph while it is written (see :class:`Rows`).
    """
    labels, _ = expected_counts(graph)
    out: list[Statement] = []
    for label in NODE_LABELS:
        if label == ENTITY_LABEL or not labels.get(label):
            continue
        query = PAPER_QUERY if label == PAPER_LABEL else entity_query(label)
        append = PAPER_APPEND_QUERY if label == PAPER_LABEL else None
        rows = Rows(functools.partial(_node_rows, graph, label), labels[label])
        out.append(Statement("node", label, query, rows, append))
    for group in relationship_groups(graph):
        if group.rtype == "MENTIONS":
            query, make = mentions_query(), _mention_rows
        else:
            query, make = claims_query(group.rtype, group.head), _claim_rows
        rows = Rows(functools.partial(make, graph, group), group.count)
        out.append(Statement("relationship", group.rtype, query, rows))
    return out


# --- batching -----------------------------------------------------------------------


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


# --- push ---------------------------------------------------------------------------


def push(
    graph: nx.MultiDiGraph,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> PushSummary:
    """Write ``graph`` to a Neo4j (or other Bolt) server; see the module docstring.

    Parameters
    ----------
    graph : the kg graph (see :mod:`kg.graph`).
    uri, user, password, database : connection settings; ``None`` falls back to
        ``NEO4J_URI``, ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``.
    batch_size : rows per ``UNWIND`` transaction.
    progress : called as ``progress(rows_done, rows_total)`` after each batch.

    Raises
    ------
    ExportError
        With one line for an unreachable server, a rejected login, a missing
        database or a failed write.
    """
    if batch_size < 1:
        raise ExportError(f"batch size must be at least 1, not {batch_size}")
    start = time.perf_counter()
    work = statements(graph)
    with connect(uri, user, password, database) as session:
        summary = PushSummary(uri=session.uri, database=session.database, server=session.server)
        summary.schema = _run(session, "creating constraints", ensure_schema, session)
        write_statements(session, work, batch_size, summary, progress)
    summary.seconds = time.perf_counter() - start
    return summary


def write_statements(
    session: BoltSession,
    work: list[Statement],
    batch_size: int,
    summary: PushSummary,
    progress: Callable[[int, int], None] | None = None,
) -> PushSummary:
    """Run each statement over its rows in batches (one transaction per batch),
    adding what was written to ``summary``. On FalkorDB, batches are cut by
    size too and a row too big for one statement is written in pieces
    (:func:`split_row`), each in its own transaction, in order."""
    total = sum(len(s.rows) for s in work)
    done = 0
    for stmt in work:
        sent = 0
        for query, batch, rows in _writes(session, stmt, batch_size, summary):
            counters = _run(session, f"writing {stmt.what}", session.write, query, {"rows": batch})
            summary.batches += 1
            summary.nodes_created += counters["nodes_created"]
            summary.relationships_created += counters["relationships_created"]
            summary.properties_set += counters["properties_set"]
            sent += rows
            done += rows
            if progress is not None and rows:
                progress(done, total)
        counts = summary.nodes if stmt.kind == "node" else summary.relationships
        counts[stmt.what] = counts.get(stmt.what, 0) + sent
    return summary


def _writes(
    session: BoltSession, stmt: Statement, batch_size: int, summary: PushSummary
) -> Iterator[tuple[str, list[dict], int]]:
    """Yield ``(query, rows of one batch, how many graph rows it completes)``."""
    if session.server != FALKORDB:
        for batch in batches(stmt.rows, batch_size):
            yield stmt.query, batch, len(batch)
        return
    queries = [stmt.query] + ([stmt.append_query] if stmt.append_query else [])
    budget = FALKORDB_STATEMENT_LIMIT - max(len(q.encode()) for q in queries) - _FALKORDB_MARGIN
    batch: list[dict] = []
    used = 0
    for row in stmt.rows:
        pieces = _fit(row, budget, summary, lean=stmt.append_query is not None)
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
        if batch and (len(batch) >= batch_size or used + size > budget):
            yield stmt.query, batch, len(batch)
            batch, used = [], 0
        batch.append(pieces[0])
        used += size
    if batch:
        yield stmt.query, batch, len(batch)


def _fit(row: dict, budget: int, summary: PushSummary, lean: bool = False) -> list[dict]:
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


def _run(session: BoltSession, what: str, fn, *args):
    from neo4j import exceptions as nx_exc

    try:
        return fn(*args)
    except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
        raise ExportError(
            f"lost the connection to {session.uri} while {what} ({_one_line(exc)}); "
            "check the server and push again (pushing is idempotent)"
        ) from exc
    except (nx_exc.Neo4jError, nx_exc.DriverError) as exc:
        code = getattr(exc, "code", None) or ""
        if "DatabaseNotFound" in code or "Security" in code:
            raise _connect_error(exc, session.uri, None, session.database) from exc
        raise ExportError(
            f"{session.server} at {session.uri} failed while {what}: {_one_line(exc)}"
        ) from exc
