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

After the writes, the push counts what the server holds (:func:`verify`):
every pushed node and relationship must be there exactly once, or the push
fails with :class:`~kg.errors.ExportError` (exit code 5), so data is never lost
silently.

kg talks Neo4j; the quirks of FalkorDB, the only other Bolt server it knows,
live in :mod:`kg.export.falkordb_adapter` (4 KiB statements, escaping,
handshake retries, indexes instead of constraints).
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import re
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
#: Rows per read of the check after a push (:func:`verify`).
VERIFY_BATCH = 5000

#: URI schemes of the Bolt protocol (the driver's http:// preview is not used).
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

NEO4J = "neo4j"
FALKORDB = "falkordb"  # see kg.export.falkordb_adapter

#: A backslash followed by b: Neo4j returns it unchanged, FalkorDB as a backspace.
_PROBE = "kg\\b"


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
    #: Nodes and relationships found on the server after the push (:func:`verify`).
    verified: int = 0

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
            f"relationships; set {self.properties_set} properties; "
            f"checked {self.verified} on the server",
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
        if self.server == FALKORDB:
            from kg.export import falkordb_adapter

            return falkordb_adapter.escape(params)
        return params

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
            from kg.export import falkordb_adapter

            falkordb_adapter.absorb_lost_handshake(self.uri)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _probe(driver, database: str | None) -> str:
    """Run a trivial query; return which server dialect answered."""
    with driver.session(database=database) as session:
        record = session.run("RETURN $probe AS probe", {"probe": _PROBE}).single()
    return NEO4J if record["probe"] == _PROBE else FALKORDB


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
        try:
            server = _probe(driver, database)
        except (nx_exc.ServiceUnavailable, nx_exc.SessionExpired) as exc:
            if "refused" in str(exc).lower():
                raise
            from kg.export import falkordb_adapter  # it may have lost the handshake

            server = falkordb_adapter.probe_again(_probe, driver, database)
    except (nx_exc.Neo4jError, nx_exc.DriverError, OSError) as exc:
        driver.close()
        raise _connect_error(exc, uri, user, database) from exc
    return BoltSession(driver, uri, database, server)


# --- schema -------------------------------------------------------------------------


def ensure_schema(session: BoltSession) -> str:
    """Create the uniqueness constraints on ``id`` (Neo4j 5 syntax). Returns
    ``"constraints"``; on FalkorDB, which has none, indexes (``"indexes"``)."""
    if session.server == FALKORDB:
        from kg.export import falkordb_adapter

        return falkordb_adapter.ensure_indexes(session)
    for statement in constraint_statements():
        session.write(statement)
    return "constraints"


# --- statements ---------------------------------------------------------------------


def _union(prop: str) -> str:
    """``<prop>``: the server's list with the row's new items appended."""
    return (
        f"reduce(acc = coalesce(n.{prop}, []), x IN row.{prop} | "
        f"CASE WHEN x IN acc THEN acc ELSE acc + x END) AS {prop}"
    )


PAPER_QUERY = f"UNWIND $rows AS row MERGE (n:{PAPER_LABEL} {{id: row.id}}) SET n += row"
#: Appends the ``authors`` of a later piece of a paper row cut for FalkorDB.
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
    #: Counts the pushed rows on the server (see :func:`verify`).
    check: str = ""
    #: The query of the later pieces of a row cut for FalkorDB (they carry only ``id``
    #: and the lists); ``None``: the pieces run ``query`` too (its lists merge).
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
        check = f"UNWIND $rows AS row MATCH (n:{label} {{id: row.id}}) RETURN count(n) AS found"
        out.append(Statement("node", label, query, rows, check, append))
    for group in relationship_groups(graph):
        if group.rtype == "MENTIONS":
            query, make = mentions_query(), _mention_rows
        else:
            query, make = claims_query(group.rtype, group.head), _claim_rows
        rows = Rows(functools.partial(make, graph, group), group.count)
        check = (
            f"UNWIND $rows AS row MATCH (a:{group.head} {{id: row.start}})-[r:{group.rtype}]->"
            f"(b:{ENTITY_LABEL} {{id: row.end}}) RETURN count(r) AS found"
        )
        out.append(Statement("relationship", group.rtype, query, rows, check))
    return out


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
        database, a failed write, or a server that does not hold exactly what
        was sent (:func:`verify`).
    """
    if batch_size < 1:
        raise ExportError(f"batch size must be at least 1, not {batch_size}")
    start = time.perf_counter()
    work = statements(graph)
    with connect(uri, user, password, database) as session:
        summary = PushSummary(uri=session.uri, database=session.database, server=session.server)
        summary.schema = _run(session, "creating constraints", ensure_schema, session)
        write_statements(session, work, batch_size, summary, progress)
        _run(session, "counting what it holds", verify, session, work, summary)
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
    adding what was written to ``summary``. On FalkorDB the batches come from
    :func:`kg.export.falkordb_adapter.writes` (4 KiB statements)."""
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


def batches(rows: Iterable[dict], batch_size: int) -> Iterator[list[dict]]:
    """Lists of at most ``batch_size`` rows, taken as they come."""
    it = iter(rows)
    while batch := list(itertools.islice(it, batch_size)):
        yield batch


def _writes(
    session: BoltSession, stmt: Statement, batch_size: int, summary: PushSummary
) -> Iterator[tuple[str, list[dict], int]]:
    """Yield ``(query, rows of one batch, how many graph rows it completes)``."""
    if session.server == FALKORDB:
        from kg.export import falkordb_adapter

        yield from falkordb_adapter.writes(stmt, batch_size, summary)
        return
    for batch in batches(stmt.rows, batch_size):
        yield stmt.query, batch, len(batch)


def _check_batches(session: BoltSession, stmt: Statement, rows: Iterable[dict]):
    if session.server == FALKORDB:
        from kg.export import falkordb_adapter

        return falkordb_adapter.batches(rows, VERIFY_BATCH, falkordb_adapter.budget(stmt.check))
    return batches(rows, VERIFY_BATCH)


def verify(session: BoltSession, work: list[Statement], summary: PushSummary) -> int:
    """Count, on the server, the pushed nodes (by label and ``id``) and relationships
    (by type and end ids): each must be there exactly once.

    Returns how many were found (also added to ``summary.verified``). Raises
    :class:`~kg.errors.ExportError` naming every label or type whose count
    differs from what was sent: a relationship lost, or a node duplicated.
    """
    problems = []
    found_total = 0
    for stmt in work:
        keys = ("id",) if stmt.kind == "node" else ("start", "end")
        sent = found = 0
        for batch in _check_batches(
            session, stmt, ({k: row[k] for k in keys} for row in stmt.rows)
        ):
            (record,) = session.read(stmt.check, {"rows": batch})
            found += record["found"]
            sent += len(batch)
        found_total += found
        if found != sent:
            what = f"{stmt.what} {'nodes' if stmt.kind == 'node' else 'relationships'}"
            problems.append(f"{found} {what} for the {sent} sent")
    summary.verified += found_total
    if problems:
        raise ExportError(
            f"{session.server} at {session.uri} does not hold what was pushed: "
            + "; ".join(problems)
            + " (check the server's log; pushing again is safe)"
        )
    return found_total


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
