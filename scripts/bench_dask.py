#!/usr/bin/env python3
"""``kg build --engine dask`` against the local engine (prints figures; not a test).

For each size (synthetic abstracts, as in scripts/bench.py), the local engine
with ``--workers 2`` and the Dask engine on a 2-worker LocalCluster, alternated
(local, dask, then dask, local for the next size): wall and CPU time (all
processes), the driver's peak RSS (the process that runs ``kg``; with Dask it
holds the scheduler and the linking table, never the graph, so it should stay
flat as the corpus grows), the peak RSS of all processes, and output sizes.

Usage::

    python scripts/bench_dask.py                       # 10k and 100k papers
    python scripts/bench_dask.py --sizes 2000 --partition-size 500
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench", HERE / "bench.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run(corpus: Path, out: Path, engine: str, partition_size: int) -> dict:
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out)]
    cmd += ["--workers", "2", "--no-progress", "-q", "--engine", engine]
    if engine == "dask":
        cmd += ["--partition-size", str(partition_size)]
    r = bench.run_measured(cmd)
    r["bytes"] = _size(out)
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scirex", type=Path, default=bench.DEFAULT_SCIREX)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--partition-size", type=int, default=2500)
    ap.add_argument("--engines", default="local,dask", help="engines to run, comma-separated")
    args = ap.parse_args()
    if not args.scirex.exists():
        raise SystemExit(f"{args.scirex} not found; pass --scirex PATH")
    sentences = bench.load_sentences(args.scirex, abstracts_only=True)
    print(f"local engine (--workers 2) vs --engine dask (2 workers, {args.partition_size}/task)")
    print(
        f"   {'papers':>8} {'engine':>6} {'wall s':>8} {'CPU s':>8} {'driver MB':>10} "
        f"{'all procs MB':>12} {'output MB':>10}"
    )
    drivers = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for i, n in enumerate(int(s) for s in args.sizes.split(",") if s):
            corpus = bench.synthetic_corpus(sentences, n, tmp / f"synth-{n}.jsonl")
            engines = [e for e in args.engines.split(",") if e]
            order = engines if i % 2 == 0 else engines[::-1]
            for engine in order:
                out = tmp / f"{engine}-{n}"
                r = run(corpus, out, engine, args.partition_size)
                if engine == "dask":
                    drivers[n] = r["peak_main"]
                print(
                    f"   {n:>8,} {engine:>6} {r['wall']:>8.1f} {r['cpu']:>8.1f} "
                    f"{r['peak_main'] / 1e6:>10.0f} {r['peak_rss_all'] / 1e6:>12.0f} "
                    f"{r['bytes'] / 1e6:>10.1f}",
                    flush=True,
                )
                bench.subprocess.run(["rm", "-rf", str(out)], check=False)
            corpus.unlink()
    if len(drivers) >= 2:
        (a, ra), (b, rb) = sorted(drivers.items())[0], sorted(drivers.items())[-1]
        print(
            f"\nSummary: dask driver peak RSS {ra / 1e6:.0f} MB at {a:,} papers, "
            f"{rb / 1e6:.0f} MB at {b:,} ({(rb - ra) / (b - a):.0f} B/paper more)"
        )


if __name__ == "__main__":
    main()
