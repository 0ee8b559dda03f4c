"""Shared fixtures: paths to the repo, ../shared, and one spaCy pipeline per session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "trending-papers.txt"
GOLD = SHARED / "gold" / "seed-dev.jsonl"
EXAMPLES = REPO / "examples"


def pytest_collection_modifyitems(config, items):
    skip_shared = pytest.mark.skip(reason=f"{SHARED} (corpus and gold) is not beside the repo")
    for item in items:
        if "shared" in item.keywords and not CORPUS.exists():
            item.add_marker(skip_shared)


@pytest.fixture(scope="session")
def nlp():
    """The kg pipeline, built once per test session."""
    from kg.nlp import build_nlp

    return build_nlp()


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def gold_path() -> Path:
    return GOLD


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLES / "papers.jsonl"


@pytest.fixture(scope="session")
def shared_build(tmp_path_factory, nlp):
    """A full build of the shared corpus (all exports), made once per session."""
    if not CORPUS.exists():
        pytest.skip(f"{CORPUS} is missing")
    from kg.build import BuildOptions, build

    out = tmp_path_factory.mktemp("shared-build")
    summary = build([CORPUS], out, BuildOptions(workers=1), nlp=nlp)
    return out, summary


@pytest.fixture(scope="session")
def example_build(tmp_path_factory, nlp):
    """A full build of examples/papers.jsonl, made once per session."""
    from kg.build import BuildOptions, build

    out = tmp_path_factory.mktemp("example-build")
    summary = build([EXAMPLES / "papers.jsonl"], out, BuildOptions(workers=1), nlp=nlp)
    return out, summary


def write_jsonl(path: Path, records) -> Path:
    """Write records (dicts or raw strings) one per line."""
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write((r if isinstance(r, str) else json.dumps(r)) + "\n")
    return path
