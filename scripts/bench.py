#!/usr/bin/env python3
"""Throughput, memory and parallelism benchmark of kg (prints figures; not a test).

Written for a noisy, shared machine: every comparison alternates its
configurations (A B B A ...) and repeats them, reports medians, and prints
CPU time next to wall time (CPU time is what other load on the machine
disturbs least). Sections, all in one run:

1. throughput of the whole kg pipeline (tokenizer, every pipeline component,
   records, linking, graph, JSON line) against spaCy's bare tokenizer
   (``spacy.blank("en")``) on the same texts in the same run (real,
   unrepeated abstract-sized pieces of the SciREX papers), with the cost of
   each component, and the Linker's key cache on and off;
2. memory of ``kg build --workers 1`` (all exports) on synthetic corpora of
   10k, 100k and 300k abstracts (sentences of real SciREX abstracts under new
   ids): peak RSS and the per-paper slope of a least-squares line through
   them; CPU and wall time;
3. ``--workers 2`` against ``--workers 1`` on the first size, alternated and
   repeated: the ratio of median wall times and of CPU times, and the peak
   memory of all processes together (sum of RSS, and of PSS, which counts
   pages shared by forked processes once), sampled every 0.1 s;
4. the exporters: CPU seconds of each on the graph of the first size, and
   parallel (2 processes) against sequential exports, alternated.

Usage::

    python scripts/bench.py                          # everything (300k takes long)
    python scripts/bench.py --sizes 10000,100000 --repeats 2
    python scripts/bench.py --sizes 2000 --skip-workers --pipeline-texts 600
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCIREX = REPO.parent / "shared" / "data" / "scirex" / "scirex-train-docs.jsonl"
PAGE = os.sysconf("SC_PAGE_SIZE")

_DETOK = [
    (re.compile(r" ([.,;:?!%)\]])"), r"\1"),
    (re.compile(r"([(\[]) "), r"\1"),
    (re.compile(r" - "), "-"),
    (re.compile(r" ' s\b"), "'s"),
]


def detokenize(words: list[str]) -> str:
    """Join SciREX tokens back into readable text."""
    text = " ".join(words)
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text


def load_sentences(path: Path, abstracts_only: bool = False) -> list[str]:
    """Every sentence of the SciREX documents (or of their first section only)."""
    sentences = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            words = doc["words"]
            limit = doc["sections"][0][1] if abstracts_only else len(words)
            for start, end in doc["sentences"]:
                if end <= limit and end - start >= 5:
                    sentences.append(detokenize(words[start:end]))
    return sentences


def load_paragraphs(path: Path, limit: int, words_per_text: int = 180) -> list[str]:
    """Real, unrepeated text: consecutive sentences of the SciREX papers cut into
    abstract-sized pieces (about ``words_per_text`` words), at most ``limit`` of them."""
    texts: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            words, piece = doc["words"], []
            for start, end in doc["sentences"]:
                piece.append(detokenize(words[start:end]))
                if sum(len(p.split()) for p in piece) >= words_per_text:
                    texts.append(" ".join(piece))
                    piece = []
                    if len(texts) >= limit:
                        return texts
    return texts


def synthetic_corpus(sentences: list[str], n: int, path: Path, seed: int = 13) -> Path:
    """Write ``n`` synthetic abstracts (6-9 sampled sentences each) as JSONL."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            body = " ".join(rng.sample(sentences, rng.randint(6, 9)))
            words = rng.choice(sentences).split()[:8]
            title = f"{' '.join(words).rstrip('.,;:')} (synthetic {i})"  # titles must be unique
            f.write(json.dumps({"id": f"synth-{i:06d}", "title": title, "abstract": body}) + "\n")
    return path


def alternate(configs: list, repeats: int):
    """``configs`` in A B, B A, A B ... order: ``repeats`` rounds, each config once per round."""
    for r in range(repeats):
        yield r, configs if r % 2 == 0 else configs[::-1]


# --------------------------------------------------------------------------- 1. pipeline


def _run_pipeline(nlp, papers, timings: dict) -> int:
    """Every stage of a build's extraction on ``papers``, timed per stage (CPU s)."""
    from kg.extract import doc_to_extraction, safe_make_doc
    from kg.graph import add_extraction
    from kg.link import Linker
    from kg.nlp import paper_text
    from kg.nlp.components import TEXT_KEY
    from kg.paper_texts import PaperTexts

    def clock(name, t0):
        now = time.process_time()
        timings[name] = timings.get(name, 0.0) + now - t0
        return now

    import networkx as nx

    t = time.process_time()
    docs = []
    for p in papers:
        text = paper_text(p.title, p.abstract)
        doc = safe_make_doc(nlp, text)
        doc.user_data[TEXT_KEY] = text
        docs.append(doc)
    t = clock("tokenizer (kg)", t)
    for name, proc in nlp.pipeline:
        docs = list(proc.pipe(docs, batch_size=256)) if hasattr(proc, "pipe") else map(proc, docs)
        docs = list(docs)
        t = clock(name, t)
    exs = [doc_to_extraction(p, d) for p, d in zip(papers, docs, strict=True)]
    t = clock("records (extract.py)", t)
    linker = Linker()
    exs = [linker.link(e) for e in exs]
    t = clock("linking", t)
    graph, texts, f = nx.MultiDiGraph(), PaperTexts("unused"), io.BytesIO()
    for ex in exs:
        texts.write(f, json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True), ex.paper.id)
    t = clock("extractions.jsonl lines", t)
    for ex in exs:
        add_extraction(graph, ex, compact=True)
    clock("graph", t)
    return len(exs)


def bench_pipeline(texts: list[str], warmup: list[str], repeats: int) -> dict:
    """Words/s of the bare tokenizer and of the whole kg pipeline, alternated.

    The texts are cut into ``repeats`` disjoint slices; each round runs both
    on its own slice, so neither gains from having seen the text (spaCy's
    tokenizer caches the words it has seen). Both are warmed up on ``warmup``.
    """
    import spacy

    from kg.nlp import build_nlp
    from kg.records import Paper

    blank, nlp = spacy.blank("en"), build_nlp()
    for pipe in (blank, nlp):
        for _ in pipe.pipe(warmup):
            pass
    slices = [texts[i::repeats] for i in range(repeats)]
    rounds, timings = [], {}
    for r, order in alternate(["tokenizer", "kg"], repeats):
        chunk = slices[r]
        papers = [Paper(f"t{i}", " ".join(t.split()[:8]), t) for i, t in enumerate(chunk)]
        words = sum(len(p.title.split()) + len(p.abstract.split()) for p in papers)
        row = {"words": words}
        for what in order:
            gc.collect()
            t0, c0 = time.perf_counter(), time.process_time()
            if what == "tokenizer":
                from kg.nlp import paper_text

                for _ in blank.pipe(paper_text(p.title, p.abstract) for p in papers):
                    pass
            else:
                _run_pipeline(nlp, papers, timings)
            row[what] = (time.perf_counter() - t0, time.process_time() - c0)
        rounds.append(row)
    ratios = [r["tokenizer"][1] / r["kg"][1] for r in rounds]  # CPU-time ratio
    words = sum(r["words"] for r in rounds)
    return {
        "words": words,
        "tokenizer_wps": words / sum(r["tokenizer"][1] for r in rounds),
        "kg_wps": words / sum(r["kg"][1] for r in rounds),
        "ratio": statistics.median(ratios),
        "ratios": ratios,
        "wall_ratios": [r["tokenizer"][0] / r["kg"][0] for r in rounds],
        "timings": timings,
    }


def bench_link_cache(texts: list[str], repeats: int) -> tuple[float, float, bool]:
    """CPU seconds of linking the same extractions with the key cache off and on."""
    from dataclasses import replace

    from kg.extract import extract_papers
    from kg.link import Linker
    from kg.records import Paper

    papers = [Paper(f"t{i}", " ".join(t.split()[:8]), t) for i, t in enumerate(texts)]
    exs = list(extract_papers(papers))
    exs = [replace(e, entities=tuple(replace(x, id="") for x in e.entities)) for e in exs] * 3
    times: dict[int, list[float]] = {0: [], 1_000_000: []}
    ids = {}
    for _, order in alternate([0, 1_000_000], repeats):
        for size in order:
            linker = Linker(cache_size=size)
            t0 = time.process_time()
            ids[size] = [[x.id for x in linker.link(e).entities] for e in exs]
            times[size].append(time.process_time() - t0)
    same = ids[0] == ids[1_000_000]
    return statistics.median(times[0]), statistics.median(times[1_000_000]), same


# --------------------------------------------------------------------------- processes


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(name))
    return kids


def _tree(root: int) -> list[int]:
    kids, out, i = _children(), [root], 0
    while i < len(out):
        out.extend(kids.get(out[i], ()))
        i += 1
    return out


def _rss_pss(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of ``pid`` in bytes (0 when gone)."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            rss = int(f.read().split()[1]) * PAGE
        pss = 0
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
        return rss, pss
    except (OSError, ValueError, IndexError):
        return 0, 0


def run_measured(cmd: list[str], interval: float = 0.1) -> dict:
    """Run ``cmd``; return wall and CPU seconds (the process and every child it
    waited for) and peak memory: of the first process, and summed over all."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = {"main": 0, "rss": 0, "pss": 0, "procs": 1}
    done = threading.Event()

    def sample():
        while not done.wait(interval):
            pids = _tree(proc.pid)
            mem = [_rss_pss(p) for p in pids]
            peak["main"] = max(peak["main"], mem[0][0])
            peak["rss"] = max(peak["rss"], sum(m[0] for m in mem))
            peak["pss"] = max(peak["pss"], sum(m[1] for m in mem))
            peak["procs"] = max(peak["procs"], len(pids))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss": usage.ru_maxrss * 1024,  # the largest single process (Linux: KiB)
        "peak_main": peak["main"],
        "peak_rss_all": peak["rss"],
        "peak_pss_all": peak["pss"],
        "procs": peak["procs"],
    }


def kg_build(corpus: Path, out: Path, workers: int) -> dict:
    cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out)]
    return run_measured(cmd + ["--workers", str(workers), "--no-progress", "-q"])


# --------------------------------------------------------------------------- 2-4


def slope(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares line ``y = a + b x`` through ``points``; returns (a, b)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - b * mx, b


def bench_exporters(build_dir: Path, repeats: int) -> dict:
    """CPU seconds of each exporter on a build's compact graph, and parallel
    (2 processes) against sequential exports, alternated."""
    import networkx as nx

    from kg.build import read_extractions
    from kg.engine.local import export_graph
    from kg.export import EXPORTERS, ExportOptions, get_exporter
    from kg.graph import add_extraction, attach_texts
    from kg.paper_texts import PaperTexts

    options = ExportOptions()
    graph = nx.MultiDiGraph()
    with tempfile.TemporaryDirectory() as tmp:
        texts = PaperTexts(Path(tmp) / "extractions.jsonl")
        with open(texts.path, "wb") as f:
            for ex in read_extractions(build_dir / "extractions.jsonl"):
                texts.write(f, json.dumps(ex.to_dict(), ensure_ascii=False, sort_keys=True))
                add_extraction(graph, ex, compact=True)
        attach_texts(graph, texts)
        each = {}
        for name in EXPORTERS:
            t0 = time.process_time()
            get_exporter(name).write(graph, Path(tmp), options)
            each[name] = time.process_time() - t0
        walls: dict[int, list[float]] = {1: [], 2: []}
        for _, order in alternate([1, 2], repeats):
            for workers in order:
                t0 = time.perf_counter()
                export_graph(graph, Path(tmp), options, workers)
                walls[workers].append(time.perf_counter() - t0)
        texts.close()
    return {"each": each, "walls": walls}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scirex", type=Path, default=DEFAULT_SCIREX, help="SciREX docs JSONL")
    ap.add_argument("--sizes", default="10000,100000,300000", help="corpus sizes for kg build")
    ap.add_argument("--repeats", type=int, default=3, help="rounds of each alternated comparison")
    ap.add_argument("--pipeline-texts", type=int, default=3000, help="texts (~180 words) for 1.")
    ap.add_argument("--skip-workers", action="store_true", help="skip sections 3 and 4")
    args = ap.parse_args()
    if not args.scirex.exists():
        raise SystemExit(f"{args.scirex} not found; pass --scirex PATH")
    sys.path.insert(0, str(REPO))
    notes = []

    pieces = load_paragraphs(args.scirex, args.pipeline_texts + 200)
    texts, warmup = pieces[200:], pieces[:200]
    p = bench_pipeline(texts, warmup, args.repeats)
    print(f"1. whole pipeline vs bare tokenizer, same texts, {args.repeats} alternated rounds")
    print(f"   texts {len(texts):,}, words {p['words']:,}")
    print(f"   spacy.blank tokenizer   {p['tokenizer_wps']:>10,.0f} words/CPU-s")
    print(f"   kg, whole pipeline      {p['kg_wps']:>10,.0f} words/CPU-s")
    rounds = ", ".join(f"{r:.3f}" for r in p["ratios"])
    walls = ", ".join(f"{r:.3f}" for r in p["wall_ratios"])
    print(f"   ratio kg / tokenizer    {p['ratio']:>10.3f}  (median; CPU rounds {rounds};")
    print(f"                                       wall rounds {walls}; target >= 0.15)")
    total = sum(p["timings"].values())
    print("   where the kg time goes (CPU s, share):")
    for name, sec in p["timings"].items():
        print(f"     {name:<26}{sec:>8.2f} s {100 * sec / total:>5.1f}%")
    off, on, same = bench_link_cache(texts[: max(1, len(texts) // 3)], args.repeats)
    print(
        f"   linking, key cache off / on: {off:.3f} / {on:.3f} CPU-s = {off / on:.1f}x "
        f"({'identical ids' if same else 'IDS DIFFER'})"
    )
    notes.append(f"throughput ratio {p['ratio']:.3f} of the bare tokenizer (target >= 0.15)")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not sizes:
        print("\n" + "; ".join(notes))
        return
    abstract_sents = load_sentences(args.scirex, abstracts_only=True)
    print("\n2. kg build --workers 1, all exports")
    print(
        f"   {'papers':>8} {'wall s':>8} {'CPU s':>8} {'CPU ms/paper':>12} "
        f"{'peak RSS MB':>11} {'RSS B/paper':>11}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        points, corpora = [], {}
        for n in sizes:
            corpus = synthetic_corpus(abstract_sents, n, tmp / f"synth-{n}.jsonl")
            corpora[n] = corpus
            keep = tmp / f"out-{n}"
            r = kg_build(corpus, keep, workers=1)
            points.append((n, r["maxrss"]))  # one process: its exact peak
            print(
                f"   {n:>8,} {r['wall']:>8.1f} {r['cpu']:>8.1f} {1000 * r['cpu'] / n:>12.2f} "
                f"{r['maxrss'] / 1e6:>11.0f} {r['maxrss'] / n:>11.0f}",
                flush=True,
            )
            if n != sizes[0]:
                corpus.unlink()
        if len(points) >= 2:
            a, b = slope(points)
            papers_24g = 24 * 2**30 / b if b > 0 else float("inf")
            print(
                f"   memory slope {b / 1000:.2f} kB/paper (least squares over {len(points)} "
                f"sizes; intercept {a / 1e6:.0f} MB): a 24 GiB machine holds "
                f"~{papers_24g / 1e6:.1f}M papers (target <= 3.5 kB/paper)"
            )
            notes.append(f"memory slope {b / 1000:.2f} kB/paper")

        if not args.skip_workers:
            n = sizes[0]
            runs: dict[int, list[dict]] = {1: [], 2: []}
            for _, order in alternate([1, 2], args.repeats):
                for w in order:
                    runs[w].append(kg_build(corpora[n], tmp / f"w{w}", workers=w))
            med = {
                w: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for w, rs in runs.items()
            }
            ratio = med[1]["wall"] / med[2]["wall"]
            pairs = ", ".join(
                f"{a['wall'] / b['wall']:.2f}" for a, b in zip(runs[1], runs[2], strict=True)
            )
            print(f"\n3. --workers 2 vs 1 on {n:,} papers, {args.repeats} alternated rounds")
            for w in (1, 2):
                m = med[w]
                print(
                    f"   workers {w}: wall {m['wall']:.1f} s, CPU {m['cpu']:.1f} s, peak memory "
                    f"of all {m['procs']:.0f} processes: RSS {m['peak_rss_all'] / 1e6:.0f} MB, "
                    f"PSS {m['peak_pss_all'] / 1e6:.0f} MB (largest process "
                    f"{m['maxrss'] / 1e6:.0f} MB)"
                )
            print(f"   speed-up (median wall) {ratio:.2f}x; per round {pairs}")
            notes.append(f"--workers 2 speed-up {ratio:.2f}x (alternated)")

            e = bench_exporters(tmp / f"out-{n}", args.repeats)
            total = sum(e["each"].values())
            print(f"\n4. exporters on the graph of {n:,} papers (CPU s)")
            print("   " + ", ".join(f"{k} {v:.1f}" for k, v in e["each"].items()))
            seq, par = (statistics.median(e["walls"][w]) for w in (1, 2))
            print(
                f"   all {total:.1f} CPU-s; sequential {seq:.1f} s vs 2 processes {par:.1f} s "
                f"wall = {seq / par:.2f}x (medians of {args.repeats} alternated)"
            )
    print("\nSummary: " + "; ".join(notes))


if __name__ == "__main__":
    main()
