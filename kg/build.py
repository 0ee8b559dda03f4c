"""The main job: inputs -> papers -> extractions -> linked entities -> graph -> files.

This module only orchestrates; every stage lives in its own module:
``kg.io`` (readers) -> ``kg.extract`` (spaCy pipeline) -> ``kg.link`` (node ids)
-> ``kg.graph`` (NetworkX) -> ``kg.export`` (files).

Examples
--------
>>> from kg.build import build                                    # doctest: +SKIP
>>> summary = build(["papers.jsonl"], "out/")                     # doctest: +SKIP
>>> summary.entities_by_type["DATASET"]                           # doctest: +SKIP
12
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kg import __version__
from kg.engine.local import export_graph
from kg.errors import InputError, KgError, OutputError
from kg.export import ExportOptions
from kg.fsutil import ensure_writable_dir, write_text
from kg.graph import add_extraction, attach_texts
from kg.io.common import KnownPapers
from kg.link import Linker
from kg.paper_texts import PaperTexts
from kg.publish import BUILD_PREFIX, current_build, lock_output, publish, remove_stale_builds
from kg.records import Extraction, Paper, SkipReport

log = logging.getLogger("kg.build")

EXTRACTIONS_FILE = "extractions.jsonl"
MANIFEST_FILE = "manifest.json"

#: errno values that mean "the output cannot be written" (full disk, quota, read-only).
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


@dataclass(frozen=True)
class BuildOptions:
    """Options of :func:`build` and :func:`extract_linked`."""

    format: str | None = None
    strict: bool = False
    workers: int = 1
    batch_size: int = 64
    spacy_model: str | None = None
    update: bool = False
    progress: bool = False
    export: ExportOptions = field(default_factory=ExportOptions)
    #: ``local`` (processes on this machine) or ``dask`` (a Dask cluster; see kg.engine.dask)
    engine: str = "local"
    scheduler: str | None = None  #: dask: address of a running scheduler (tcp://HOST:PORT)
    scheduler_file: str | None = None  #: dask: a scheduler file written by dask-scheduler
    partition_size: int = 5000  #: dask: papers per task
    sample_nodes: int = 2000  #: dask: entities in graph.json/.graphml/.ttl/.html


@dataclass
class BuildSummary:
    """What a build read, skipped, found and wrote."""

    papers_read: int = 0
    papers_kept: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: int = 0
    entities_by_type: Counter = field(default_factory=Counter)
    relations_by_type: Counter = field(default_factory=Counter)
    nodes: int = 0
    edges: int = 0
    seconds: float = 0.0
    files: list[Path] = field(default_factory=list)
    out_dir: Path | None = None  #: the build folder ``files`` are in

    def to_dict(self) -> dict:
        return {
            "papers": self.papers_read,
            "papers_from_earlier_build": self.papers_kept,
            "skipped": [{"where": w, "reason": r} for w, r in self.skipped],
            "duplicates": self.duplicates,
            "entities_by_type": dict(sorted(self.entities_by_type.items())),
            "relations_by_type": dict(sorted(self.relations_by_type.items())),
            "nodes": self.nodes,
            "edges": self.edges,
            "seconds": round(self.seconds, 2),
            "files": [str(p) for p in self.files],
        }

    def format_text(self, max_reasons: int = 10) -> str:
        """A short human-readable summary."""
        lines = [f"papers read: {self.papers_read}"]
        if self.papers_kept:
            lines[0] += f" (+{self.papers_kept} kept from the earlier build)"
        lines.append(f"papers skipped: {len(self.skipped)}")
        for where, reason in self.skipped[:max_reasons]:
            lines.append(f"  {where}: {reason}")
        if len(self.skipped) > max_reasons:
            more = len(self.skipped) - max_reasons
            lines.append(f"  ... and {more} more (run with -v to log all)")
        if self.duplicates:
            lines.append(f"duplicate papers merged: {self.duplicates}")
        ents = sum(self.entities_by_type.values())
        lines.append(f"entities (per paper): {ents}  " + _counts(self.entities_by_type))
        rels = sum(self.relations_by_type.values())
        lines.append(f"relations (per paper): {rels}  " + _counts(self.relations_by_type))
        lines.append(f"graph: {self.nodes} nodes, {self.edges} edges")
        if self.files:
            names = {_short(p, self.out_dir) for p in self.files}
            lines.append("wrote: " + ", ".join(sorted(names)))
        lines.append(f"seconds: {self.seconds:.2f}")
        return "\n".join(lines)


def _counts(counter: Counter) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(counter.items()))


def _short(path: Path, out_dir: Path | None = None) -> str:
    """A file's name, or the top folder below ``out_dir`` it is in (``neo4j/``, ``tables/``)."""
    try:
        parts = path.relative_to(out_dir).parts if out_dir else (path.name,)
    except ValueError:
        parts = (path.name,)
    if len(parts) == 1 and path.parent.name == "neo4j":
        return "neo4j/"
    return f"{parts[0]}/" if len(parts) > 1 else parts[0]


# --------------------------------------------------------------------------- extraction


def _progress(iterable, enabled: bool, desc: str):
    """Wrap ``iterable`` in a tqdm bar on a terminal; plain iterable otherwise."""
    if not enabled or not sys.stderr.isatty():
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, desc=desc, unit="paper", dynamic_ncols=True, leave=False)


_worker_nlp = None


def _init_worker(spacy_model):
    global _worker_nlp
    from kg.nlp import build_nlp

    _worker_nlp = build_nlp(spacy_model)


def _extract_chunk(papers: list[Paper]) -> list[Extraction]:
    from kg.extract import extract_papers

    return list(extract_papers(papers, nlp=_worker_nlp, batch_size=len(papers) or 1))


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract_parallel(papers, workers, batch_size, spacy_model) -> Iterator[Extraction]:
    """Extract with ``workers`` processes, yielding in input order.

    At most ``2 * workers`` chunks are in flight, so memory stays flat however
    long the input is.
    """
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(workers, initializer=_init_worker, initargs=(spacy_model,)) as pool:
        pending = []
        for chunk in _chunks(papers, batch_size):
            pending.append(pool.apply_async(_extract_chunk, (chunk,)))
            if len(pending) >= 2 * workers:
                yield from pending.pop(0).get()
        for res in pending:
            yield from res.get()


def extract_raw(papers: Iterable[Paper], workers=1, batch_size=64, spacy_model=None, nlp=None):
    """Extract papers with one or more processes (entities not yet linked)."""
    from kg.extract import extract_papers

    if workers <= 1:
        if nlp is None:
            from kg.nlp import build_nlp

            nlp = build_nlp(spacy_model)
        return extract_papers(papers, nlp=nlp, batch_size=batch_size)
    return _extract_parallel(papers, workers, batch_size, spacy_model)


def extract_linked(
    inputs: Iterable[str | Path],
    options: BuildOptions | None = None,
    report: SkipReport | None = None,
    linker: Linker | None = None,
    known: KnownPapers | None = None,
    nlp=None,
) -> Iterator[Extraction]:
    """Read ``inputs`` and yield linked extractions, one per paper, in input order.

    This is the library form of ``kg extract``. Papers in ``known`` (those of
    an earlier build) are skipped as duplicates.
    """
    from kg.io import read_papers

    options = options or BuildOptions()
    report = report if report is not None else SkipReport()
    linker = linker or Linker()
    papers = read_papers(
        inputs, format=options.format, strict=options.strict, report=report, known=known
    )
    papers = _progress(papers, options.progress, "extracting")
    raw = extract_raw(papers, options.workers, options.batch_size, options.spacy_model, nlp)
    for ex in raw:
        yield linker.link(ex)


# --------------------------------------------------------------------------- build


def data_fingerprint() -> str:
    """A hash of the bundled patterns and vocabularies: an --update build refuses
    to mix extractions made with different rules."""
    root = Path(__file__).parent / "data"
    h = hashlib.sha256(__version__.encode())
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


def read_extractions(path: str | Path) -> Iterator[Extraction]:
    """Read an ``extractions.jsonl`` written by kg.

    Raises :class:`~kg.errors.InputError` naming ``file:line`` for anything
    else (bad UTF-8, bad JSON, a record of another shape).
    """
    path = Path(path)
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read it ({exc.strerror or exc})", where=str(path)) from exc
    with f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
                record = json.loads(line)
                if "\\ud" in line.lower():  # a lone surrogate cannot be written back
                    json.dumps(record, ensure_ascii=False).encode("utf-8")
                ex = Extraction.from_dict(record)
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
                reason = str(exc).split("\n")[0][:200] or type(exc).__name__
                raise InputError(
                    f"not a kg extraction ({reason}); rebuild without --update",
                    where=f"{path}:{lineno}",
                ) from None
            yield ex


def _read_manifest(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).split("\n")[0][:200]
        raise InputError(
            f"not a kg manifest ({reason}); rebuild all inputs without --update", where=str(path)
        ) from None
    if not isinstance(manifest, dict):
        raise InputError(
            "not a kg manifest (not a JSON object); rebuild all inputs without --update",
            where=str(path),
        )
    return manifest


def _load_previous(out_dir: Path, linker: Linker, graph, summary: BuildSummary, write_line):
    """Re-link and re-add the extractions of an earlier build (for --update)."""
    plain = (out_dir / EXTRACTIONS_FILE).is_file() and (out_dir / MANIFEST_FILE).is_file()
    base = out_dir if plain else current_build(out_dir)  # messages name DIR/... when they can
    manifest_path = base / MANIFEST_FILE
    if not (base / EXTRACTIONS_FILE).is_file() or not manifest_path.is_file():
        raise KgError(f"{out_dir} holds no kg build to update; run kg build without --update first")
    manifest = _read_manifest(manifest_path)
    if manifest.get("fingerprint") != data_fingerprint():
        raise KgError(
            f"{out_dir} was built by another kg version or other rules; "
            "rebuild all inputs without --update"
        )
    known = KnownPapers()
    for ex in read_extractions(base / EXTRACTIONS_FILE):
        ex = linker.link(ex)
        known.add(ex.paper)
        write_line(ex)
        add_extraction(graph, ex, compact=True)
        summary.papers_kept += 1
        _count(summary, ex)
    return known


def _count(summary: BuildSummary, ex: Extraction) -> None:
    summary.entities_by_type.update(e.type.value for e in ex.entities)
    summary.relations_by_type.update(r.type.value for r in ex.relations)


def build(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    options: BuildOptions | None = None,
    nlp=None,
) -> BuildSummary:
    """Build the knowledge graph of ``inputs`` and write every output to ``out_dir``.

    Writes graph.json, graph.graphml, graph.ttl (and other RDF formats asked
    for), graph.html, neo4j/, extractions.jsonl and manifest.json. With
    ``options.update`` the papers of the earlier build in ``out_dir`` are kept
    (not re-extracted) and the new ones added.

    One build at a time: ``out_dir/.kg-lock`` is locked (``fcntl.flock``) for
    the whole run, and a second build into the same folder is refused with
    :class:`~kg.errors.OutputError`. Everything is written to a new folder
    ``out_dir/.kg-build-*`` and published in one step (see :func:`publish`),
    so readers see the earlier build or this one, whole, never a mix; a
    failed or interrupted run leaves the earlier build untouched, and its
    leftovers are removed by the next build. A full disk (or quota, or a
    read-only folder) raises :class:`~kg.errors.OutputError`.
    """
    options = options or BuildOptions()
    if options.engine != "local":
        return _other_engine(inputs, out_dir, options, nlp)
    start = time.perf_counter()
    out_dir = ensure_writable_dir(out_dir)
    with lock_output(out_dir):
        remove_stale_builds(out_dir)
        try:
            return _build_locked(inputs, out_dir, options, nlp, start)
        except OSError as exc:
            if exc.errno in OUTPUT_ERRNOS:
                raise OutputError(_cannot_write(out_dir, exc)) from exc
            raise


def _cannot_write(out_dir: Path, exc: OSError) -> str:
    what = exc.strerror or str(exc)
    return f"cannot write the build to {out_dir}: {what}; free some space or choose another --out"


def _build_locked(inputs, out_dir: Path, options: BuildOptions, nlp, start: float) -> BuildSummary:
    summary = BuildSummary()
    report = SkipReport()
    linker = Linker()
    graph = nx.MultiDiGraph()
    staging = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=out_dir))
    texts = PaperTexts(staging / EXTRACTIONS_FILE)  # abstracts stay on disk, not in the graph
    attach_texts(graph, texts)
    published = False
    try:
        os.chmod(staging, 0o755)
        with open(texts.path, "wb") as f:

            def write_line(ex: Extraction) -> None:
                line = json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True)
                texts.write(f, line, ex.paper.id)

            known = None
            if options.update:
                known = _load_previous(out_dir, linker, graph, summary, write_line)
            for ex in extract_linked(inputs, options, report, linker, known, nlp):
                write_line(ex)
                add_extraction(graph, ex, compact=True)
                summary.papers_read += 1
                _count(summary, ex)
        if summary.papers_read + summary.papers_kept == 0:
            raise KgError("no papers could be read from the inputs; nothing was written")
        export_graph(graph, staging, options.export, options.workers)
        manifest = {
            "kg_version": __version__,
            "fingerprint": data_fingerprint(),
            "papers": summary.papers_read + summary.papers_kept,
        }
        write_text(staging / MANIFEST_FILE, json.dumps(manifest, indent=1) + "\n")
        summary.files = publish(staging, out_dir)
        summary.out_dir = out_dir
        published = True
    finally:
        texts.close()
        if not published:
            shutil.rmtree(staging, ignore_errors=True)
    summary.skipped = list(report.skipped)
    summary.duplicates = report.duplicates
    summary.nodes = graph.number_of_nodes()
    summary.edges = graph.number_of_edges()
    summary.seconds = time.perf_counter() - start
    return summary


ENGINES = ("local", "dask")


def _other_engine(inputs, out_dir, options: BuildOptions, nlp) -> BuildSummary:
    if options.engine != "dask":
        from kg.errors import choices_message

        raise KgError(choices_message("engine", options.engine, ENGINES))
    from kg.engine import dask as dask_engine

    return dask_engine.build(list(inputs), out_dir, options)


def load_graph(build_dir: str | Path) -> nx.MultiDiGraph:
    """Read the graph of an earlier build from ``build_dir/graph.json``.

    Raises :class:`~kg.errors.InputError` when the file is missing, is not
    JSON or does not have the shape ``kg build`` writes (see :mod:`kg.graph`).
    """
    from kg.export.nodelink import FILENAME, read_nodelink

    path = Path(build_dir) / FILENAME
    if not path.is_file():
        raise InputError(f"{path} not found: point at a folder written by `kg build`")
    from kg.graph_shape import graph_shape_problem

    try:
        graph = read_nodelink(path)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        reason = str(exc).split("\n")[0][:200] or type(exc).__name__
        raise InputError(
            f"{path} is not a kg graph.json ({reason}); rebuild it with `kg build`"
        ) from None
    problem = graph_shape_problem(graph)
    if problem:
        raise InputError(f"{path} is not a kg graph.json ({problem}); rebuild it with `kg build`")
    return graph
