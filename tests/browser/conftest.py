"""Headless Chromium for the browser tests of graph.html (marked ``browser``).

The browser runs with networking cut off (DevTools network emulation set to
offline, background networking disabled) and records its console and every
network request, so tests can assert that the page loads from ``file://``
alone without errors. Tests are skipped with a reason when Chromium or
chromedriver is missing, and fail instead when ``CI=true``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from chromium_helpers import headless_chromium

READY_TIMEOUT = 90.0


class Page:
    """A loaded page: the driver plus what the browser logged while loading."""

    def __init__(self, driver, path: Path):
        self.driver = driver
        self.path = path

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def console(self) -> list[dict]:
        return self.driver.get_log("browser")

    def requests(self) -> list[str]:
        """URLs the page requested (from the DevTools performance log)."""
        urls = []
        for entry in self.driver.get_log("performance"):
            msg = json.loads(entry["message"])["message"]
            if msg.get("method") == "Network.requestWillBeSent":
                urls.append(msg["params"]["request"]["url"])
        return urls

    def visible(self) -> dict:
        return self.js("return window.kg.visibleCounts();")


@pytest.fixture(scope="session")
def driver():
    """One headless Chromium per session, offline."""
    profile = tempfile.mkdtemp(prefix="kg-chromium-")
    drv = headless_chromium(
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--window-size=1500,900",
        f"--user-data-dir={profile}",
        capabilities={"goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"}},
    )
    drv.set_script_timeout(60)
    try:
        drv.execute_cdp_cmd("Network.enable", {})
        drv.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def open_page(driver):
    """``open_page(path)`` loads a page from file://, waits until it is ready, returns a Page."""

    def _open(path: Path) -> Page:
        driver.get_log("browser")  # drop what earlier pages logged
        driver.get_log("performance")
        driver.get(Path(path).resolve().as_uri())
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if driver.execute_script("return document.body.dataset.kgState") == "ready":
                return Page(driver, Path(path))
            time.sleep(0.1)
        logs = driver.get_log("browser")
        raise AssertionError(f"{path} did not become ready in {READY_TIMEOUT}s; console: {logs}")

    return _open
