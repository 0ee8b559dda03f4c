"""Offline SPARQL over a build's RDF (``kg sparql``), with rdflib.

The kg prefixes (``kg:``, ``skos:``, ``dcterms:``, ``prov:``... and the
instance prefixes ``model:``, ``paper:``... bound in the file) are predefined,
so queries may leave out their ``PREFIX`` lines. Queries run on the given
file only: ``SERVICE`` and ``FROM``/``FROM NAMED`` are refused, so nothing is
ever fetched from the network. Example queries are in ``examples/queries/``.

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

import json
import warnings
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.util import guess_format

from kg.errors import InputError, choices_message
from kg.vocab import PREFIXES

FORMATS = ("table", "csv", "json")

#: Longest cell shown by the table format (longer ones end in an ellipsis).
MAX_CELL = 80

_QUERY_SUFFIXES = (".rq", ".sparql", ".txt")
_FORMAT_BY_SUFFIX = {".jsonld": "json-ld", ".json": "json-ld", ".rdf": "xml", ".owl": "xml"}


class QueryError(InputError):
    """A SPARQL query cannot be read, parsed or run."""


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


def load_graph(graph_path: str | Path) -> Graph:
    """Parse an RDF file written by ``kg build`` (format from the suffix; a folder means
    its ``graph.ttl``)."""
    path = Path(graph_path)
    if path.is_dir():
        path = path / "graph.ttl"
    if not path.is_file():
        raise InputError(
            f"graph file {path} not found; run `kg build INPUT --out DIR` first "
            "and pass --graph DIR/graph.ttl"
        )
    fmt = _FORMAT_BY_SUFFIX.get(path.suffix.lower()) or guess_format(str(path)) or "turtle"
    g = Graph()
    try:
        with warnings.catch_warnings():  # rdflib's JSON-LD parser uses a deprecated class
            warnings.simplefilter("ignore", DeprecationWarning)
            g.parse(path, format=fmt)
    except Exception as exc:  # rdflib parsers raise many types; report one line
        raise InputError(
            f"cannot read as {fmt} RDF: {_one_line(exc)}; rebuild it with `kg build`",
            where=str(path),
        ) from exc
    return g


def _one_line(exc: Exception, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _walk(node):
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def prepare(query: str, graph: Graph, where: str = "query"):
    """Parse ``query`` with the kg prefixes predefined; refuse what would go online."""
    init_ns = dict(PREFIXES)
    init_ns.update({str(p): str(ns) for p, ns in graph.namespaces() if p})
    try:
        prepared = prepareQuery(query, initNs=init_ns)
    except Exception as exc:  # pyparsing.ParseException and rdflib's own errors
        raise QueryError(f"bad SPARQL query: {_one_line(exc)}", where=where) from exc
    for node in _walk(prepared.algebra):
        if node.name == "ServiceGraphPattern":
            raise QueryError("SERVICE is not supported: kg sparql runs offline", where=where)
        if dict.get(node, "datasetClause"):  # CompValue.get(k) gives k if absent
            raise QueryError(
                "FROM / FROM NAMED are not supported: the query runs over the --graph file",
                where=where,
            )
    return prepared


def _execute(query_or_file: str, graph: Graph):
    query, where = read_query(query_or_file)
    prepared = prepare(query, graph, where)
    try:
        result = graph.query(prepared)
        if result.type == "SELECT":
            result.bindings  # noqa: B018 - evaluate now, so errors surface here
        return result
    except Exception as exc:  # evaluation errors come as many types
        raise QueryError(f"SPARQL query failed: {_one_line(exc)}", where=where) from exc


def _python(term, graph: Graph):
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(term)
    if isinstance(term, URIRef):
        return _compact(term, graph)
    return term.n3()


def _compact(iri: URIRef, graph: Graph) -> str:
    best = None
    for prefix, ns in graph.namespaces():
        ns = str(ns)
        if prefix and str(iri).startswith(ns) and (best is None or len(ns) > len(best[1])):
            best = (str(prefix), ns)
    if best is None:
        return str(iri)
    return f"{best[0]}:{str(iri)[len(best[1]) :]}"


def select_rows(query_or_file: str, graph: Graph | str | Path) -> tuple[list[str], list[tuple]]:
    """Run a SELECT query; return ``(column names, rows)`` with plain Python values.

    IRIs come back as prefixed names (``model:gpt-4o``) where a prefix is
    bound, literals as Python values (``str``, ``int``, ``Decimal``,
    ``date``), unbound cells as ``None``. Rows keep the query's order.
    """
    g = graph if isinstance(graph, Graph) else load_graph(graph)
    result = _execute(query_or_file, g)
    if result.type != "SELECT":
        raise QueryError(f"expected a SELECT query, got {result.type}")
    columns = [str(v) for v in result.vars]
    rows = [tuple(_python(row.get(v), g) for v in result.vars) for row in result.bindings]
    return columns, rows


def _cell(term, graph: Graph) -> str:
    if term is None:
        text = ""
    elif isinstance(term, URIRef):
        text = _compact(term, graph)
    elif isinstance(term, BNode):
        text = term.n3()
    else:
        text = str(term)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def format_table(columns: list[str], cells: list[list[str]]) -> str:
    """A plain-text table with a header, a rule and a row count."""
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'' if len(cells) == 1 else 's'})")
    return "\n".join(out) + "\n"


def run_query(query_or_file: str, graph_path: Path, fmt: str = "table") -> str:
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

    Raises
    ------
    kg.errors.InputError
        Missing or unreadable graph file, missing query file, or a bad query
        (:class:`QueryError`, with the parser's message).
    """
    if fmt not in FORMATS:
        raise QueryError(choices_message("output format", fmt, FORMATS))
    g = load_graph(graph_path)
    result = _execute(query_or_file, g)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        out = result.graph
        for prefix, ns in g.namespaces():
            out.bind(prefix, ns)
        return out.serialize(format="json-ld" if fmt == "json" else "turtle")
    if fmt == "json":
        data = json.loads(result.serialize(format="json").decode("utf-8"))
        data = {"head": data.pop("head", {}), **data}  # the order of the W3C examples
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if result.type == "ASK":
        return "true\n" if result.askAnswer else "false\n"
    if fmt == "csv":
        return result.serialize(format="csv").decode("utf-8")
    columns = [str(v) for v in result.vars]
    cells = [[_cell(row.get(v), g) for v in result.vars] for row in result.bindings]
    return format_table(columns, cells)
