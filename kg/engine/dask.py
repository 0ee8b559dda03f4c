"""The Dask engine: the same graph as a local build, made by a cluster, written in parts.

Stages (each a coarse task of ``partition_size`` papers; the pipeline is built
once per worker process, never pickled):

1. *read* (driver): ``kg.io.read_papers``, exactly as a local build (same
   skips and counts), cut into partitions as it streams; the duplicate check
   (a paper whose id or title an earlier one had) runs on the workers, through
   Dask's shuffle, with the local rule (:mod:`kg.engine.dedup`), so the driver
   holds no paper ids or titles;
2. *extract* (workers): entities and relations of each partition (but its
   duplicates); each task also returns the partition's distinct entity
   signatures (type, name, aliases), in order of first appearance;
3. *link* (driver, one small global step): linking is order-dependent (the
   first name seen mints an id), so the signatures are fed to one
   :class:`kg.link.Linker` in input order: the same ids as a local build, since
   an entity seen again always gets its first id. The linker's table of link
   keys is all the driver holds, and only until every partition is linked;
4. *join* (workers): ids back into each partition's extractions, which are
   written (``extractions/part-*.jsonl``) with the paper nodes and edges leaving
   them (:mod:`kg.engine.parts`);
5. *aggregate* (workers): entity mentions and entity-headed claims, keyed by
   node id, go through Dask's shuffle (``dask.bag`` ``groupby``); each output
   partition merges its nodes and edges in input order with the same
   functions as a local build (:func:`kg.graph.merge_entity`,
   :func:`kg.graph.merge_claim`) and writes its parts;
6. *sample* (workers): graph.json, graph.graphml, graph.ttl and graph.html hold
   the ``sample_nodes`` entities mentioned by the most papers (ties by id) and
   the relations among them, chosen and written by tasks (:func:`write_sample`).

Everything is written to a staging folder and published only when complete;
a worker that dies is replaced and its tasks rerun by Dask (parts are written
atomically and deterministically), and a build Dask gives up on fails with one
line, publishing nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import zlib
from collections import Counter
from concurrent.futures import CancelledError
from dataclasses import replace
from pathlib import Path

import networkx as nx

from kg.errors import KgError
from kg.fsutil import atomic_writer, write_text
from kg.graph import add_extraction, merge_claim, merge_entity, paper_claims
from kg.records import Paper

log = logging.getLogger("kg.engine.dask")

EXTRACTIONS_DIR = "extractions"
#: Most edges a sample node keeps to other sample nodes (the most supported).
SAMPLE_EDGES_MAX = 12
#: Longest ``papers``/``introduced_by``/``claims`` list of a node or edge in the sample.
SAMPLE_LIST_MAX = 10
#: Link keys the driver's :class:`kg.link.Linker` caches (a bound: ids never depend on it).
LINK_CACHE_SIZE = 50_000
#: Environment variable naming a file: the first extract task that finds it
#: missing creates it and kills its worker process (tests of worker loss).
KILL_ONCE_ENV = "KG_DASK_KILL_WORKER_ONCE"

_nlp = {}  # spaCy pipeline per model name, built once per worker process


def _pipeline(spacy_model):
    if spacy_model not in _nlp:
        from kg.nlp import build_nlp

        _nlp[spacy_model] = build_nlp(spacy_model)
    return _nlp[spacy_model]


def _signature(ent) -> tuple:
    return (ent.type, ent.name, tuple(ent.aliases))


# --------------------------------------------------------------------------- tasks


def extract_task(path: str, index: int, dropped: dict, spacy_model, batch_size: int) -> dict:
    """Stage 2: raw extractions of partition ``index`` (papers read from ``path``, but
    for the duplicates ``dropped`` names, see :mod:`kg.engine.dedup`) and its distinct
    entity signatures."""
    from kg.extract import extract_papers

    drop = set(dropped.get(index, ()))
    with open(path, encoding="utf-8") as f:
        papers = [Paper.from_dict(json.loads(text)) for i, text in enumerate(f) if i not in drop]
    marker = os.environ.get(KILL_ONCE_ENV)
    if marker and not os.path.exists(marker):
        Path(marker).touch()
        os._exit(9)  # a worker lost mid-run: Dask must rerun this task elsewhere
    nlp = _pipeline(spacy_model)
    extractions = list(extract_papers(papers, nlp=nlp, batch_size=batch_size))
    seen: dict[tuple, None] = {}
    for ex in extractions:
        for ent in ex.entities:
            seen.setdefault(_signature(ent), None)
    return {"extractions": extractions, "signatures": list(seen)}


def signatures_of(result: dict) -> list:
    return result["signatures"]


def join_task(index: int, result: dict, ids: list[str], stage: str, base_iri: str) -> dict:
    """Stage 4: linked extractions, written; paper parts written; rows to shuffle."""
    from kg.engine.parts import stub, write_part

    by_sig = dict(zip(result["signatures"], ids, strict=True))
    stage_dir = Path(stage)
    graph = nx.MultiDiGraph()
    rows = []
    summary = {"entities": Counter(), "relations": Counter(), "papers": 0}
    path = stage_dir / EXTRACTIONS_DIR / f"part-{index:05d}.jsonl"
    with atomic_writer(path) as f:
        for pos, ex in enumerate(result["extractions"]):
            entities = tuple(replace(e, id=by_sig[_signature(e)]) for e in ex.entities)
            ex = replace(ex, entities=entities)
            f.write(json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            add_extraction(graph, ex)
            summary["papers"] += 1
            summary["entities"].update(e.type.value for e in ex.entities)
            summary["relations"].update(r.type.value for r in ex.relations)
            where = (index, pos)
            for j, ent in enumerate(ex.entities):
                row = ("entity", (*where, j), ex.paper.id, replace(ent, mentions=()))
                rows.append((ent.id, row))
            for i, (head, tail, etype, claim) in enumerate(paper_claims(ex)):
                if not head.startswith("paper:"):
                    rows.append((head, ("claim", (*where, i), tail, etype, claim)))
    papers = [n for n, d in graph.nodes(data=True) if d["kind"] == "Paper"]
    for u, v, k in [e for e in graph.edges(keys=True) if not e[0].startswith("paper:")]:
        graph.remove_edge(u, v, k)
    for node in graph.nodes:
        if not node.startswith("paper:"):
            graph.nodes[node].clear()
            stub(graph, node)
    write_part(graph, papers, stage_dir, f"p{index:05d}", base_iri)
    summary["edges"] = graph.number_of_edges()
    return {"summary": summary, "rows": rows}


def rows_of(result: dict) -> list:
    return result["rows"]


def summary_of(result: dict) -> dict:
    return result["summary"]


def aggregate_task(index: int, groups, stage: str, base_iri: str) -> nx.MultiDiGraph:
    """Stage 5: the entity nodes of one shuffle partition and the edges leaving
    them, merged in input order exactly as a local build; parts written."""
    from kg.engine.parts import stub, write_part

    entity_rows, claim_rows = [], []
    for _, items in groups:  # grouped by a hash of the node id: one group may hold several
        for node, row in items:
            if row[0] == "entity":
                entity_rows.append(row)
            else:
                claim_rows.append((row[1], node, row[2], row[3], row[4]))
    graph = nx.MultiDiGraph()
    for _, _, paper_id, ent in sorted(entity_rows, key=lambda r: r[1]):
        merge_entity(graph, ent, paper_id)
    owned = list(graph.nodes)
    for _, head, tail, etype, claim in sorted(claim_rows, key=lambda r: r[0]):
        merge_claim(graph, head, tail, etype, claim)
    for node in graph.nodes:
        stub(graph, node)
    write_part(graph, owned, Path(stage), f"e{index:05d}", base_iri)
    graph.graph["owned"] = len(owned)
    return graph


def part_counts(graph: nx.MultiDiGraph) -> tuple[int, int]:
    """The entity nodes an aggregated part owns and the edges leaving them."""
    return graph.graph["owned"], graph.number_of_edges()


def part_top(graph: nx.MultiDiGraph, k: int) -> list[tuple[int, str]]:
    """The ``k`` entities of a part in the most papers, as ``(-papers, id)``."""
    owned = [n for n, d in graph.nodes(data=True) if "papers" in d]
    return sorted((-len(graph.nodes[n]["papers"]), n) for n in owned)[:k]


def choose_sample(k: int, *tops: list) -> set[str]:
    """The ``k`` entities in the most papers (ties by id) of all parts' :func:`part_top`."""
    return {n for _, n in sorted(t for top in tops for t in top)[:k]}


def sample_part(
    graph: nx.MultiDiGraph,
    chosen: set,
    cap: int = SAMPLE_LIST_MAX,
    edge_cap: int = SAMPLE_EDGES_MAX,
) -> list:
    """The chosen nodes this part owns and their edges to chosen nodes (at most
    ``edge_cap`` a node, the most supported first), each list (``papers``,
    ``introduced_by``, ``claims``) cut to its first ``cap`` items, so the sample (and
    the driver that gathers it) stays the same size however large the corpus
    (``paper_count`` and ``support`` keep the whole counts)."""
    out = []
    for node in sorted(chosen):
        if node in graph and "papers" in graph.nodes[node]:
            data = dict(graph.nodes[node])
            data["paper_count"] = len(data["papers"])
            data["papers"] = data["papers"][:cap]
            data["introduced_by"] = data["introduced_by"][:cap]
            edges = sorted(
                (
                    (v, k, d)
                    for v, keydict in graph.succ[node].items()
                    if v in chosen
                    for k, d in keydict.items()
                ),
                key=lambda e: (-int(e[2].get("support") or 0), e[0], e[1]),
            )[:edge_cap]
            out.append(
                (node, data, [(v, k, {**d, "claims": d["claims"][:cap]}) for v, k, d in edges])
            )
    return out


def shuffle_key(row: tuple) -> int:
    """The shuffle key of a row: a hash of its node id that is the same in every
    process (``hash(str)`` is salted per process)."""
    return zlib.crc32(row[0].encode("utf-8"))


# --------------------------------------------------------------------------- driver


@contextlib.contextmanager
def connect(options):
    """A ``distributed.Client``: to ``options.scheduler`` or ``options.scheduler_file``,
    else to a new ``LocalCluster`` of ``options.workers`` processes on 127.0.0.1
    with no dashboard (closed afterwards)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise KgError("--engine dask needs Dask: pip install 'kg[dask]'") from exc
    if options.scheduler and options.scheduler_file:
        raise KgError("give --scheduler or --scheduler-file, not both")
    cluster = None
    try:
        if options.scheduler:
            client = Client(options.scheduler, timeout="20s")
        elif options.scheduler_file:
            client = Client(scheduler_file=str(options.scheduler_file), timeout="20s")
        else:
            cluster = LocalCluster(
                n_workers=max(1, options.workers),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # no dashboard; its HTTP routes (health) on a free port of 127.0.0.1
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        where = options.scheduler or options.scheduler_file or "a local cluster"
        raise KgError(f"cannot reach the Dask scheduler at {where}: {exc}") from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def build(inputs, out_dir, options):
    """Build with Dask; the files of a local build, partitioned (see the module doc)."""
    import shutil
    import tempfile
    import time

    from kg.build import BuildSummary
    from kg.fsutil import ensure_writable_dir
    from kg.publish import BUILD_PREFIX, lock_output, publish, remove_stale_builds
    from kg.records import SkipReport

    if options.update:
        raise KgError("--update is not supported with --engine dask; rebuild all inputs")
    if options.partition_size < 1:
        raise KgError(f"--partition-size must be 1 or more, not {options.partition_size}")
    start = time.perf_counter()
    out_dir = ensure_writable_dir(out_dir)
    summary, report = BuildSummary(), SkipReport()
    with lock_output(out_dir):  # one build at a time, published whole (kg.publish)
        remove_stale_builds(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=BUILD_PREFIX, dir=out_dir))
        published = False
        try:
            with connect(options) as client:
                _run(client, inputs, staging, options, report, summary)
            shutil.rmtree(staging / ".inputs", ignore_errors=True)
            for leftover in staging.rglob(".*.tmp"):  # of a task attempt killed mid-write
                leftover.unlink()
            staging.chmod(0o755)
            summary.files = publish(staging, out_dir)
            summary.out_dir = out_dir
            published = True
        except KgError:
            raise
        except Exception as exc:
            if not _from_dask(exc):
                raise
            name = type(exc).__name__
            raise KgError(f"the Dask build failed ({name}: {exc}); nothing was published") from exc
        finally:
            if not published:
                shutil.rmtree(staging, ignore_errors=True)
    summary.skipped = list(report.skipped)
    summary.duplicates = report.duplicates
    summary.seconds = time.perf_counter() - start
    return summary


def _from_dask(exc: BaseException) -> bool:
    """Whether ``exc`` is Dask's (a lost worker, a cancelled task, a dropped connection)."""
    package = type(exc).__module__.split(".")[0]
    return isinstance(exc, CancelledError | TimeoutError) or package in _DASK_PACKAGES


_DASK_PACKAGES = ("distributed", "dask", "tornado")


def _write_partition(papers: list[Paper], path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for p in papers:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    return str(path)


def _run(client, inputs, staging: Path, options, report, summary) -> None:
    """Stages 1-6 (see the module doc); fills ``summary``. The driver holds the
    linker's table while it links, and otherwise counts and futures."""
    from collections import deque

    import dask
    import dask.bag as db

    from kg.build import _chunks
    from kg.engine import dedup
    from kg.io import read_papers
    from kg.link import Linker

    base = options.export.base_iri
    stage = str(staging)
    # stage 1: skips are counted here, duplicates are found by the workers (kg.engine.dedup)
    papers = read_papers(
        inputs,
        format=options.format,
        strict=options.strict,
        report=report,
        known=dedup.NoDuplicateCheck(),
    )
    paths, keys = [], []
    for index, chunk in enumerate(_chunks(papers, options.partition_size)):
        paths.append(_write_partition(chunk, staging / ".inputs" / f"part-{index:05d}.jsonl"))
        keys.append(client.submit(dedup.paper_keys, paths[-1], index, pure=False))
        del chunk
    if not paths:
        raise KgError("no papers could be read from the inputs; nothing was written")
    dropped = dedup.find_duplicates(client, keys)
    duplicates = client.submit(dedup.count, dropped, pure=False)
    keys.clear()

    linker = Linker(cache_size=LINK_CACHE_SIZE)
    pending, joins = deque(), []
    in_flight = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)

    def link_next():
        # stage 3: a signature seen in an earlier task gets its first id again
        # (Linker.id_for is idempotent), so no table of signatures is kept
        index, ext, sigs = pending.popleft()
        ids = [linker.id_for(*sig) for sig in sigs.result()]
        joins.append(client.submit(join_task, index, ext, ids, stage, base, pure=False))

    for index, path in enumerate(paths):
        ext = client.submit(
            extract_task,
            path,
            index,
            dropped,
            options.spacy_model,
            options.batch_size,
            pure=False,
        )
        pending.append((index, ext, client.submit(signatures_of, ext, pure=False)))
        while len(pending) > in_flight:
            link_next()
    while pending:
        link_next()
    linker = dropped = None  # the linking table is freed before the shuffle
    report.duplicates += duplicates.result()
    if report.duplicates:
        log.info("%d duplicate papers skipped", report.duplicates)
    for s in client.gather([client.submit(summary_of, j, pure=False) for j in joins]):
        summary.papers_read += s["papers"]
        summary.entities_by_type.update(s["entities"])
        summary.relations_by_type.update(s["relations"])
        summary.edges += s["edges"]
    summary.nodes = summary.papers_read

    rows = db.from_delayed([dask.delayed(client.submit(rows_of, j, pure=False)) for j in joins])
    grouped = rows.groupby(shuffle_key, npartitions=len(joins), shuffle="tasks")
    parts = client.compute(
        [
            dask.delayed(aggregate_task)(i, part, stage, base)
            for i, part in enumerate(grouped.to_delayed())
        ]
    )
    joins.clear()
    for nodes, edges in client.gather([client.submit(part_counts, g, pure=False) for g in parts]):
        summary.nodes += nodes
        summary.edges += edges
    # stage 6, on a worker: the driver never holds the sample either
    k = options.sample_nodes
    tops = [client.submit(part_top, g, k, pure=False) for g in parts]
    chosen = client.submit(choose_sample, k, *tops, pure=False)
    pieces = [client.submit(sample_part, g, chosen, pure=False) for g in parts]
    export = replace(options.export, rdf_formats=("turtle",))
    client.submit(write_sample, stage, export, k, *pieces, pure=False).result()
    _write_driver_files(staging, options, summary, len(parts), k)


def sample_note(k: int) -> str:
    """What the sample outputs hold (``graph.json``'s ``graph.sample``, the manifest)."""
    return (
        f"sample: the {k} entities in the most papers (ties by id) and the relations "
        f"among them (at most {SAMPLE_EDGES_MAX} a node, the most supported), lists of "
        f"papers and claims cut to their first {SAMPLE_LIST_MAX} "
        f"(paper_count and support are whole); the whole graph is in tables/, rdf/, "
        f"neo4j/ and extractions/"
    )


def write_sample(stage: str, export, k: int, *pieces: list) -> None:
    """Stage 6 (a task): graph.json, graph.graphml, graph.ttl and graph.html of the
    sample, from every part's :func:`sample_part`."""
    from kg.engine.local import export_graph

    sample = nx.MultiDiGraph()
    sample.graph["sample"] = sample_note(k)
    for part in pieces:
        for node, data, _ in part:
            sample.add_node(node, **data)
    for part in pieces:
        for node, _, edges in part:
            for v, key, data in edges:
                sample.add_edge(node, v, key=key, **data)
    # one process: a Dask worker may not fork exporters
    export_graph(sample, Path(stage), export, 1, ["nodelink", "graphml", "rdf", "html"])


def _write_driver_files(staging: Path, options, summary, n_parts: int, k: int) -> None:
    """The neo4j headers and import.sh, the VoID file, the manifest."""
    from kg import __version__
    from kg.build import MANIFEST_FILE, data_fingerprint
    from kg.engine.parts import import_script, void_description, write_neo4j_headers

    neo4j = staging / "neo4j"
    write_neo4j_headers(neo4j)
    write_text(neo4j / "import.sh", import_script(neo4j))
    parts = sorted(p.name for p in (staging / "rdf").glob("part-*.nt"))
    write_text(staging / "rdf" / "void.ttl", void_description(parts, options.export.base_iri))
    manifest = {
        "kg_version": __version__,
        "fingerprint": data_fingerprint(),
        "papers": summary.papers_read,
        "engine": "dask",
        "entity_parts": n_parts,
        "sample": sample_note(k),
    }
    write_text(staging / MANIFEST_FILE, json.dumps(manifest, indent=1) + "\n")
