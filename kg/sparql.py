"""Offline, bounded SPARQL over a build's RDF (``kg sparql``), with pyoxigraph.

The query runs on Oxigraph's engine (the ``pyoxigraph`` wheel: no server, no
network) in a child process, so it is bounded: it is stopped after
``timeout`` seconds (default :data:`DEFAULT_TIMEOUT`), may use at most
``max_memory`` MiB (default :data:`DEFAULT_MAX_MEMORY`), and returns at most
``max_rows`` rows or triples (default :data:`DEFAULT_MAX_ROWS`; the output
says when rows were cut). ``0`` turns a limit off.

The kg prefixes (``kg:``, ``skos:``, ``dcterms:``, ``prov:``... and the
instance prefixes ``model:``, ``paper:``... bound in the file) are predefined,
so queries may leave out their ``PREFIX`` lines. Queries run on the given
file only: ``SERVICE`` and ``FROM``/``FROM NAMED`` are refused, and so are
files that would make a parser read anything else: a JSON-LD ``@context`` or
``@import`` given by reference (remote or local) and an RDF/XML document type
declaration (DTD, the "billion laughs" entity bomb). Example queries are in
``examples/queries/``.

Examples
--------
>>> print(run_query("SELECT (COUNT(*) AS ?n) WHERE { ?s a kg:Paper }",
...                 Path("out/graph.ttl")))                         # doctest: +SKIP
n
-
82
(1 row)
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import multiprocessing
import sys
import xml.parsers.expat
from decimal import Decimal, InvalidOperation
from pathlib import Path

from kg.errors import InputError, choices_message
from kg.vocab import PREFIXES

FORMATS = ("table", "csv", "json")

#: Longest cell shown by the table format (longer ones end in an ellipsis).
MAX_CELL = 80
#: Default limits of one query: seconds, rows (or triples), MiB of memory.
DEFAULT_TIMEOUT = 60.0
DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_MEMORY = 4096

_QUERY_SUFFIXES = (".rq", ".sparql", ".txt")
_FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {
    _XSD + t
    for t in (
        "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
        "negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}


class QueryError(InputError):
    """A SPARQL query cannot be read, parsed or run, or went past a limit."""


def read_query(query_or_file: str) -> tuple[str, str]:
    """Return ``(query text, where)``: the text of a query file, or the argument itself.

    ``where`` names the file (or ``query``) for error messages.
    """
    text = str(query_or_file)
    path = Path(text)
    looks_like_file = "\n" not in text and "{" not in text and len(text) < 4096
    if looks_like_file and path.is_file():
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file: {exc}", where=str(path)) from exc
    if looks_like_file and path.suffix.lower() in _QUERY_SUFFIXES:
        raise QueryError(
            f"query file {path} not found; give a path to a .rq file or the query text itself"
        )
    return text, "query"


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- what is refused


def graph_file(graph_path: str | Path) -> tuple[Path, str]:
    """The RDF file to query (a folder means its ``graph.ttl``) and its format."""
    path = Path(graph_path)
    if path.is_dir():
        path = path / "graph.ttl"
    if not path.is_file():
        raise InputError(
            f"graph file {path} not found; run `kg build INPUT --out DIR` first "
            "and pass --graph DIR/graph.ttl"
        )
    return path, _FORMAT_BY_SUFFIX.get(path.suffix.lower(), "turtle")


def _walk_contexts(node, path: Path) -> None:
    if isinstance(node, list):
        for item in node:
            _walk_contexts(item, path)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@context":
                for ctx in value if isinstance(value, list) else [value]:
                    if isinstance(ctx, str):
                        raise InputError(
                            f"JSON-LD @context {ctx!r} is a reference to another document; "
                            "kg sparql reads nothing but the --graph file (inline the context)",
                            where=str(path),
                        )
                    if isinstance(ctx, dict) and "@import" in ctx:
                        raise InputError(
                            "JSON-LD @import is refused: kg sparql reads nothing but the "
                            "--graph file (inline the imported context)",
                            where=str(path),
                        )
            _walk_contexts(value, path)


def check_jsonld(path: Path) -> None:
    """Refuse a JSON-LD file whose ``@context`` (anywhere) names another document or
    uses ``@import``: a JSON-LD processor would fetch or open it."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read as json-ld RDF: {_one_line(exc)}", where=str(path)) from exc
    _walk_contexts(data, path)


class _Root(Exception):
    pass


def check_rdfxml(path: Path) -> None:
    """Refuse an RDF/XML file with a document type declaration (a DTD can declare
    entities that expand exponentially, or name external files)."""
    parser = xml.parsers.expat.ParserCreate()

    def refuse(*_args):
        raise InputError(
            "RDF/XML with a document type declaration (DTD) is refused: its entities could "
            "expand without bound or read other files",
            where=str(path),
        )

    def root(*_args):
        raise _Root

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = root
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Root:
        return
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"cannot read as xml RDF: {exc}", where=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", where=str(path)) from exc


def _walk(node):
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple, ParseResults)):
        for value in node:
            yield from _walk(value)


def check_query(query: str, where: str = "query") -> None:
    """Parse ``query`` (syntax only); refuse ``SERVICE`` and ``FROM``/``FROM NAMED``."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except Exception as exc:  # pyparsing.ParseException and rdflib's own errors
        raise QueryError(f"bad SPARQL query: {_one_line(exc)}", where=where) from exc
    for node in _walk(tree):
        if node.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is not supported: kg sparql runs offline", where=where)
        if node.name == "DatasetClause" or dict.get(node, "datasetClause"):
            raise QueryError(
                "FROM / FROM NAMED are not supported: the query runs over the --graph file",
                where=where,
            )


# --------------------------------------------------------------------------- the child process


def _term(t) -> tuple | None:
    """A pyoxigraph term as a picklable ``(kind, value, datatype, language)``."""
    import pyoxigraph as ox

    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return ("uri", t.value, None, None)
    if isinstance(t, ox.BlankNode):
        return ("bnode", t.value, None, None)
    if isinstance(t, ox.Literal):
        return ("literal", t.value, t.datatype.value, t.language)
    return ("literal", str(t), None, None)  # RDF-star triple terms: as text


def _worker(conn, path: str, fmt: str, query: str, max_rows: int, max_memory: int) -> None:
    """Load ``path`` into an in-memory Oxigraph store, run ``query``, send the result."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # a failed allocation aborts with a backtrace
    try:
        if max_memory:
            import resource

            limit = max_memory * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        import pyoxigraph as ox

        formats = {
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "json-ld": ox.RdfFormat.JSON_LD,
            "xml": ox.RdfFormat.RDF_XML,
        }
        store = ox.Store()
        try:
            parser = ox.parse(path=path, format=formats[fmt], base_iri=Path(path).as_uri())
            store.extend(parser)
        except (SyntaxError, ValueError, OSError) as exc:
            conn.send(("error", f"cannot read as {fmt} RDF: {_one_line(exc)}", "graph"))
            return
        prefixes = dict(PREFIXES)
        prefixes.update({k: v for k, v in (parser.prefixes or {}).items() if k})
        try:
            result = store.query(query, prefixes=prefixes)
            cut = False
            if isinstance(result, ox.QueryBoolean):
                payload = ("ask", bool(result), [], [])
            elif isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                rows = []
                for solution in result:
                    if max_rows and len(rows) >= max_rows:
                        cut = True
                        break
                    rows.append(tuple(_term(solution[name]) for name in names))
                payload = ("select", None, names, rows)
            else:
                triples = []
                for triple in result:
                    if max_rows and len(triples) >= max_rows:
                        cut = True
                        break
                    triples.append(tuple(_term(t) for t in triple))
                payload = ("graph", None, [], triples)
        except (SyntaxError, ValueError, OSError) as exc:
            conn.send(("error", f"SPARQL query failed: {_one_line(exc)}", "query"))
            return
        conn.send(("ok", payload, cut, prefixes))
    except MemoryError:
        conn.send(("memory", "", "query"))
    finally:
        conn.close()


class Result:
    """The outcome of one query: ``kind`` (``select``, ``ask`` or ``graph``),
    ``columns``, ``rows`` (tuples of ``(kind, value, datatype, language)`` terms or
    ``None``; for ``graph``, triples), ``boolean``, ``cut`` (rows past the limit were
    left out) and the ``prefixes`` in force."""

    def __init__(self, kind, boolean, columns, rows, cut, prefixes):
        self.kind, self.boolean, self.columns, self.rows = kind, boolean, columns, rows
        self.cut, self.prefixes = cut, prefixes


def execute(
    query_or_file: str,
    graph_path: str | Path,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> Result:
    """Run a query (text or ``.rq`` file) over an RDF file within the limits.

    Raises
    ------
    kg.errors.InputError
        Missing, unreadable or refused graph file; :class:`QueryError` for a
        missing query file, a bad query, or a query past the time or memory limit.
    """
    for name, value in (("timeout", timeout), ("max_rows", max_rows), ("max_memory", max_memory)):
        if value is None or value < 0:
            raise QueryError(f"{name} must be 0 (no limit) or more, not {value!r}")
    query, where = read_query(query_or_file)
    check_query(query, where)
    path, fmt = graph_file(graph_path)
    if fmt == "json-ld":
        check_jsonld(path)
    elif fmt == "xml":
        check_rdfxml(path)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    parent, child = ctx.Pipe(duplex=False)
    args = (child, str(path), fmt, query, int(max_rows), int(max_memory))
    proc = ctx.Process(target=_worker, args=args, daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout or None):
            raise QueryError(
                f"the query did not finish within {timeout:g} s and was stopped; "
                "narrow it (LIMIT, fewer joins) or raise --timeout",
                where=where,
            )
        try:
            message = parent.recv()
        except EOFError:
            message = ("memory", "", where)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()
    status = message[0]
    if status == "memory":
        raise QueryError(
            f"the query ran out of memory (limit {max_memory} MiB) and was stopped; "
            "narrow it or raise --max-memory",
            where=where,
        )
    if status == "error":
        _, text, origin = message
        if origin == "graph":
            raise InputError(text, where=str(path))
        raise QueryError(text, where=where)
    _, (kind, boolean, columns, rows), cut, prefixes = message
    return Result(kind, boolean, columns, rows, cut, prefixes)


# --------------------------------------------------------------------------- values and output


def _compact(iri: str, prefixes: dict[str, str]) -> str:
    best = None
    for prefix, ns in prefixes.items():
        if prefix and iri.startswith(ns) and (best is None or len(ns) > len(best[1])):
            best = (prefix, ns)
    return iri if best is None else f"{best[0]}:{iri[len(best[1]) :]}"


def python_value(term, prefixes: dict[str, str]):
    """A result term as a Python value: prefixed name for an IRI, ``int``, ``Decimal``,
    ``float``, ``bool``, ``datetime.date`` or ``str`` for a literal, ``None`` if unbound."""
    if term is None:
        return None
    kind, value, datatype, _ = term
    if kind == "uri":
        return _compact(value, prefixes)
    if kind == "bnode":
        return f"_:{value}"
    try:
        if datatype in _INTEGER_TYPES:
            return int(value)
        if datatype == _XSD + "decimal":
            return Decimal(value)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(value)
        if datatype == _XSD + "boolean":
            return value in ("true", "1")
        if datatype == _XSD + "date":
            return datetime.date.fromisoformat(value)
        if datatype == _XSD + "dateTime":
            return datetime.datetime.fromisoformat(value)
    except (ValueError, InvalidOperation):
        pass
    return value


def _cell(term, prefixes: dict[str, str]) -> str:
    if term is None:
        text = ""
    elif term[0] == "uri":
        text = _compact(term[1], prefixes)
    elif term[0] == "bnode":
        text = f"_:{term[1]}"
    else:
        text = term[1]
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_table(columns: list[str], cells: list[list[str]], cut: bool = False) -> str:
    """A plain-text table with a header, a rule and a row count."""
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    count = f"({len(cells)} row{'' if len(cells) == 1 else 's'}"
    out.append(count + ("; more were cut: raise --max-rows)" if cut else ")"))
    return "\n".join(out) + "\n"


def _json_term(term) -> dict:
    kind, value, datatype, language = term
    if kind != "literal":
        return {"type": kind, "value": value}
    out = {"type": "literal", "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype and datatype != _XSD + "string":
        out["datatype"] = datatype
    return out


def _csv(columns: list[str], rows: list[tuple]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            ["" if t is None else (f"_:{t[1]}" if t[0] == "bnode" else t[1]) for t in row]
        )
    return buf.getvalue()


def _rdflib_term(term):
    from rdflib import BNode, Literal, URIRef

    kind, value, datatype, language = term
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if language:
        return Literal(value, lang=language)
    return Literal(value, datatype=None if datatype == _XSD + "string" else datatype)


def _graph_text(result: Result, fmt: str) -> str:
    import warnings

    from rdflib import Graph

    g = Graph(bind_namespaces="none")
    for prefix, ns in result.prefixes.items():
        g.bind(prefix, ns)
    for triple in result.rows:
        g.add(tuple(_rdflib_term(t) for t in triple))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return g.serialize(format="json-ld" if fmt == "json" else "turtle")


def select_rows(
    query_or_file: str, graph_path: str | Path, **limits
) -> tuple[list[str], list[tuple]]:
    """Run a SELECT query; return ``(column names, rows)`` with plain Python values.

    IRIs come back as prefixed names (``model:gpt-4o``) where a prefix is
    bound, literals as Python values (:func:`python_value`), unbound cells as
    ``None``. Rows keep the query's order. ``limits``: ``timeout``,
    ``max_rows``, ``max_memory`` as for :func:`execute`.
    """
    result = execute(query_or_file, graph_path, **limits)
    if result.kind != "select":
        raise QueryError(f"expected a SELECT query, got {result.kind.upper()}")
    rows = [tuple(python_value(t, result.prefixes) for t in row) for row in result.rows]
    return result.columns, rows


def run_query(query_or_file: str, graph_path: Path, fmt: str = "table", **limits) -> str:
    """Run a SPARQL query (text or ``.rq`` file) over an RDF file; return the printable result.

    Parameters
    ----------
    query_or_file : str
        The query text, or the path of a file holding it.
    graph_path : Path
        ``graph.ttl`` (or ``.nt``, ``.jsonld``, ``.rdf``) of a build, or its folder.
    fmt : {"table", "csv", "json"}
        ``table`` for people; ``csv`` and ``json`` are the W3C SPARQL 1.1
        result formats. ASK prints ``true``/``false`` (JSON: the boolean
        result); CONSTRUCT/DESCRIBE print Turtle (JSON: JSON-LD).
    **limits
        ``timeout`` (seconds), ``max_rows``, ``max_memory`` (MiB); 0 = no limit.

    Raises
    ------
    kg.errors.InputError
        Missing, unreadable or refused graph file, missing query file, or a
        bad query or one past a limit (:class:`QueryError`).
    """
    if fmt not in FORMATS:
        raise QueryError(choices_message("output format", fmt, FORMATS))
    result = execute(query_or_file, graph_path, **limits)
    if result.cut and fmt != "table":
        print(
            f"kg: warning: only the first {len(result.rows)} results are shown; "
            "raise --max-rows for more",
            file=sys.stderr,
        )
    if result.kind == "graph":
        return _graph_text(result, fmt)
    if result.kind == "ask":
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}, indent=1) + "\n"
        return "true\n" if result.boolean else "false\n"
    if fmt == "json":
        bindings = [
            {c: _json_term(t) for c, t in zip(result.columns, row, strict=True) if t is not None}
            for row in result.rows
        ]
        data = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return _csv(result.columns, result.rows)
    cells = [[_cell(t, result.prefixes) for t in row] for row in result.rows]
    return format_table(result.columns, cells, result.cut)
