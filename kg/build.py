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
from kg.errors import KgError
from kg.export import ExportOptions
from kg.fsutil import ensure_writable_dir, write_text
from kg.graph import add_extraction, attach_texts
from kg.io.common import KnownPapers
from kg.link import Linker
from kg.paper_texts import PaperTexts
from kg.records import Extraction, Paper, SkipReport

log = logging.getLogger("kg.build")

EXTRACTIONS_FILE = "extractions.jsonl"
MANIFEST_FILE = "manifest.json"


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
            lines.append("wrote: " + ", ".join(sorted({_short(p) for p in self.files})))
        lines.append(f"seconds: {self.seconds:.2f}")
        return "\n".join(lines)


def _counts(counter: Counter) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(counter.items()))


def _short(path: Path) -> str:
    parent = path.parent.name
    return f"{parent}/" if parent == "neo4j" or path.name.startswith("part-") else path.name


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
    """Read an ``extractions.jsonl`` written by kg."""
    path = Path(path)
    try:
        f = open(path, encoding="utf-8")
    except OSError as exc:
        raise KgError(f"cannot read {path}: {exc.strerror or exc}") from exc
    with f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield Extraction.from_dict(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise KgError(
                    f"{path}:{lineno}: not a kg extraction ({exc}); rebuild without --update"
                ) from exc


def _load_previous(out_dir: Path, linker: Linker, graph, summary: BuildSummary, write_line):
    """Re-link and re-add the extractions of an earlier build (for --update)."""
    manifest_path = out_dir / MANIFEST_FILE
    if not (out_dir / EXTRACTIONS_FILE).exists() or not manifest_path.exists():
        raise KgError(f"{out_dir} holds no kg build to update; run kg build without --update first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("fingerprint") != data_fingerprint():
        raise KgError(
            f"{out_dir} was built by another kg version or other rules; "
            "rebuild all inputs without --update"
        )
    known = KnownPapers()
    for ex in read_extractions(out_dir / EXTRACTIONS_FILE):
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
    for), graph.html, neo4j/, extractions.jsonl and manifest.json. Everything
    is first written to a private staging folder inside ``out_dir`` and moved
    into place only when all of it is complete, so a failed or interrupted run
    leaves the files of the earlier build untouched. With ``options.update``
    the papers of the earlier build in ``out_dir`` are kept (not re-extracted)
    and the new ones added.
    """
    options = options or BuildOptions()
    if options.engine != "local":
        return _other_engine(inputs, out_dir, options, nlp)
    start = time.perf_counter()
    out_dir = ensure_writable_dir(out_dir)
    summary = BuildSummary()
    report = SkipReport()
    linker = Linker()
    graph = nx.MultiDiGraph()
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=out_dir))
    texts = PaperTexts(staging / EXTRACTIONS_FILE)  # abstracts stay on disk, not in the graph
    attach_texts(graph, texts)
    try:
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
        summary.files = _publish(staging, out_dir)
    finally:
        texts.close()
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


def _publish(staging: Path, out_dir: Path) -> list[Path]:
    """Move every file of ``staging`` to the same place under ``out_dir`` (rename,
    so each file appears whole); the manifest goes last."""
    files = sorted(
        (p for p in staging.rglob("*") if p.is_file()), key=lambda p: p.name == MANIFEST_FILE
    )
    published = []
    for src in files:
        dest = out_dir / src.relative_to(staging)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
        published.append(dest)
    return published


def load_graph(build_dir: str | Path) -> nx.MultiDiGraph:
    """Read the graph of an earlier build from ``build_dir/graph.json``."""
    from kg.export.nodelink import FILENAME, read_nodelink

    path = Path(build_dir) / FILENAME
    if not path.is_file():
        raise KgError(f"{path} not found: point at a folder written by `kg build`")
    try:
        return read_nodelink(path)
    except (ValueError, KeyError) as exc:
        raise KgError(f"{path} is not a kg graph.json ({exc}); rebuild it with `kg build`") from exc
