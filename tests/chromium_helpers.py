"""Headless Debian Chromium for the browser tests (the page, Neo4j Browser)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: The flags every test browser runs with: no sandbox (root in CI), no GPU, no background
#: network traffic.
BASE_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
)


def headless_chromium(*extra_args: str, capabilities: dict | None = None):
    """A selenium Chrome driver on Debian's chromium and chromedriver with :data:`BASE_ARGS`
    and ``extra_args``. Missing browser: the test fails under CI=true (scripts/test.sh
    installs it) and is skipped elsewhere."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        message = f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in (*BASE_ARGS, *extra_args):
        options.add_argument(arg)
    for name, value in (capabilities or {}).items():
        options.set_capability(name, value)
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
