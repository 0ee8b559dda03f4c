"""graph.html in a real (headless, offline) Chromium: loads, draws, searches, filters, is safe."""

from __future__ import annotations

import json
import random
import struct
import time
import zlib

import pytest

pytest.importorskip("selenium", reason="the browser tests need selenium (pip install selenium)")

from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from kg.export import ExportOptions
from kg.export import html as html_export
from kg.export.html_select import select
from kg.graph import build_graph
from kg.link import Linker
from kg.records import EntityType as T
from kg.records import Extraction, Paper, Relation
from kg.records import RelationType as R
from tests.export import html_graphs
from tests.export.html_graphs import SCRIPT_PAYLOAD
from tests.export.html_graphs import entity as _entity

pytestmark = pytest.mark.browser

PAYLOAD = SCRIPT_PAYLOAD


def small_graph():
    return html_graphs.small_graph(PAYLOAD)


def synthetic_graph(n_papers=1700, n_entities=4000, per_paper=6, seed=3):
    """About 5,000 nodes: papers naming entities from a skewed pool, with relations."""
    rng = random.Random(seed)
    types = list(T)
    pool = [(f"Entity {i} {types[i % 6].value.lower()}", types[i % 6]) for i in range(n_entities)]
    weights = [1.0 / (1 + i) ** 0.5 for i in range(n_entities)]
    exs = []
    for p in range(n_papers):
        chosen = {}
        while len(chosen) < per_paper:
            name, t = rng.choices(pool, weights)[0]
            chosen[name] = t
        ents = tuple(_entity(n, t, k == 0) for k, (n, t) in enumerate(sorted(chosen.items())))
        rels = [Relation(R.PROPOSES, "PAPER", ents[0].name, evidence="We propose it.")]
        models = [e.name for e in ents if e.type in (T.MODEL, T.METHOD)]
        data = [e.name for e in ents if e.type in (T.DATASET, T.BENCHMARK)]
        if models and data:
            rels.append(Relation(R.EVALUATES_ON, models[0], data[0], evidence="on it"))
        if len(models) > 1:
            rels.append(Relation(R.OUTPERFORMS, models[0], models[1], evidence="beats it"))
        paper = Paper(f"s{p:05d}", f"Synthetic paper {p}", "An abstract.")
        exs.append(Extraction(paper, ents, tuple(rels)))
    return build_graph(Linker().link_all(exs))


def png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) into rows."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xFF
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xFF
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def _no_errors(page):
    severe = [e for e in page.console() if e["level"] == "SEVERE"]
    assert severe == []


def _only_local_requests(page):
    urls = page.requests()
    assert urls, "the performance log recorded no request at all"
    bad = [u for u in urls if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert bad == []


@pytest.fixture(scope="module")
def small_page(tmp_path_factory):
    out = tmp_path_factory.mktemp("html-small")
    graph = small_graph()
    html_export.write(graph, out, ExportOptions())
    return out / "graph.html", graph


def test_page_loads_offline_without_console_errors(open_page, small_page):
    path, graph = small_page
    page = open_page(path)
    _no_errors(page)
    _only_local_requests(page)
    assert page.js("return document.title") == "kg knowledge graph"
    assert page.js("return typeof window.vis") == "object"


def test_network_holds_every_node_and_edge(open_page, small_page):
    path, graph = small_page
    page = open_page(path)
    counts = page.js(
        "const n = window.kg.network.body.data;"
        "return {nodes: window.kg.nodes.length, edges: window.kg.edges.length,"
        " drawnNodes: n.nodes.length, drawnEdges: n.edges.length,"
        " canvasNodes: window.kg.network.body.nodeIndices.length};"
    )
    assert counts == {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "drawnNodes": graph.number_of_nodes(),
        "drawnEdges": graph.number_of_edges(),
        "canvasNodes": graph.number_of_nodes(),
    }
    # positions come from the build: physics stays off and nothing drifts
    assert page.js("return window.kg.network.physics.options.enabled") is False
    assert not page.driver.find_element(By.ID, "kg-physics").is_selected()
    before = page.js("return window.kg.network.getPositions()")
    time.sleep(0.5)
    assert page.js("return window.kg.network.getPositions()") == before  # settled, no drift


def test_search_focuses_node_and_neighbourhood(open_page, small_page):
    path, graph = small_page
    page = open_page(path)
    box = page.driver.find_element(By.ID, "kg-search")
    box.send_keys("resnet-50", Keys.ENTER)  # case-insensitive; ResNet-50 has 4 neighbours
    assert page.visible()["nodes"] == 1 + len(set(graph.predecessors("model:resnet-50")))
    assert page.js("return window.kg.network.getSelectedNodes()") == ["model:resnet-50"]
    panel = page.driver.find_element(By.ID, "kg-panel").text
    assert "ResNet-50" in panel and "Model" in panel
    status = page.driver.find_element(By.ID, "kg-search-status").text
    assert "ResNet-50" in status and "4 neighbours" in status
    page.driver.find_element(By.ID, "kg-search-clear").click()
    assert page.visible()["nodes"] == graph.number_of_nodes()
    box.send_keys("no such thing", Keys.ENTER)
    assert "No node matches" in page.driver.find_element(By.ID, "kg-search-status").text
    assert page.visible()["nodes"] == graph.number_of_nodes()


def test_alias_search_in_browser(open_page, tmp_path):
    g = small_graph()
    g.nodes["model:barnet"]["aliases"] = ["BarNet", "Bar Network"]
    html_export.write(g, tmp_path, ExportOptions())
    page = open_page(tmp_path / "graph.html")
    assert page.js("return window.kg.search('bar network')") == "model:barnet"


def test_type_and_relation_filters_change_what_is_shown(open_page, small_page):
    path, graph = small_page
    page = open_page(path)
    n_nodes, n_edges = graph.number_of_nodes(), graph.number_of_edges()
    papers = [n for n, d in graph.nodes(data=True) if d["type"] == "PAPER"]
    paper_edges = sum(graph.degree(p) for p in papers)
    paper_box = page.driver.find_element(By.CSS_SELECTOR, '#kg-node-types input[data-type="PAPER"]')
    paper_box.click()
    assert page.visible() == {"nodes": n_nodes - len(papers), "edges": n_edges - paper_edges}
    # the canvas itself draws fewer nodes
    assert page.js("return window.kg.network.body.nodeIndices.length") == n_nodes - len(papers)
    paper_box.click()
    assert page.visible() == {"nodes": n_nodes, "edges": n_edges}
    mentions = sum(1 for *_, k in graph.edges(keys=True) if k == "mentions")
    page.driver.find_element(By.CSS_SELECTOR, '#kg-edge-types input[data-type="mentions"]').click()
    assert page.visible() == {"nodes": n_nodes, "edges": n_edges - mentions}


def test_physics_toggle(open_page, small_page):
    page = open_page(small_page[0])
    box = page.driver.find_element(By.ID, "kg-physics")
    box.click()
    assert page.js("return window.kg.network.physics.options.enabled") is True
    box.click()
    assert page.js("return window.kg.network.physics.options.enabled") is False


def test_hover_and_click_fill_the_panel_with_escaped_text(open_page, small_page):
    path, graph = small_page
    page = open_page(path)
    assert page.js("return window.__pwned") is None
    page.js("window.kg.select('paper:p1');")
    panel = page.driver.find_element(By.ID, "kg-panel")
    assert "FooNet " + PAYLOAD in panel.text  # shown literally
    assert panel.find_elements(By.CSS_SELECTOR, "script, img, svg") == []
    # an edge: click on the middle of the evaluates_on edge FooNet -> ImageNet
    edge_id = page.js(
        "return window.kg.edges.get({filter: e => e.kgType === 'evaluates_on'"
        " && e.from === 'model:foonet'})[0].id;"
    )
    page.js(
        "const net = window.kg.network; const e = net.body.edges[arguments[0]];"
        "window.__edgeDom = net.canvasToDOM(e.edgeType.getPoint(0.5));",
        edge_id,
    )
    canvas = page.driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    dom = page.js("return window.__edgeDom")
    size = canvas.size
    ActionChains(page.driver).move_to_element_with_offset(
        canvas, int(dom["x"] - size["width"] / 2), int(dom["y"] - size["height"] / 2)
    ).click().perform()
    time.sleep(0.2)
    text = panel.text
    assert "evaluates on" in text.lower() and "On ImageNet " + PAYLOAD in text
    # hovering a node shows it; leaving it shows the clicked (pinned) edge again
    node = page.js(
        "const net = window.kg.network;"
        "return net.canvasToDOM(net.getPositions(['method:lora'])['method:lora']);"
    )
    ActionChains(page.driver).move_to_element_with_offset(
        canvas, int(node["x"] - size["width"] / 2), int(node["y"] - size["height"] / 2)
    ).perform()
    time.sleep(0.4)
    assert "LoRA" in panel.text and "Method" in panel.text
    ActionChains(page.driver).move_to_element_with_offset(
        canvas, int(-size["width"] / 2 + 3), int(-size["height"] / 2 + 3)
    ).perform()
    time.sleep(0.4)
    assert "On ImageNet " + PAYLOAD in panel.text
    assert page.js("return window.__pwned") is None
    _no_errors(page)


def test_screenshot_is_not_blank(open_page, small_page, tmp_path):
    page = open_page(small_page[0])
    png = page.driver.get_screenshot_as_png()
    (tmp_path / "small.png").write_bytes(png)
    width, bpp, rows = png_pixels(png)
    colours = set()
    for row in rows[::7]:
        for x in range(0, width * bpp, bpp * 5):
            colours.add(row[x : x + 3])
    assert len(colours) > 50  # nodes, edges, legend, text - not one flat colour
    # the network canvas itself has drawn pixels
    drawn = page.js(
        "const c = document.querySelector('#kg-network canvas');"
        "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "let n = 0; for (let i = 3; i < d.length; i += 4 * 13) if (d[i] > 0) n++; return n;"
    )
    assert drawn > 200


def _pipeline_graph(inputs, nlp):
    """The graph the real pipeline (read, extract, link) builds from ``inputs``."""
    from kg.build import extract_linked

    return build_graph(extract_linked(inputs, nlp=nlp))


def test_payload_paper_built_by_pipeline_runs_no_script(open_page, tmp_path, nlp):
    src = tmp_path / "papers.jsonl"
    record = {
        "id": "xss-1",
        "title": "GPT-4 beats Llama 2 " + PAYLOAD,
        "abstract": "We evaluate GPT-4 on ImageNet " + PAYLOAD + " GPT-4 outperforms Llama 2.",
    }
    src.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    html_export.write(_pipeline_graph([src], nlp), out, ExportOptions())
    page = open_page(out / "graph.html")
    _no_errors(page)
    _only_local_requests(page)
    assert page.js("return window.__pwned") is None
    page.js("window.kg.select('paper:xss-1');")
    panel = page.driver.find_element(By.ID, "kg-panel").text
    assert PAYLOAD in panel
    assert page.js("return document.querySelectorAll('img, svg, iframe').length") == 0
    n_scripts = 4 + len(html_export.SCRIPTS)  # three data blocks, vis-network, ours
    assert page.js("return document.querySelectorAll('script').length") == n_scripts
    assert page.js("return window.__pwned") is None


def test_large_graph_opens_and_settles(open_page, tmp_path):
    graph = synthetic_graph()
    assert graph.number_of_nodes() >= 5000
    start = time.monotonic()
    html_export.write(graph, tmp_path, ExportOptions(html_max_nodes=None, html_view="papers"))
    page = open_page(tmp_path / "graph.html")
    seconds = time.monotonic() - start
    _no_errors(page)
    assert page.visible() == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    assert page.js("return window.kg.network.physics.options.enabled") is False
    # settled: positions do not drift
    before = page.js("return window.kg.network.getPositions(['paper:s00000'])")
    time.sleep(1.0)
    assert page.js("return window.kg.network.getPositions(['paper:s00000'])") == before
    assert seconds < 60
    top = max(graph.nodes, key=lambda n: (graph.degree(n), n))
    assert page.js("return window.kg.search(arguments[0])", graph.nodes[top]["name"]) == top


def test_large_graph_limited_page_says_what_is_left_out(open_page, tmp_path):
    graph = synthetic_graph()
    html_export.write(graph, tmp_path, ExportOptions(html_max_nodes=2000, html_view="papers"))
    page = open_page(tmp_path / "graph.html")
    expected = select(graph, max_nodes=2000, view="papers")
    assert page.visible() == {"nodes": 2000, "edges": len(expected.edges)}
    summary = page.driver.find_element(By.ID, "kg-summary").text
    assert summary.startswith(f"showing 2,000 of {graph.number_of_nodes():,} nodes")
    assert "beyond the 2,000-node limit" in summary
    # every drawn node has a drawn edge or was drawn without one in the graph view too
    assert page.js("return window.kg.network.physics.options.enabled") is False


@pytest.mark.shared
def test_shared_corpus_page(open_page, corpus_path, nlp, tmp_path):
    graph = _pipeline_graph([corpus_path], nlp)
    assert graph.number_of_nodes() > 100
    html_export.write(graph, tmp_path, ExportOptions())
    page = open_page(tmp_path / "graph.html")
    _no_errors(page)
    _only_local_requests(page)
    assert page.visible() == {"nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}
    (tmp_path / "shared.png").write_bytes(page.driver.get_screenshot_as_png())
    papers = page.js("return window.kg.nodes.getIds({filter: n => n.kgType === 'PAPER'})")
    assert len(papers) == 82
    page.js("window.kg.select(arguments[0]);", papers[0])
    title = graph.nodes[papers[0]]["title"]
    assert title in page.driver.find_element(By.ID, "kg-panel").text
