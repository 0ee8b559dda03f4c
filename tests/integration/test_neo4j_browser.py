"""Neo4j Browser (the org.neo4j.client:neo4j-browser jar the test server serves at /browser/)
in headless Chromium: connect, run a cookbook query, apply kg's style.grass, screenshot."""

from __future__ import annotations

import os
import time

import pytest
from chromium_helpers import headless_chromium
from neo4j_helpers import missing

from kg.export import neo4j_bolt
from kg.export.neo4j_files import _data_text, read_cookbook
from kg.graph import build_graph

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]


@pytest.fixture
def chromium():
    driver = headless_chromium("--window-size=1400,1000")
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver, css: str, timeout: float = 60.0, text: str | None = None):
    from selenium.webdriver.common.by import By

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = [
            e
            for e in driver.find_elements(By.CSS_SELECTOR, css)
            if e.is_displayed() and (text is None or text in e.text)
        ]
        if found:
            return found[0]
        time.sleep(0.5)
    raise AssertionError(f"no {css!r} {text or ''} in Neo4j Browser after {timeout}s")


def _run(driver, command: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    editor = driver.find_elements(By.CSS_SELECTOR, ".monaco-editor textarea")[0]
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(command)
    editor.send_keys(Keys.CONTROL, Keys.ENTER)


def test_browser_connects_runs_a_cookbook_query_and_applies_the_style(
    chromium, bolt, bolt_settings, gold_linked, tmp_path
):
    from selenium.webdriver.common.by import By

    http = os.environ.get("NEO4J_HTTP_URL")
    if not http:
        missing("NEO4J_HTTP_URL (the server's HTTP address) is not set")
    neo4j_bolt.push(build_graph(gold_linked), **bolt_settings)
    chromium.get(http.rstrip("/") + "/browser/")
    _wait(chromium, "[data-testid=username]").send_keys(bolt_settings["user"] or "neo4j")
    chromium.find_element(By.CSS_SELECTOR, "[data-testid=password]").send_keys(
        bolt_settings["password"] or ""
    )
    chromium.find_element(By.CSS_SELECTOR, "[data-testid=connect]").click()
    _wait(chromium, "body", text="You are connected as user")

    q3 = {q.number: q for q in read_cookbook()}[3]
    _run(chromium, ":param target => 'MMNeedle'")
    _wait(chromium, "body", text='"target": "MMNeedle"')
    _run(chromium, " ".join(q3.query.split()))
    _wait(chromium, "body", text="GPT-4o")  # the model evaluated on MMNeedle, in the table

    _run(chromium, ":style " + " ".join(_data_text("style.grass").split()))
    _wait(chromium, "body", text="node.Paper")
    _run(chromium, "MATCH (p:Paper)-[r:PROPOSES]->(e:Entity) RETURN p, r, e LIMIT 25")
    canvas = _wait(chromium, "svg.neod3viz, [data-testid=graphCanvas], svg g.node", timeout=60)
    time.sleep(3)  # let the force layout settle
    shot = tmp_path / "neo4j-browser.png"
    chromium.save_screenshot(str(shot))
    keep = os.environ.get("KG_BROWSER_SCREENSHOT")
    if keep:
        chromium.save_screenshot(keep)
    assert shot.stat().st_size > 20_000 and canvas is not None
    colours = chromium.execute_script(
        "return Array.from(document.querySelectorAll('g.node circle'))"
        ".map(c => c.getAttribute('fill'));"
    )
    fills = [c.lower() for c in colours if c]  # the other circles are selection rings
    style = _data_text("style.grass").lower()
    assert fills and all(c in style for c in fills), fills
    assert "#c0c0c0" in fills  # node.Paper's colour in style.grass, not the Browser's own
