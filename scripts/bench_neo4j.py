"""Benchmark: batched ``UNWIND ... MERGE`` against one statement per relationship.

Loads a synthetic kg graph (default 100,000 relationships, two thirds paper
MENTIONS and one third claims, between 1,000 papers and 10,000 entities)
into a Bolt server and prints relationships per second for

* batched: kg's push path (``UNWIND $rows``, one transaction per batch), all
  relationships;
* single: the same ``MERGE`` statement with one row, one transaction per
  relationship, on a sample (default 2,000), extrapolated to all of them.

Both run on the same server in the same run, on the same nodes. The server
is ``--uri`` or ``NEO4J_URI`` (its database is WIPED); without either, a
FalkorDB server is started with scripts/falkordb.sh and stopped afterwards.

    PYTHONPATH=. python scripts/bench_neo4j.py [--relationships 100000] [--sample 2000]
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

import networkx as nx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.export import neo4j_bolt  # noqa: E402

KINDS = (("Model", "MODEL"), ("Method", "METHOD"), ("Dataset", "DATASET"), ("Metric", "METRIC"))
EDGE_TYPES = {  # claim edge type -> (head kinds, tail kinds)
    "proposes": (("Paper",), ("Model", "Method", "Dataset")),
    "evaluates_on": (("Model", "Method"), ("Dataset",)),
    "outperforms": (("Model", "Method"), ("Model", "Method")),
    "uses_metric": (("Model", "Method", "Dataset"), ("Metric",)),
}
#: Share of MENTIONS among relationships (about 2/3 in builds of the shared corpus).
MENTIONS_SHARE = 0.67


def _add_nodes(graph: nx.MultiDiGraph, entities: int) -> dict[str, list[str]]:
    by_kind: dict[str, list[str]] = {kind: [] for kind, _ in KINDS}
    by_kind["Paper"] = []
    papers = max(1, entities // 10)
    for i in range(papers):
        node = f"paper:p{i}"
        graph.add_node(
            node,
            kind="Paper",
            type="PAPER",
            label=f"Paper {i}",
            title=f"Paper {i}",
            paper_id=f"p{i}",
            year=2024,
            authors=[],
        )
        by_kind["Paper"].append(node)
    for i in range(entities):
        kind, etype = KINDS[i % len(KINDS)]
        node = f"{etype.lower()}:e{i}"
        graph.add_node(
            node,
            kind=kind,
            type=etype,
            label=f"E{i}",
            name=f"E{i}",
            aliases=[f"E{i}"],
            papers=[f"p{i % papers}"],
            introduced_by=[],
        )
        by_kind[kind].append(node)
    return by_kind


def synthetic_graph(relationships: int, entities: int, seed: int = 7) -> nx.MultiDiGraph:
    """A kg-schema graph with ``relationships`` edges: paper MENTIONS and claims.

    One paper per ten entities; each claim carries one short evidence sentence.
    """
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    by_kind = _add_nodes(graph, entities)
    all_entities = [n for kind, _ in KINDS for n in by_kind[kind]]
    mentions = int(relationships * MENTIONS_SHARE)
    types = sorted(EDGE_TYPES)
    edges = 0
    while edges < relationships:
        if edges < mentions:
            etype, u, v = "mentions", rng.choice(by_kind["Paper"]), rng.choice(all_entities)
        else:
            etype = rng.choice(types)
            heads, tails = EDGE_TYPES[etype]
            u = rng.choice(by_kind[rng.choice(heads)])
            v = rng.choice(by_kind[rng.choice(tails)])
        if u == v or graph.has_edge(u, v, key=etype):
            continue
        if etype == "mentions":
            graph.add_edge(u, v, key=etype, type=etype, count=rng.randint(1, 3))
            edges += 1
            continue
        paper = rng.choice(by_kind["Paper"]).split(":", 1)[1]
        claim = {
            "paper": paper,
            "evidence": f"{u} vs {v} in {paper}.",
            "rule": "r",
            "confidence": 0.8,
            "value": None,
            "metric": None,
        }
        graph.add_edge(u, v, key=etype, type=etype, claims=[claim], support=1, confidence=0.8)
        edges += 1
    return graph


def start_server(folder: Path) -> str:
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "falkordb.sh"), "start", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, PYTHON=sys.executable),
    )
    return done.stdout.strip().splitlines()[-1].split("=", 1)[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--uri", default=os.environ.get("NEO4J_URI"))
    ap.add_argument("--relationships", type=int, default=100_000)
    ap.add_argument("--entities", type=int, default=10_000)
    ap.add_argument("--sample", type=int, default=2_000)
    ap.add_argument("--batch-size", type=int, default=1000)
    args = ap.parse_args(argv)

    folder = None
    uri = args.uri
    if not uri:
        folder = Path(tempfile.mkdtemp(prefix="kg-bench-falkordb-"))
        uri = start_server(folder)
    try:
        return run(uri, args)
    finally:
        if folder is not None:
            subprocess.run(
                ["bash", str(REPO / "scripts" / "falkordb.sh"), "stop", str(folder)],
                capture_output=True,
            )


def run(uri: str, args) -> int:
    graph = synthetic_graph(args.relationships, args.entities)
    work = neo4j_bolt.statements(graph)
    node_work = [s for s in work if s.kind == "node"]
    rel_work = [s for s in work if s.kind == "relationship"]
    rel_total = sum(len(s.rows) for s in rel_work)

    settings = neo4j_bolt.connection_settings(uri=uri)
    with neo4j_bolt.connect(**settings) as session:
        print(f"server: {session.server} at {uri}")
        session.write("MATCH (n) DETACH DELETE n")
        summary = neo4j_bolt.PushSummary(uri=uri, server=session.server)
        summary.schema = neo4j_bolt.ensure_schema(session)
        neo4j_bolt.write_statements(session, node_work, args.batch_size, summary)
        print(f"loaded {graph.number_of_nodes()} nodes ({summary.schema})")

        # the same MERGE statement with one row: one transaction per relationship (a sample)
        rng = random.Random(11)
        sample = [(stmt.query, row) for stmt in rel_work for row in stmt.rows]
        sample = rng.sample(sample, min(args.sample, len(sample)))
        t0 = time.perf_counter()
        for query, row in sample:
            session.write(query, {"rows": [row]})
        single_s = time.perf_counter() - t0
        session.write("MATCH ()-[r]->() DELETE r")

        # batched UNWIND, all relationships
        batched = neo4j_bolt.PushSummary(uri=uri, server=session.server)
        t0 = time.perf_counter()
        neo4j_bolt.write_statements(session, rel_work, args.batch_size, batched)
        batched_s = time.perf_counter() - t0
        (count,) = session.read("MATCH ()-[r]->() RETURN count(r) AS c")
        assert count["c"] == rel_total, (count, rel_total)

    single_rate = len(sample) / single_s
    batched_rate = rel_total / batched_s
    rows_per_batch = rel_total / batched.batches
    print()
    print("| path | relationships | seconds | relationships/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| batched UNWIND ({batched.batches} tx, {rows_per_batch:.0f} rows each) "
        f"| {rel_total} | {batched_s:.2f} | {batched_rate:,.0f} |"
    )
    print(
        f"| one statement per relationship (sample) | {len(sample)} | {single_s:.2f} "
        f"| {single_rate:,.0f} |"
    )
    print(
        f"| one statement per relationship (extrapolated) | {rel_total} "
        f"| {rel_total / single_rate:.1f} | {single_rate:,.0f} |"
    )
    print()
    print(
        f"batched is {batched_rate / single_rate:.1f}x faster "
        f"(single-statement time for {rel_total} extrapolated from {len(sample)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
