#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run ruff and pytest.
#   bash scripts/test.sh [pytest args...]
# System packages (chromium, chromium-driver) are installed with apt-get when missing and we are
# root; the Python side goes into .venv. Unless NEO4J_URI is set, a Neo4j Community server
# (scripts/neo4j.sh: Maven Central jars, Java 17; openjdk-17-jdk-headless and maven from Debian
# when missing) is started on 127.0.0.1 for the integration tests and stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium and chromium-driver (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "== chromium/chromedriver missing and not root: browser tests will be skipped" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
echo "== installing kg[test,dask] into .venv"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# the distribution was called "kg" before it became "kg-papers": drop an old editable install
if .venv/bin/python -m pip show kg 2>/dev/null | grep -q "^Location: $PWD"; then
  .venv/bin/python -m pip uninstall -q -y kg
fi
.venv/bin/python -m pip install -q -e '.[test,dask]'

# JavaScript readers the interoperability tests open the exports with (graphology, cytoscape),
# pinned in tests/js/package-lock.json; reinstalled only when the lock file changed.
if command -v npm >/dev/null 2>&1; then
  if ! cmp -s tests/js/package-lock.json tests/js/node_modules/.kg-installed-lock; then
    echo "== installing tests/js (npm ci)"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
      && cp package-lock.json node_modules/.kg-installed-lock)
  fi
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing nodejs and npm (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null \
    && cp package-lock.json node_modules/.kg-installed-lock)
else
  echo "== npm missing and not root: the JavaScript reader tests will be skipped" >&2
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

if [ -z "${NEO4J_URI:-}" ]; then
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "== installing openjdk-17-jdk-headless and maven (Debian packages)"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
    fi
  fi
  echo "== starting Neo4j (scripts/neo4j.sh; the first run downloads it into ~/.m2)"
  NEO4J_DIR="$(mktemp -d "${TMPDIR:-/tmp}/kg-test-neo4j.XXXXXX")"
  trap 'bash scripts/neo4j.sh stop "$NEO4J_DIR" >/dev/null 2>&1 || true; rm -rf "$NEO4J_DIR"' EXIT
  if env_lines="$(PYTHON=.venv/bin/python bash scripts/neo4j.sh start "$NEO4J_DIR")"; then
    eval "$env_lines"
  elif [ "${CI:-}" = true ]; then
    echo "== Neo4j did not start (CI=true: failing)" >&2
    exit 1
  else
    echo "== Neo4j did not start: the integration tests will try again or be skipped" >&2
  fi
fi

echo "== pytest"
.venv/bin/python -m pytest "$@"
