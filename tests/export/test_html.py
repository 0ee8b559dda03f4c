"""Tests of the offline HTML page (kg.export.html and its helpers), without a browser."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import random
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import KgError
from kg.export import ExportOptions, get_exporter, html_layout
from kg.export import html as html_export
from kg.export.html_layout import LABEL_MAX_SCALE, SPACING, even_density, label_scales, layout
from kg.export.html_select import parse_types, select
from kg.export.nodelink import read_nodelink
from kg.export.nodelink import write as write_nodelink
from kg.graph import build_graph
from kg.link import Linker
from kg.records import EntityType as T
from kg.records import Extraction, Paper
from tests.export import html_graphs
from tests.export.html_graphs import entity as _entity

PAYLOAD = html_graphs.SCRIPT_PAYLOAD + " <!-- \u2028\u2029 https://evil.example/x"


def small_graph(title="FooNet " + PAYLOAD) -> nx.MultiDiGraph:
    """Two papers, seven entities, every relation type; paper 1 carries the payload."""
    return html_graphs.small_graph(PAYLOAD, title)


def star_graph() -> nx.MultiDiGraph:
    """A hub ``a`` with three leaves, a pair ``d-e`` and an isolated ``f``; typed nodes."""
    g = nx.MultiDiGraph()
    for n, t in [("a", "MODEL"), ("b", "DATASET"), ("c", "DATASET"), ("d", "METRIC")]:
        g.add_node(n, type=t, name=n)
    for n, t in [("e", "METRIC"), ("f", "TASK"), ("g", "MODEL")]:
        g.add_node(n, type=t, name=n)
    g.add_edge("a", "b", key="evaluates_on", type="evaluates_on")
    g.add_edge("a", "c", key="evaluates_on", type="evaluates_on")
    g.add_edge("a", "g", key="outperforms", type="outperforms")
    g.add_edge("d", "e", key="outperforms", type="outperforms")
    return g


def _blocks(page: str) -> dict[str, object]:
    """The parsed JSON data blocks of a page, by element id."""
    found = re.findall(r'<script id="(kg-[a-z]+)" type="application/json">(.*?)</script>', page)
    return {k: json.loads(v) for k, v in found}


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


def _parse(page: str) -> _Collect:
    p = _Collect()
    p.feed(page)
    return p


@pytest.fixture(scope="module")
def page() -> str:
    return html_export.render_html(small_graph())


def test_registered_as_html_exporter():
    assert get_exporter("html") is html_export


def test_page_has_no_network_reference(page):
    parsed = _parse(page)
    for tag, attrs in parsed.tags:
        assert "src" not in attrs and "href" not in attrs, (tag, attrs)
    assert not re.search(r"https?:", page, re.I)
    assert "//cdn" not in page and "@import" not in page
    # CSS images only as data: URLs (vis-network's own icons)
    assert all(m.startswith("data:") for m in re.findall(r"url\(\s*[\"']?([^\"')]*)", page))
    assert "sourceMappingURL" not in page
    assert [t for t, _ in parsed.tags if t in ("link", "iframe", "img", "object", "embed")] == []


def test_every_script_is_inline_and_allowed_by_its_csp_hash(page):
    parsed = _parse(page)
    csp = next(
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp
    code = [text for attrs, text in parsed.scripts if "type" not in attrs]
    assert len(code) == 1 + len(html_export.SCRIPTS)  # vis-network and our page scripts
    for text in code:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "vis-network" in code[0] and "window.kg" in code[1]


def test_untrusted_text_only_inside_escaped_json(page):
    parsed = _parse(page)
    # exactly our script elements (three data blocks, vis-network, ours): the payload opened none
    assert len(parsed.scripts) == 4 + len(html_export.SCRIPTS)
    assert [t for t, _ in parsed.tags if t in ("img", "svg")] == []
    for raw in ("<script>window", "<img src", "<svg", "<!--", "\u2028", "\u2029"):
        assert raw not in page
    data = _blocks(page)
    paper = data["kg-data"]["details"]["nodes"]["paper:p1"]
    assert paper["name"] == "FooNet " + PAYLOAD  # round-trips exactly
    assert PAYLOAD in paper["abstract"]
    claims = [c for e in data["kg-data"]["details"]["edges"].values() for c in e.get("claims", [])]
    assert any(PAYLOAD in c["evidence"] for c in claims)
    assert data["kg-data"]["papers"]["p1"] == "FooNet " + PAYLOAD


def test_script_json_escapes_everything_that_could_break_out():
    text = html_export.script_json({"k": "</script><!--&>\u2028\u2029/\ud800 é"})
    assert re.fullmatch(r"[\x20-\x7e]+", text)  # ASCII only
    for bad in ("<", ">", "&", "</", "/"):
        assert bad not in text.replace("\\/", "")
    assert json.loads(text) == {"k": "</script><!--&>\u2028\u2029/\ud800 é"}


def test_same_graph_gives_byte_identical_page(tmp_path, page):
    assert html_export.render_html(small_graph()) == page
    a = html_export.write(small_graph(), tmp_path / "a", ExportOptions())[0]
    b = html_export.write(small_graph(), tmp_path / "b", ExportOptions())[0]
    assert a.name == "graph.html" and a.read_bytes() == b.read_bytes()


def test_render_dir_from_graph_json_equals_direct_render(tmp_path, page):
    write_nodelink(small_graph(), tmp_path)
    path = html_export.render_dir(tmp_path, ExportOptions())
    assert path == tmp_path / "graph.html"
    assert path.read_text(encoding="utf-8") == page
    assert html_export.render_html(read_nodelink(tmp_path / "graph.json")) == page


def test_render_dir_without_graph_json_is_a_clear_error(tmp_path):
    with pytest.raises(KgError, match="graph.json not found"):
        html_export.render_dir(tmp_path, ExportOptions())


def test_nodes_styled_by_type_and_sized_by_degree(page):
    data = _blocks(page)
    nodes = {n["id"]: n for n in data["kg-nodes"]}
    style = html_export.load_style()["nodes"]
    assert nodes["paper:p1"]["shape"] == style["PAPER"]["shape"] == "square"
    assert nodes["model:foonet"]["shape"] == style["MODEL"]["shape"]
    assert nodes["dataset:imagenet"]["color"]["background"] == style["DATASET"]["color"]
    assert len({style[t]["shape"] for t in style if t != "OTHER"}) == 7  # each type its own shape
    # ResNet-50 (2 papers, 2 outperforms) is bigger than LoRA (1 mention)
    assert nodes["model:resnet-50"]["size"] > nodes["method:lora"]["size"]
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in nodes.values())


def test_edges_coloured_labelled_with_arrows_and_mentions_lighter(page):
    edges = _blocks(page)["kg-edges"]
    assert all(e["arrows"]["to"]["enabled"] for e in edges)  # no co-mentions in the papers view
    by_type: dict[str, list] = {}
    for e in edges:
        by_type.setdefault(e["kgType"], []).append(e)
    assert set(by_type) == {"mentions", "proposes", "evaluates_on", "outperforms", "uses_metric"}
    mention = by_type["mentions"][0]
    assert "label" not in mention
    for t in ("proposes", "evaluates_on", "outperforms", "uses_metric"):
        e = by_type[t][0]
        assert e["kgLabel"] == t.replace("_", " ") and "label" not in e  # drawn by the page
        assert e["width"] > mention["width"]
        assert e["color"]["color"] != mention["color"]["color"]
    assert len({by_type[t][0]["color"]["color"] for t in by_type}) == 5


def test_legend_lists_drawn_types_with_counts(page):
    legend = _blocks(page)["kg-data"]["legend"]
    nodes = {x["type"]: x["count"] for x in legend["nodes"]}
    assert nodes == {
        "PAPER": 2,
        "MODEL": 3,
        "METHOD": 1,
        "DATASET": 1,
        "BENCHMARK": 1,
        "METRIC": 1,
        "TASK": 1,
    }
    edges = {x["type"]: x["count"] for x in legend["edges"]}
    assert edges["mentions"] == 9 and edges["outperforms"] == 2


def test_long_names_get_short_labels_and_full_details():
    long_name = "X" * 2000
    g = build_graph(
        Linker().link_all([Extraction(Paper("p", long_name, "a"), (_entity(long_name, T.TASK),))])
    )
    data = _blocks(html_export.render_html(g))
    labels = [n["kgLabel"] for n in data["kg-nodes"]]
    assert all(len(label) <= html_export.LABEL_MAX for label in labels)
    assert all("label" not in n for n in data["kg-nodes"])  # vis-network draws none itself
    assert {d["name"] for d in data["kg-data"]["details"]["nodes"].values()} == {long_name}


def test_empty_graph_renders():
    data = _blocks(html_export.render_html(nx.MultiDiGraph()))
    assert data["kg-nodes"] == [] and data["kg-edges"] == []
    assert data["kg-data"]["summary"] == "showing 0 of 0 nodes and 0 of 0 edges"


def test_title_is_escaped():
    page = html_export.render_html(small_graph(), ExportOptions(title="<b>T</b> & \ud800"))
    assert "<title>&lt;b&gt;T&lt;/b&gt; &amp; \ufffd</title>" in page


def test_text_like_a_json_block_mark_stays_text():
    mark = html_export._BLOCK_MARK.format(0)
    page = html_export.render_html(small_graph(mark), ExportOptions(title=mark))
    assert mark not in page
    data = _blocks(page)
    assert data["kg-data"]["details"]["nodes"]["paper:p1"]["name"] == mark
    assert len(data["kg-nodes"]) == 10


def test_page_opens_settled_with_physics_off_and_big_pages_drawn_lighter():
    small = html_export.vis_options(10, 20)
    assert small["physics"]["enabled"] is False and small["interaction"]["hideEdgesOnDrag"] is False
    big = html_export.vis_options(5000, 20000)
    assert big["physics"]["enabled"] is False and big["interaction"]["hideEdgesOnDrag"] is True


# ---- selection ------------------------------------------------------------------


def test_select_keeps_highest_degree_with_id_tie_break():
    s = select(star_graph(), max_nodes=4)
    # a has degree 3; b, c, d, e, g degree 1 -> b, c, d win the tie by id
    assert s.nodes == ("a", "b", "c", "d")
    assert s.edges == (("a", "b", "evaluates_on"), ("a", "c", "evaluates_on"))
    assert s.dropped_by_limit == 3
    assert s.degree == {"a": 2, "b": 1, "c": 1, "d": 0}  # counted on what is drawn
    assert s.summary() == (
        "showing 4 of 7 nodes and 2 of 4 edges; left out: "
        "3 least-mentioned nodes beyond the 4-node limit"
    )


def test_select_by_min_degree_and_type():
    s = select(star_graph(), min_degree=1, types="model,dataset")
    assert s.nodes == ("a", "b", "c", "g")
    assert s.dropped_by_type == 3 and s.dropped_by_degree == 0
    s = select(star_graph(), min_degree=2)
    # a keeps 3 edges but to leaves of degree 1: the 2-core of the star is empty
    assert s.nodes == () and s.dropped_by_degree == 7
    assert "7 nodes with fewer than 2 drawn edges" in s.summary()
    assert select(star_graph()).complete


def test_page_says_what_was_left_out():
    page = html_export.render_html(small_graph(), ExportOptions(html_max_nodes=5))
    data = _blocks(page)
    assert len(data["kg-nodes"]) == 5
    assert "showing 5 of 10 nodes" in data["kg-data"]["summary"]
    assert "showing 5 of 10 nodes" in page.split('id="kg-summary">')[1].split("<")[0]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"max_nodes": 0}, "at least 1"),
        ({"min_degree": -1}, "0 or more"),
        ({"types": "MODEL,GADGET"}, "unknown node type"),
        ({"types": " , "}, "empty"),
    ],
)
def test_select_rejects_bad_options(kwargs, message):
    with pytest.raises(KgError, match=message):
        select(star_graph(), **kwargs)


def test_parse_types_accepts_labels_and_lists():
    assert parse_types(["Paper", "task"]) == {"PAPER", "TASK"}
    assert parse_types(None) is None


# ---- layout ---------------------------------------------------------------------


def test_layout_places_every_node_deterministically():
    g = star_graph()
    lay = layout(g.nodes, [(u, v) for u, v, _ in g.edges])
    pos = lay.positions
    assert set(pos) == set(g.nodes)
    assert len(set(pos.values())) == len(pos)  # no two nodes on one spot
    assert pos == layout(reversed(list(g.nodes)), [(v, u) for u, v, _ in g.edges]).positions
    assert lay.community["f"] == -1  # no edge: set out below
    assert pos["f"][1] > max(y for n, (_, y) in pos.items() if n != "f")


def _two_cliques():
    nodes = [f"a{i}" for i in range(12)] + [f"b{i}" for i in range(12)]
    edges = [(f"{k}{i}", f"{k}{j}") for k in "ab" for i in range(12) for j in range(i + 1, 12)]
    return nodes, edges + [("a0", "b0")]


def test_layout_groups_communities_in_discs_that_do_not_overlap():
    nodes, edges = _two_cliques()
    lay = layout(nodes, edges)
    assert lay.community["a3"] == lay.community["a7"] != lay.community["b3"]
    assert len(lay.clusters) == 2
    c1, c2 = lay.clusters
    assert math.hypot(c1["x"] - c2["x"], c1["y"] - c2["y"]) >= c1["r"] + c2["r"]
    for c in lay.clusters:  # every member inside its disc
        members = [n for n in nodes if lay.community[n] == c["id"]]
        assert all(
            math.hypot(lay.positions[n][0] - c["x"], lay.positions[n][1] - c["y"]) <= c["r"] + 2
            for n in members
        )
    # nodes keep apart: no two closer than a third of the spacing
    pts = list(lay.positions.values())
    closest = min(math.dist(p, q) for i, p in enumerate(pts) for q in pts[i + 1 :])
    assert closest > SPACING / 3


def test_layout_splits_communities_over_the_cap(monkeypatch):
    monkeypatch.setattr(html_layout, "MAX_COMMUNITY", 5)
    nodes, edges = _two_cliques()
    lay = layout(nodes, edges)
    sizes = [c["size"] for c in lay.clusters]
    assert max(sizes) <= 5 and sum(sizes) == 24


def test_label_scales_never_let_two_drawn_labels_overlap():
    rng = random.Random(4)
    boxes = [
        (rng.uniform(0, 800), rng.uniform(0, 800), rng.uniform(30, 120), 16) for _ in range(150)
    ]
    scales = label_scales(boxes)
    assert scales[0] == 0.0 and max(scales) <= LABEL_MAX_SCALE
    # below the cap (where a label waits no longer), drawn labels never overlap
    for zoom in (0.05, 0.2, 0.5, 1.0, 2.0, LABEL_MAX_SCALE - 0.01):
        shown = [b for b, s in zip(boxes, scales, strict=True) if s <= zoom]
        for i, (x1, y1, w1, h1) in enumerate(shown):
            for x2, y2, w2, h2 in shown[i + 1 :]:
                overlap_x = abs(x1 - x2) * zoom < (w1 + w2) / 2 - 1e-6
                overlap_y = abs(y1 - y2) * zoom < (h1 + h2) / 2 - 1e-6
                assert not (overlap_x and overlap_y), zoom
    assert len([s for s in scales if s <= 1.0]) > len([s for s in scales if s <= 0.2])


def test_even_density_keeps_angles_and_fills_the_disc():
    pos = {"a": (0.0, 0.0), "b": (0.01, 0.0), "c": (100.0, 0.0), "d": (-0.01, 0.0)}
    out = even_density(pos, 100.0)
    assert max(abs(x) for x, _ in out.values()) <= 100.0
    assert out["c"][0] > 50  # the outlier stays outermost, on its side


def test_vendored_vis_network_is_noted_with_licenses():
    folder = Path(html_export.__file__).resolve().parent.parent / "templates"
    note = (folder / "vis-network.VENDORED.txt").read_text()
    assert html_export.VIS_NETWORK_VERSION in note
    js = (folder / "vis-network.min.js").read_text()
    assert f"@version {html_export.VIS_NETWORK_VERSION}" in js
    assert hashlib.sha256(js.encode()).hexdigest() in note
    assert "MIT" in (folder / "vis-network.LICENSE-MIT.txt").read_text()
    assert "Apache" in (folder / "vis-network.LICENSE-APACHE-2.0.txt").read_text()


_RENDER_SCRIPT = """
import hashlib, networkx as nx
from kg.export.html import render_html
base = nx.barabasi_albert_graph(700, 2, seed=5)
g = nx.MultiDiGraph()
types = ["PAPER", "MODEL", "DATASET", "METRIC"]
for n in sorted(base.nodes):
    g.add_node(f"n{n}", type=types[n % 4], name=f"node {n}", aliases=[], papers=[])
for u, v in sorted(base.edges):
    g.add_edge(f"n{u}", f"n{v}", key="outperforms", type="outperforms", claims=[])
print(hashlib.sha256(render_html(g).encode()).hexdigest())
"""


def test_page_is_identical_across_processes_and_hash_seeds():
    repo = Path(__file__).resolve().parents[2]
    digests = set()
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(repo))
        result = subprocess.run(
            [sys.executable, "-c", _RENDER_SCRIPT], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        digests.add(result.stdout.strip())
    assert len(digests) == 1
