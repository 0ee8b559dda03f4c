"""`neo4j-admin database import full` run for real (the same Neo4j distribution as the
test server) on the CSVs of a shared-corpus build, then `after-import.cypher` run with
cypher-shell: the database must equal a Bolt push of the same build, property by property."""

from __future__ import annotations

import os
import subprocess

import pytest
from neo4j_helpers import (
    neo4j_script,
    server_counts,
    snapshot,
    snapshot_differences,
    start_neo4j,
    stop_neo4j,
)

from kg.export import neo4j_bolt
from kg.export.cypher import expected_counts

pytestmark = [pytest.mark.neo4j, pytest.mark.shared, pytest.mark.neo4j_only]


@pytest.fixture(scope="module")
def admin_imported(shared_build, tmp_path_factory):
    """A second Neo4j whose database was made by the build's own import.sh."""
    out, _ = shared_build
    folder = tmp_path_factory.mktemp("neo4j-admin")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    done = neo4j_script("init", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    script = out / "neo4j" / "import.sh"
    done = subprocess.run(
        ["sh", str(script), "neo4j"],
        capture_output=True,
        text=True,
        env=dict(env, NEO4J_HOME=str(folder)),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "IMPORT DONE" in done.stdout
    settings = start_neo4j(folder)
    settings.pop("http")
    try:
        yield out, settings
    finally:
        stop_neo4j(folder)


def test_admin_import_equals_a_bolt_push(admin_imported, bolt, bolt_settings):
    from kg.build import load_graph

    out, settings = admin_imported
    graph = load_graph(out)
    # the one documented command after an admin import
    done = neo4j_script(
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
    assert done.returncode == 0, done.stderr
    neo4j_bolt.push(graph, **bolt_settings)
    with neo4j_bolt.connect(**settings) as imported:
        assert server_counts(imported) == expected_counts(graph) == server_counts(bolt)
        assert snapshot_differences(snapshot(imported), snapshot(bolt)) == []
        rows = imported.read("SHOW CONSTRAINTS YIELD name WHERE name STARTS WITH 'kg_' RETURN name")
        assert len(rows) == 8
        # the kinds of values that once differed: floats, years, lists, empty lists
        (row,) = imported.read(
            "MATCH ()-[r]->() WHERE r.confidences IS NOT NULL "
            "RETURN r.confidences[0] AS c, r.values AS v, r.papers AS p LIMIT 1"
        )
        assert isinstance(row["c"], float) and len(row["v"]) == len(row["p"])
        years = imported.read("MATCH (p:Paper) WHERE p.year IS NOT NULL RETURN p.year AS y")
        dated = [n for n, d in graph.nodes(data=True) if d.get("year") is not None]
        assert len(years) == len(dated) and all(isinstance(r["y"], int) for r in years)
        empty = imported.read("MATCH (e:Entity) WHERE e.introducedBy = [] RETURN count(e) AS n")
        assert empty[0]["n"] > 0


def test_dask_parts_load_with_neo4j_admin_into_the_counts_of_a_local_build(tmp_path, example_path):
    """The partitioned CSVs of --engine dask (header files + parts, import.sh naming all of
    them) make the same database as the local build's graph, label by label, type by type."""
    from kg.build import BuildOptions, build, load_graph

    dist, local = tmp_path / "dask", tmp_path / "local"
    build([example_path], dist, BuildOptions(engine="dask", workers=2, partition_size=2))
    build([example_path], local, BuildOptions(workers=1))
    graph = load_graph(local)
    assert len(list((dist / "neo4j").glob("*-p0000*.csv"))) > 1  # really in parts
    folder = tmp_path / "neo4j"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    done = neo4j_script("init", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        ["sh", str(dist / "neo4j" / "import.sh"), "neo4j"],
        capture_output=True,
        text=True,
        env=dict(env, NEO4J_HOME=str(folder)),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert (dist / "neo4j" / "import.report").exists()  # beside the CSVs, not in the cwd
    settings = start_neo4j(folder)
    settings.pop("http")
    try:
        with neo4j_bolt.connect(**settings) as imported:
            assert server_counts(imported) == expected_counts(graph)
    finally:
        stop_neo4j(folder)
