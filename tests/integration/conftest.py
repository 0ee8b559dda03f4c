"""A real Neo4j server for the integration tests, and graphs to push to it.

With ``NEO4J_URI`` (and optionally ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``,
``NEO4J_DATABASE``) set, as scripts/test.sh does, the tests run against that
server; they DELETE EVERYTHING in its database, so point it at a throwaway one.
Otherwise a Neo4j Community server is started once per session with
``scripts/neo4j.sh`` (Maven and Java needed) and stopped at the end. With
``CI=true`` a server that cannot be had fails the tests instead of skipping them.
FalkorDB (tests of kg.export.falkordb_adapter) has its own fixture.
"""

from __future__ import annotations

import os

import pytest
from neo4j_helpers import gold_extractions, missing, start_neo4j, stop_neo4j


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "gold_linked" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)  # built from ../shared/gold


@pytest.fixture(scope="session")
def bolt_settings(tmp_path_factory):
    """Connection settings of the test Neo4j (started here unless NEO4J_URI is set)."""
    from kg.export.neo4j_bolt import connection_settings

    if os.environ.get("NEO4J_URI"):
        yield connection_settings()
        return
    folder = tmp_path_factory.mktemp("neo4j")
    settings = start_neo4j(folder)
    os.environ["NEO4J_HTTP_URL"] = settings.pop("http")
    try:
        yield settings
    finally:
        stop_neo4j(folder)


@pytest.fixture(scope="session")
def bolt_server_kind(bolt_settings) -> str:
    """``"neo4j"`` or ``"falkordb"``: what answers at the test URI."""
    from kg.export.neo4j_bolt import connect

    with connect(**bolt_settings) as session:
        return session.server


@pytest.fixture(autouse=True)
def _only_on_neo4j(request):
    """``neo4j_only`` tests need a real Neo4j at the test URI."""
    if request.node.get_closest_marker("neo4j_only"):
        if request.getfixturevalue("bolt_server_kind") != "neo4j":
            missing("needs a real Neo4j; NEO4J_URI points at another Bolt server")


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
