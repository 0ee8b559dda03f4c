"""The ``kg`` command line: parse arguments, call the library, turn errors into one line.

Every command is a thin layer over a library function (kg.build, kg.evaluate,
kg.export.*, kg.sparql); a :class:`kg.errors.KgError` becomes ``kg: error:
<message>`` on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from kg import __version__
from kg.errors import KgError
from kg.io import FORMATS

log = logging.getLogger("kg")

RDF_FORMATS = ("turtle", "json-ld", "nt", "xml")
ENTITY_TYPES = ("PAPER", "MODEL", "METHOD", "DATASET", "BENCHMARK", "METRIC", "TASK")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps examples as written and shows a default only where it says something."""

    def _get_help_string(self, action):
        text = action.help or ""
        default = action.default
        if default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text:
            if action.option_strings and action.nargs != 0:
                text += " (default: %(default)s)"
        return text


def _int_at_least(minimum: int):
    """An argparse type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_nonneg_int = _int_at_least(0)


def _type_list(text: str) -> tuple[str, ...]:
    types = tuple(t.strip().upper() for t in text.split(",") if t.strip())
    bad = [t for t in types if t not in ENTITY_TYPES]
    if bad or not types:
        raise argparse.ArgumentTypeError(
            f"unknown type {', '.join(bad) or text!r}; choose from {', '.join(ENTITY_TYPES)}"
        )
    return types


# --------------------------------------------------------------------------- option groups


def _add_input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="input files ('-' for stdin)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="force the input format (default: detect from extension and content)",
    )
    p.add_argument(
        "--strict", action="store_true", help="stop at the first bad record instead of skipping it"
    )


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=os.cpu_count() or 1,
        help="extraction processes (output is identical for any number)",
    )
    p.add_argument("--batch-size", type=_positive_int, default=64, help="papers per nlp.pipe batch")
    p.add_argument(
        "--spacy-model",
        default=None,
        metavar="NAME",
        help="an installed trained spaCy pipeline whose tagger/parser may help (never downloaded)",
    )
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def _add_html_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("HTML page")
    g.add_argument(
        "--html-max-nodes",
        type=_positive_int,
        default=2000,
        metavar="N",
        help="draw at most N nodes (the highest-degree ones); the page says what was left out",
    )
    g.add_argument(
        "--html-min-degree",
        type=_nonneg_int,
        default=0,
        metavar="N",
        help="draw only nodes with at least N edges",
    )
    g.add_argument(
        "--html-types",
        type=_type_list,
        default=None,
        metavar="TYPES",
        help="comma-separated node types to draw, e.g. MODEL,DATASET,BENCHMARK (default: all)",
    )
    g.add_argument(
        "--html-view",
        choices=("auto", "papers", "entities"),
        default="auto",
        help="papers: papers and entities as nodes; entities: entities linked by relations and"
        " co-mentions, papers behind a toggle; auto: entities above 150 papers (default)",
    )


def _add_rdf_options(p: argparse.ArgumentParser) -> None:
    from kg.export import DEFAULT_BASE_IRI

    g = p.add_argument_group("RDF")
    g.add_argument(
        "--rdf-format",
        action="append",
        choices=RDF_FORMATS,
        default=None,
        dest="rdf_formats",
        help="extra RDF serialisations besides graph.ttl (repeatable)",
    )
    g.add_argument("--base-iri", default=DEFAULT_BASE_IRI, help="base for minted IRIs")
    g.add_argument(
        "--license",
        default=None,
        metavar="IRI",
        help="licence of the build's data, stated in void.ttl (e.g. a Creative Commons IRI)",
    )


def _add_neo4j_options(p: argparse.ArgumentParser, required: bool) -> None:
    g = p.add_argument_group(
        "Neo4j (Bolt)",
        "defaults come from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE",
    )
    g.add_argument(
        "--neo4j-uri",
        default=None,
        metavar="URI",
        help="push the graph to this Bolt server, e.g. bolt://localhost:7687"
        + ("" if required else " (after the local files are written)"),
    )
    g.add_argument("--neo4j-user", default=None, metavar="USER")
    g.add_argument("--neo4j-password", default=None, metavar="PASSWORD")
    g.add_argument("--neo4j-database", default=None, metavar="NAME")
    g.add_argument(
        "--neo4j-batch-size", type=_positive_int, default=1000, metavar="N", help="rows per UNWIND"
    )


def _add_engine_options(p) -> None:
    g = p.add_argument_group("engine (see README: Running on a cluster)")
    g.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="local: processes on this machine; dask: a Dask cluster (pip install 'kg[dask]'), "
        "partitioned outputs",
    )
    g.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="dask: a running scheduler (default: a local cluster of --workers processes)",
    )
    g.add_argument("--scheduler-file", metavar="FILE", help="dask: a scheduler file")
    g.add_argument(
        "--partition-size",
        type=_positive_int,
        default=5000,
        metavar="N",
        help="dask: papers per task (default: 5000)",
    )


# --------------------------------------------------------------------------- commands


def _export_options(args):
    from kg.export import ExportOptions

    formats = ["turtle"] + [f for f in (getattr(args, "rdf_formats", None) or []) if f != "turtle"]
    return ExportOptions(
        rdf_formats=tuple(dict.fromkeys(formats)),
        base_iri=getattr(args, "base_iri", None) or ExportOptions().base_iri,
        html_max_nodes=args.html_max_nodes,
        html_min_degree=args.html_min_degree,
        html_types=args.html_types,
        html_view=args.html_view,
        license=getattr(args, "license", None),
    )


def _build_options(args, **extra):
    from kg.build import BuildOptions

    return BuildOptions(
        format=args.format,
        strict=args.strict,
        workers=args.workers,
        batch_size=args.batch_size,
        spacy_model=args.spacy_model,
        progress=not args.no_progress,
        **extra,
    )


def cmd_build(args) -> int:
    from kg.build import build

    if _neo4j_wanted(args):
        _neo4j_settings(args)  # a malformed URI is refused before the build, not after
    options = _build_options(
        args,
        update=args.update,
        export=_export_options(args),
        engine=args.engine,
        scheduler=args.scheduler,
        scheduler_file=args.scheduler_file,
        partition_size=args.partition_size,
    )
    if options.engine == "dask" and args.neo4j_uri:
        raise KgError("--engine dask writes neo4j/import.sh for neo4j-admin; it does not push")
    summary = build(args.inputs, args.out, options)
    print(summary.format_text())
    if _neo4j_wanted(args) and options.engine == "local":
        from kg.build import load_graph

        _push(load_graph(args.out), args)
    return 0


def _neo4j_wanted(args) -> bool:
    return bool(args.neo4j_uri or os.environ.get("NEO4J_URI"))


NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_neo4j_uri(uri: str) -> None:
    """Raise ExportError (one line) unless ``uri`` is a well-formed Bolt URI with a host
    and, if any, a port in 1-65535."""
    from urllib.parse import urlsplit

    from kg.errors import ExportError

    example = "e.g. bolt://localhost:7687"
    try:
        parts = urlsplit(uri)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise ExportError(f"invalid Neo4j URI {uri!r}: {exc}; {example}") from None
    if parts.scheme not in NEO4J_SCHEMES:
        raise ExportError(
            f"invalid Neo4j URI {uri!r}: use one of {', '.join(NEO4J_SCHEMES)}, {example}"
        )
    if not host:
        raise ExportError(f"invalid Neo4j URI {uri!r}: no host; {example}")
    if port == 0:
        raise ExportError(f"invalid Neo4j URI {uri!r}: port 0; {example}")


def _neo4j_settings(args) -> dict:
    from kg.export import neo4j_bolt

    settings = neo4j_bolt.connection_settings(
        uri=args.neo4j_uri,
        user=args.neo4j_user,
        password=args.neo4j_password,
        database=args.neo4j_database,
    )
    check_neo4j_uri(settings["uri"] or "")
    return settings


def _push(graph, args) -> None:
    from kg.export import neo4j_bolt

    settings = _neo4j_settings(args)
    result = neo4j_bolt.push(graph, batch_size=args.neo4j_batch_size, **settings)
    print(result.format_text())


def cmd_neo4j_push(args) -> int:
    from kg.build import load_graph

    if not _neo4j_wanted(args):
        raise KgError("no Neo4j server given: pass --neo4j-uri bolt://HOST:7687 or set NEO4J_URI")
    _neo4j_settings(args)
    _push(load_graph(args.dir), args)
    return 0


def cmd_extract(args) -> int:
    from kg.build import extract_linked
    from kg.fsutil import atomic_writer
    from kg.records import SkipReport

    options = _build_options(args)
    report = SkipReport()
    stream = extract_linked(args.inputs, options, report)
    count = 0
    if args.output == "-":
        for ex in stream:
            sys.stdout.write(json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    else:
        with atomic_writer(args.output) as f:
            for ex in stream:
                f.write(json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
            if count == 0:
                raise KgError("no papers could be read from the inputs; nothing was written")
    _report_skips(report)
    print(
        f"extracted {count} papers" + (f" to {args.output}" if args.output != "-" else ""),
        file=sys.stderr,
    )
    return 0


def _report_skips(report) -> None:
    if report.count:
        print(f"skipped {report.count} records:", file=sys.stderr)
        for where, reason in report.skipped[:10]:
            print(f"  {where}: {reason}", file=sys.stderr)
        if report.count > 10:
            print(f"  ... and {report.count - 10} more (run with -v)", file=sys.stderr)


def cmd_eval(args) -> int:
    from kg.build import extract_linked
    from kg.evaluate import load_gold, score
    from kg.records import SkipReport

    gold = load_gold(args.gold)
    report = SkipReport()
    extractions = list(extract_linked(args.inputs, _build_options(args), report))
    result = score(gold, extractions)
    _report_skips(report)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, sort_keys=True))
    else:
        print(result.format_text())
    return 0


def cmd_html(args) -> int:
    from kg.build import load_graph
    from kg.export import html
    from kg.publish import lock_output

    folder = Path(args.dir)
    graph = load_graph(folder)  # checked: a graph.json of another shape is one line
    with lock_output(folder):  # not while a build publishes
        (path,) = html.write(graph, folder, _export_options(args))
    print(f"wrote {path}")
    return 0


def cmd_sparql(args) -> int:
    from kg.sparql import run_query

    limits = {"timeout": args.timeout, "max_rows": args.max_rows, "max_memory": args.max_memory}
    print(run_query(args.query, Path(args.graph), fmt=args.format, **limits), end="")
    return 0


# --------------------------------------------------------------------------- parser

EXAMPLES = {
    "build": """examples:
  kg build examples/papers.jsonl --out out/
  kg build ../shared/corpus/trending-papers.txt --out out/ --rdf-format json-ld --workers 2
  kg build new-papers.jsonl --out out/ --update
  kg build papers.csv --out out/ --neo4j-uri bolt://localhost:7687 --neo4j-user neo4j""",
    "extract": """examples:
  kg extract examples/papers.jsonl -o extractions.jsonl
  kg extract feed.atom -o - | head -n 1""",
    "eval": """examples:
  kg eval --gold ../shared/gold/seed-dev.jsonl ../shared/corpus/trending-papers.txt
  kg eval --gold gold.jsonl papers.jsonl --json""",
    "neo4j-push": """examples:
  kg neo4j-push out/ --neo4j-uri bolt://localhost:7687 --neo4j-user neo4j --neo4j-password secret
  NEO4J_URI=bolt://localhost:7687 kg neo4j-push out/""",
    "html": """examples:
  kg html out/ --html-types MODEL,DATASET,BENCHMARK
  kg html out/ --html-max-nodes 500 --html-min-degree 2
  kg html out/ --html-view papers""",
    "sparql": """examples:
  kg sparql examples/queries/models-on-benchmark.rq --graph out/graph.ttl
  kg sparql 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --graph out/graph.ttl --format csv
  kg sparql 'SELECT * WHERE { ?s ?p ?o }' --graph out/graph.ttl --max-rows 0 --timeout 300""",
}


def _add_logging_options(p: argparse.ArgumentParser, defaults: bool) -> None:
    """-v/-q/--debug, accepted before and after the command name."""
    g = p.add_argument_group("logging") if not defaults else p
    kw = {} if defaults else {"default": argparse.SUPPRESS}
    g.add_argument(
        "-v",
        "--verbose",
        action="count",
        help="log more (repeatable)",
        **({"default": 0} if defaults else kw),
    )
    g.add_argument("-q", "--quiet", action="store_true", help="log errors only", **kw)
    g.add_argument(
        "--debug", action="store_true", help="show a traceback on unexpected errors", **kw
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        formatter_class=_Formatter,
        description="Build a knowledge graph of the models, methods, datasets, benchmarks, metrics "
        "and tasks that ML papers name, from their titles and abstracts.",
        epilog="example:\n  kg build examples/papers.jsonl --out out/ && open out/graph.html\n\n"
        "Run 'kg COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    _add_logging_options(parser, defaults=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name, help_text, func):
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=EXAMPLES[name],
            formatter_class=_Formatter,
        )
        p.set_defaults(func=func)
        _add_logging_options(p, defaults=False)
        return p

    p = add(
        "build",
        "read papers, extract entities and relations, and write the graph files to a folder",
        cmd_build,
    )
    _add_input_options(p)
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--update",
        action="store_true",
        help="add the inputs to the build already in DIR without re-extracting its papers",
    )
    _add_extract_options(p)
    _add_rdf_options(p)
    _add_html_options(p)
    _add_neo4j_options(p, required=False)
    _add_engine_options(p)

    p = add("extract", "write the per-paper extractions (JSON lines) only", cmd_extract)
    _add_input_options(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output file ('-' stdout)")
    _add_extract_options(p)

    p = add(
        "eval",
        "score the extraction of INPUT against gold annotations (precision, recall, F1)",
        cmd_eval,
    )
    p.add_argument("--gold", required=True, metavar="GOLD.jsonl", help="gold annotations")
    _add_input_options(p)
    _add_extract_options(p)
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")

    p = add("neo4j-push", "load an existing build into Neo4j over Bolt", cmd_neo4j_push)
    p.add_argument("dir", metavar="DIR", help="a folder written by kg build")
    _add_neo4j_options(p, required=True)

    p = add("html", "re-render graph.html of an existing build with other options", cmd_html)
    p.add_argument("dir", metavar="DIR", help="a folder written by kg build")
    _add_html_options(p)

    p = add("sparql", "run a SPARQL query over a build's RDF, offline", cmd_sparql)
    p.add_argument("query", metavar="QUERY_OR_FILE", help="a SPARQL query or a .rq file")
    p.add_argument("--graph", required=True, metavar="FILE", help="RDF file, e.g. out/graph.ttl")
    p.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="output format"
    )
    p.add_argument(
        "--timeout",
        type=_nonneg_int,
        default=60,
        metavar="SECONDS",
        help="stop the query after this many seconds (0: no limit)",
    )
    p.add_argument(
        "--max-rows",
        type=_nonneg_int,
        default=10_000,
        metavar="N",
        help="print at most N rows or triples, and say when more were cut (0: no limit)",
    )
    p.add_argument(
        "--max-memory",
        type=_nonneg_int,
        default=4096,
        metavar="MIB",
        help="stop the query when it needs more memory than this (0: no limit)",
    )
    return parser


def _setup_logging(args) -> None:
    level = (
        logging.ERROR
        if args.quiet
        else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    )
    logging.basicConfig(level=level, format="kg: %(levelname)s: %(message)s", stream=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kg`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args)
    try:
        return args.func(args)
    except KgError as exc:
        print(f"kg: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(
            "kg: interrupted; files already written are complete, others untouched", file=sys.stderr
        )
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except OSError as exc:  # the system refused (full disk, I/O error...): not a kg bug
        from kg.build import OUTPUT_ERRNOS

        where = f" ({exc.filename})" if exc.filename else ""
        print(f"kg: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 3 if exc.errno in OUTPUT_ERRNOS else 1
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"kg: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for details and report it)",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
