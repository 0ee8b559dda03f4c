"""The local engine's export stage: every exporter, in parallel processes.

Once built, the graph is only read, so each exporter can run in a forked
process that shares the parent's memory (copy-on-write). Each exporter writes
its own files, so the outputs are byte-identical to a sequential run; the
longest exporters start first. With one worker, or where ``fork`` is missing,
the exporters run one after another in this process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from kg.errors import KgError
from kg.export import EXPORTERS, ExportOptions, get_exporter

#: Start order of the exporters when they run in parallel: the slowest first
#: (measured on 10k papers), so the last one to start is a short one.
_LONGEST_FIRST = ("html", "rdf", "neo4j-files", "graphml", "nodelink")

_graph = None  # the graph the forked exporters read (set just before the fork)


def _run_exporter(name: str, out_dir: str, options: ExportOptions) -> list[Path]:
    return get_exporter(name).write(_graph, Path(out_dir), options)


def export_graph(graph, out_dir: Path, options: ExportOptions, workers: int = 1, names=None):
    """Run every exporter (or those in ``names``) on ``graph``; return the files written.

    With ``workers > 1`` up to ``workers`` exporters run at once, each in a
    process forked after the graph was built.
    """
    global _graph
    names = list(names or EXPORTERS)
    for name in names:
        get_exporter(name)  # import before forking; an unknown name fails here
    if workers <= 1 or len(names) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        out = Path(out_dir)
        return [p for name in names for p in get_exporter(name).write(graph, out, options)]
    order = sorted(names, key=lambda n: _LONGEST_FIRST.index(n) if n in _LONGEST_FIRST else -1)
    _graph = graph
    gc.freeze()  # the collector would otherwise touch (and so copy) every page in each child
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(workers, len(names)), mp_context=ctx) as pool:
            futures = {n: pool.submit(_run_exporter, n, os.fspath(out_dir), options) for n in order}
            try:
                return [p for name in names for p in futures[name].result()]
            except BaseException as exc:
                pool.shutdown(cancel_futures=True)
                if isinstance(exc, BrokenProcessPool):
                    raise KgError(f"an exporter process died ({exc}); nothing published") from exc
                raise
    finally:
        _graph = None
        gc.unfreeze()
