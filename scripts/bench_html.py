#!/usr/bin/env python3
"""How graph.html behaves in headless Chromium on graphs of growing size (prints figures).

For synthetic graphs of 100, 1,000 and 10,000 papers (shaped like real
extractions, with topics, scores and relations; see
``tests/export/html_graphs.synthetic_papers_graph``) and, when present, the
shared corpus (``../shared/corpus/trending-papers.txt``, through the real
pipeline), it writes the page and measures in Debian's Chromium
(``--headless --no-sandbox --disable-gpu --disable-background-networking``,
network emulated offline):

- build: seconds to write the page, and its size;
- settled: milliseconds from navigation until the first frame is drawn at the
  precomputed positions (the page never moves by itself: physics is off);
- interactive: milliseconds until a search answers (focus, refresh, redraw),
  measured after settled;
- pan fps: frames drawn per second while the view is panned for 2 s;
- console errors: SEVERE entries of the browser log.

Screenshots (``--shots DIR``) of each page at "fit" and zoomed in on the
biggest hub are written for a person to look at.

Usage::

    python scripts/bench_html.py                      # 100,1000,10000 + corpus
    python scripts/bench_html.py --sizes 1000 --shots /tmp/shots
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "trending-papers.txt"
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--window-size=1500,900",
)

_COUNT_FRAMES = """
window.__frames = 0; window.__t0 = performance.now();
window.kg.network.on('afterDrawing', () => { window.__frames++; });
"""


def pan_fps(driver) -> float:
    """Frames drawn per second while the graph is dragged with the mouse for about 2 s."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    driver.execute_script(_COUNT_FRAMES)
    chain = ActionChains(driver, duration=5).move_to_element(canvas).click_and_hold()
    for i in range(120):
        dx = 12 if (i // 30) % 2 == 0 else -12
        chain.move_by_offset(dx, 4 if i % 2 else -4).pause(0.005)
    chain.release().perform()
    return driver.execute_script(
        "return window.__frames / ((performance.now() - window.__t0) / 1000);"
    )


_SEARCH = """
const done = arguments[arguments.length - 1];
const t = performance.now();
const id = window.kg.search(arguments[0]);
requestAnimationFrame(() => requestAnimationFrame(() => {
  const ms = performance.now() - t;
  window.kg.clearSearch();
  done({id: id, ms: ms});
}));
"""


def start_browser(profile: str):
    """Headless Chromium (Debian's chromium + chromedriver), offline."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS + (f"--user-data-dir={profile}",):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(120)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
    )
    return driver


def measure(driver, page: Path, shots: Path | None, name: str) -> dict:
    """Open ``page`` and return settled/interactive times, pan fps and console errors."""
    driver.get_log("browser")
    t0 = time.monotonic()
    driver.get(page.resolve().as_uri())
    while driver.execute_script("return document.body.dataset.kgState") != "ready":
        if time.monotonic() - t0 > 180:
            raise SystemExit(f"{page} did not become ready in 180 s")
        time.sleep(0.02)
    settled = driver.execute_script(
        "return performance.now()"
    )  # navigation start -> now, about the first frame
    hub = driver.execute_script(
        "const k = window.kg; let best = null;"
        "k.nodeItems.forEach(n => { if (n.kgType === 'PAPER') return;"
        " const d = k.details.nodes[n.id].degree;"
        " if (!best || d > best[1]) best = [n.id, d]; });"
        "return best ? k.nodeName.get(best[0]) : null;"
    )
    search = driver.execute_async_script(_SEARCH, hub) if hub else {"ms": 0}
    fps = pan_fps(driver)
    counts = driver.execute_script("return window.kg.visibleCounts()")
    labels = driver.execute_script("return window.kg.labelsDrawn")
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / f"{name}-fit.png"))
        if hub:
            driver.execute_script(
                "const k = window.kg; const id = k.findNode(arguments[0]);"
                "k.network.focus(id, {scale: 1.0, animation: false});",
                hub,
            )
            time.sleep(0.3)
            driver.save_screenshot(str(shots / f"{name}-zoom.png"))
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    return {
        "settled_ms": settled,
        "interactive_ms": settled + search["ms"],
        "search_ms": search["ms"],
        "fps": fps,
        "nodes": counts["nodes"],
        "edges": counts["edges"],
        "labels": labels,
        "errors": errors,
    }


def corpus_graph(path: Path):
    from kg.build import extract_linked
    from kg.graph import build_graph
    from kg.nlp import build_nlp

    return build_graph(extract_linked([path], nlp=build_nlp()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="100,1000,10000", help="synthetic graph sizes in papers")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="also the shared corpus, if found")
    ap.add_argument("--max-nodes", type=int, default=2000, help="--html-max-nodes of the pages")
    ap.add_argument("--shots", type=Path, default=None, help="write screenshots to this folder")
    args = ap.parse_args()
    sys.path.insert(0, str(REPO))
    from kg.export import ExportOptions
    from kg.export import html as html_export
    from tests.export.html_graphs import synthetic_papers_graph

    cases = [
        (f"{int(s)}-papers", lambda s=int(s): synthetic_papers_graph(s))
        for s in args.sizes.split(",")
        if s
    ]
    if args.corpus and args.corpus.exists():
        cases.append(("corpus", lambda: corpus_graph(args.corpus)))
    tmp = tempfile.mkdtemp(prefix="kg-bench-html-")
    driver = start_browser(tmp + "/profile")
    header = (
        f"{'graph':<14}{'nodes':>7}{'page MB':>9}{'build s':>9}{'shown':>7}{'edges':>7}"
        f"{'labels':>7}{'settled ms':>11}{'interact ms':>12}{'pan fps':>8}{'errors':>7}"
    )
    print(header)
    try:
        for name, make in cases:
            graph = make()
            out = Path(tmp) / name
            t = time.perf_counter()
            html_export.write(graph, out, ExportOptions(html_max_nodes=args.max_nodes))
            build = time.perf_counter() - t
            page = out / "graph.html"
            r = measure(driver, page, args.shots, name)
            print(
                f"{name:<14}{graph.number_of_nodes():>7,}{page.stat().st_size / 1e6:>9.1f}"
                f"{build:>9.1f}{r['nodes']:>7,}{r['edges']:>7,}{r['labels']:>7,}"
                f"{r['settled_ms']:>11,.0f}{r['interactive_ms']:>12,.0f}{r['fps']:>8.1f}"
                f"{len(r['errors']):>7}"
            )
            for e in r["errors"][:5]:
                print("   console:", e["message"][:200])
    finally:
        driver.quit()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
