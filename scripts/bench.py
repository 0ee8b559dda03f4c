#!/usr/bin/env python3
"""Throughput and memory benchmark of kg (prints figures; not a test).

Measures, in one run on the same texts:

1. words per second of the kg pipeline (single process) against spaCy's bare
   tokenizer (``spacy.blank("en")``) on the same texts (real, unrepeated
   abstract-sized pieces of the SciREX papers), and their ratio;
2. abstracts per second and peak RSS of ``kg build`` (all exports) on
   synthetic corpora of 10k and 100k abstracts, made by sampling sentences of
   real abstracts (../shared/data/scirex) under new ids;
3. the speed-up of ``--workers 2`` over one worker.

Usage::

    python scripts/bench.py                       # all three, sizes 10000,100000
    python scripts/bench.py --sizes 2000 --skip-workers
    python scripts/bench.py --scirex path/to/scirex-train-docs.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCIREX = REPO.parent / "shared" / "data" / "scirex" / "scirex-train-docs.jsonl"

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


def bench_pipeline(texts: list[str], warmup: list[str]) -> dict:
    """Words per second of the bare tokenizer and of the kg pipeline on ``texts``.

    Each pipeline reads every text once, as in real use: both are first warmed
    up on other texts (``warmup``), so neither gains from having seen the
    measured ones (spaCy's tokenizer caches the words it has seen).
    """
    import spacy

    from kg.nlp import build_nlp

    blank = spacy.blank("en")
    nlp = build_nlp()
    for pipe in (blank, nlp):
        for _ in pipe.pipe(warmup):
            pass
    words = sum(len(t.split()) for t in texts)
    t0 = time.perf_counter()
    for _ in blank.pipe(texts, batch_size=256):
        pass
    tok_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    kg_s = time.perf_counter() - t0
    return {
        "words": words,
        "tokenizer_wps": words / tok_s,
        "kg_wps": words / kg_s,
        "ratio": tok_s / kg_s,
    }


_RUNNER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
dt = time.perf_counter() - t0
print(rc, dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def bench_build(corpus: Path, workers: int) -> dict:
    """Wall time and peak RSS (largest single process) of one ``kg build``."""
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "kg", "build", str(corpus), "--out", out]
        cmd += ["--workers", str(workers), "--no-progress", "-q"]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        res = subprocess.run(
            [sys.executable, "-c", _RUNNER, *cmd], capture_output=True, text=True, env=env
        )
    rc, seconds, maxrss_kb = res.stdout.split()
    if rc != "0":
        raise SystemExit(f"kg build failed on {corpus}: {res.stderr}")
    return {"seconds": float(seconds), "peak_rss_mb": int(maxrss_kb) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--scirex", type=Path, default=DEFAULT_SCIREX, help="SciREX docs JSONL")
    ap.add_argument("--sizes", default="10000,100000", help="corpus sizes for kg build")
    ap.add_argument(
        "--pipeline-texts", type=int, default=3000, help="texts for the words/s test (~180 words)"
    )
    ap.add_argument("--skip-workers", action="store_true", help="skip the --workers 2 run")
    args = ap.parse_args()
    if not args.scirex.exists():
        raise SystemExit(f"{args.scirex} not found; pass --scirex PATH")
    sys.path.insert(0, str(REPO))

    pieces = load_paragraphs(args.scirex, args.pipeline_texts + 200)
    texts, warmup = pieces[200:], pieces[:200]
    p = bench_pipeline(texts, warmup)
    print("1. pipeline throughput (single process, same texts)")
    print(f"   {'texts':<28}{len(texts):>12,}   words {p['words']:,}")
    print(f"   {'spacy.blank tokenizer w/s':<28}{p['tokenizer_wps']:>12,.0f}")
    print(f"   {'kg pipeline w/s':<28}{p['kg_wps']:>12,.0f}")
    print(f"   {'ratio kg / tokenizer':<28}{p['ratio']:>12.3f}   (target >= 0.25)")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not sizes:
        return
    abstract_sents = load_sentences(args.scirex, abstracts_only=True)
    print("\n2. kg build, all exports, one worker")
    print(f"   {'abstracts':>10} {'seconds':>9} {'abstracts/s':>12} {'peak RSS MB':>12}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            corpus = synthetic_corpus(abstract_sents, n, Path(tmp) / f"synth-{n}.jsonl")
            r = bench_build(corpus, workers=1)
            results[n] = (corpus, r)
            print(
                f"   {n:>10,} {r['seconds']:>9.1f} {n / r['seconds']:>12.1f} "
                f"{r['peak_rss_mb']:>12.0f}"
            )
        if not args.skip_workers:
            n = sizes[0]
            corpus, one = results[n]
            two = bench_build(corpus, workers=2)
            print(f"\n3. --workers 2 on {n:,} abstracts")
            print(
                f"   1 worker {one['seconds']:.1f} s, 2 workers {two['seconds']:.1f} s, "
                f"speed-up {one['seconds'] / two['seconds']:.2f}x "
                f"(peak RSS of the largest process {two['peak_rss_mb']:.0f} MB)"
            )


if __name__ == "__main__":
    main()
