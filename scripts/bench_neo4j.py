"""Benchmark on a real Neo4j: kg's batched ``UNWIND ... MERGE`` push against one statement per
row, with the real sizes of a kg build (papers with whole abstracts, entities with their lists,
claims with evidence sentences), nodes as well as relationships.

1. Builds a synthetic corpus of N papers (default 10,000; sentences of real SciREX abstracts
   under new ids, scripts/bench.py's generator) with ``kg build`` (1 worker).
2. Pushes it whole with ``kg.export.neo4j_bolt.push`` (batched, then verified): rows/s, wall and
   client CPU seconds.
3. Writes a random sample of the same rows (default 1,000 nodes and 1,000 relationships) with
   the same MERGE statements, one row and one transaction each, into an emptied database;
   the per-row rate is compared with the batched rate of the same kind.
4. With ``--admin-import``, runs the build's own ``import.sh`` (neo4j-admin database import
   full) into a second server, then ``after-import.cypher`` with cypher-shell, and prints its
   counts beside the Bolt push's.

The server is ``NEO4J_URI`` (its database is WIPED) or one started with scripts/neo4j.sh.

    PYTHONPATH=. python scripts/bench_neo4j.py [--papers 10000] [--sample 1000] [--admin-import]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from kg.export import neo4j_bolt  # noqa: E402

SCRIPT = REPO / "scripts" / "neo4j.sh"


def neo4j_sh(*args: str, env=None) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")} | (env or {})
    done = subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode:
        raise SystemExit(f"scripts/neo4j.sh {args[0]} failed: {done.stderr.strip()[-1500:]}")
    return done.stdout


def settings_of(stdout: str) -> dict:
    env = dict(
        line.removeprefix("export ").split("=", 1)
        for line in stdout.splitlines()
        if line.startswith("export ")
    )
    return {
        "uri": env["NEO4J_URI"],
        "user": env["NEO4J_USERNAME"],
        "password": env["NEO4J_PASSWORD"],
    }


def build(papers: int, folder: Path) -> Path:
    import bench

    sentences = bench.load_sentences(bench.DEFAULT_SCIREX, abstracts_only=True)
    corpus = bench.synthetic_corpus(sentences, papers, folder / "corpus.jsonl")
    out = folder / "out"
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--workers", "1"],
        check=True,
        capture_output=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    print(f"kg build of {papers} synthetic papers: {time.perf_counter() - t0:.1f}s")
    return out


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def single_rows(session, work, kind: str, sample: int, rng) -> tuple[int, float, float]:
    """Write ``sample`` random rows of ``kind`` one statement (and transaction) each."""
    rows = [(s.query, row) for s in work if s.kind == kind for row in s.rows]
    picked = rng.sample(rows, min(sample, len(rows)))

    def run():
        for query, row in picked:
            session.write(query, {"rows": [row]})

    _, wall, cpu = timed(run)
    return len(picked), wall, cpu


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=1_000)
    ap.add_argument("--batch-size", type=int, default=1000)
    ap.add_argument("--admin-import", action="store_true")
    args = ap.parse_args(argv)

    from kg.build import load_graph

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-neo4j-"))
    started = []
    try:
        out = build(args.papers, tmp)
        graph = load_graph(out)
        if os.environ.get("NEO4J_URI"):
            settings = neo4j_bolt.connection_settings()
        else:
            settings = settings_of(neo4j_sh("start", str(tmp / "server")))
            started.append(tmp / "server")
        with neo4j_bolt.connect(**settings) as session:
            version = session.read("CALL dbms.components() YIELD versions RETURN versions[0] AS v")
            print(f"server: Neo4j {version[0]['v']} at {settings['uri']}")
            session.write("MATCH (n) DETACH DELETE n")
            summary, wall, cpu = timed(
                neo4j_bolt.push, graph, batch_size=args.batch_size, **settings
            )
            nodes, rels = sum(summary.nodes.values()), sum(summary.relationships.values())
            print(summary.format_text())
            print(
                f"batched push of {nodes} nodes + {rels} relationships (verified): "
                f"{wall:.1f}s wall, {cpu:.1f}s client CPU, {(nodes + rels) / wall:,.0f} rows/s"
            )
            # batched rate per kind, measured alone on an emptied database
            work = neo4j_bolt.statements(graph)
            session.write("MATCH (n) DETACH DELETE n")
            rates = {}
            for kind in ("node", "relationship"):
                part = [s for s in work if s.kind == kind]
                total = sum(len(s.rows) for s in part)
                each = neo4j_bolt.PushSummary(uri=settings["uri"])
                _, wall, cpu = timed(
                    neo4j_bolt.write_statements, session, part, args.batch_size, each
                )
                rates[kind] = (total, wall, cpu)
            counts: dict = {}
            for s in work:
                counts[s.kind, s.what] = counts.get((s.kind, s.what), 0) + len(s.rows)
            # one statement per row, on the database emptied again (nodes first, so that
            # relationships find their ends: MATCH ... MERGE, the same statements)
            session.write("MATCH (n) DETACH DELETE n")
            rng = random.Random(11)
            singles = {}
            singles["node"] = single_rows(session, work, "node", args.sample, rng)
            session.write("MATCH (n) DETACH DELETE n")
            neo4j_bolt.write_statements(
                session,
                [s for s in work if s.kind == "node"],
                args.batch_size,
                neo4j_bolt.PushSummary(uri=settings["uri"]),
            )
            singles["relationship"] = single_rows(session, work, "relationship", args.sample, rng)
        print()
        print("| rows | path | rows | wall s | client CPU s | rows/s |")
        print("|---|---|---:|---:|---:|---:|")
        for kind in ("node", "relationship"):
            total, wall, cpu = rates[kind]
            n, swall, scpu = singles[kind]
            print(
                f"| {kind}s | batched UNWIND ({args.batch_size}/tx) | {total} | {wall:.2f} "
                f"| {cpu:.2f} | {total / wall:,.0f} |"
            )
            print(
                f"| {kind}s | one statement per row (sample) | {n} | {swall:.2f} "
                f"| {scpu:.2f} | {n / swall:,.0f} |"
            )
        for kind in ("node", "relationship"):
            total, wall, _ = rates[kind]
            n, swall, _ = singles[kind]
            print(f"{kind}s: batched is {(total / wall) / (n / swall):.1f}x one statement per row")
        if args.admin_import:
            admin_import(out, counts, tmp, started)
    finally:
        for folder in started:
            subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], capture_output=True)
    return 0


def admin_import(out: Path, counts: dict, tmp: Path, started: list) -> None:
    """neo4j-admin import of the same build into a second server; counts side by side."""
    folder = tmp / "admin"
    neo4j_sh("init", str(folder))
    _, wall, _ = timed(
        subprocess.run,
        ["sh", str(out / "neo4j" / "import.sh"), "neo4j"],
        check=True,
        capture_output=True,
        env=dict(os.environ, NEO4J_HOME=str(folder)),
    )
    settings = settings_of(neo4j_sh("start", str(folder)))
    started.append(folder)
    neo4j_sh(
        "cypher-shell",
        "-a",
        settings["uri"],
        "-u",
        settings["user"],
        "-p",
        settings["password"],
        "-f",
        str(out / "neo4j" / "after-import.cypher"),
    )
    print(f"\nneo4j-admin database import full: {wall:.1f}s")
    print("| label / type | Bolt push (sent = held) | admin import |")
    print("|---|---:|---:|")
    with neo4j_bolt.connect(**settings) as session:
        for (kind, what), sent in counts.items():
            if kind == "node":
                query = f"MATCH (n:{what}) RETURN count(n) AS c"
            else:
                query = f"MATCH ()-[r:{what}]->() RETURN count(r) AS c"
            held = session.read(query)[0]["c"]
            print(f"| {what} | {sent} | {held} |")


if __name__ == "__main__":
    sys.exit(main())
