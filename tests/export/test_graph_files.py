"""Graph files opened by the tools their users have (issue 13): NetworkX, python-igraph,
graphology (graphology-graphml, graphology-gexf) and cytoscape, the last three run by node.

Each file is read by at least two independent readers, which must see every node and edge
with its attributes; ids that differ only by a control character stay distinct (issue 11).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from kg.export import cytoscape, gexf, graphml, nodelink
from kg.export.html import load_style
from kg.export.nodelink import edge_id, sorted_edges
from kg.graph import build_graph
from tests.test_sparql import small_world

JS = Path(__file__).resolve().parents[1] / "js"
CI = os.environ.get("CI") == "true"

#: Node ids that only a control character tells apart (GraphML used to merge them).
ODD_IDS = ("model:a\x01b", "model:a\x02b", "model:ab")


def _graph() -> nx.MultiDiGraph:
    graph = build_graph(small_world())
    for n in ODD_IDS:
        name = n.partition(":")[2]
        graph.add_node(n, kind="Model", type="MODEL", label=name, name=name, aliases=[name])
        graph.add_edge("paper:2401.00001", n, key="mentions", type="mentions", count=1)
    return graph


@pytest.fixture(scope="module")
def graph():
    return _graph()


@pytest.fixture(scope="module")
def out(tmp_path_factory, graph):
    out = tmp_path_factory.mktemp("files")
    for module in (nodelink, graphml, gexf, cytoscape):
        module.write(graph, out)
    return out


def _edge_types(graph) -> Counter:
    return Counter(d["type"] for _, _, d in graph.edges(data=True))


def node_read(kind: str, path: Path) -> dict:
    """Open ``path`` with the JavaScript reader (tests/js/read_graph.js)."""
    if shutil.which("node") is None or not (JS / "node_modules").is_dir():
        if CI:
            pytest.fail("node or tests/js/node_modules missing: scripts/test.sh installs them")
        pytest.skip("node or tests/js/node_modules missing (bash scripts/test.sh installs them)")
    proc = subprocess.run(
        ["node", str(JS / "read_graph.js"), kind, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _igraph():
    if CI:
        import igraph
    else:
        igraph = pytest.importorskip("igraph")
    return igraph


# --------------------------------------------------------------------------- GraphML


def test_graphml_edge_ids_are_unique_stable_and_per_edge(out, graph):
    """Issue 13: every <edge id> was the relation type (5 ids for 606 edges)."""
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    edges = ET.parse(out / "graph.graphml").getroot().findall(".//g:edge", ns)
    ids = [e.get("id") for e in edges]
    assert len(ids) == graph.number_of_edges() == len(set(ids))
    expected = [edge_id(u, v, k) for u, v, k, _ in sorted_edges(graph)]
    assert ids == expected  # derived from (source, target, relation): the same in every build


def test_graphml_by_networkx(out, graph):
    back = nx.read_graphml(out / "graph.graphml")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert _edge_types(back) == _edge_types(graph)
    assert back.nodes["model:gpt-4o"]["name"] == "GPT-4o"
    assert (
        json.loads(back.nodes["model:gpt-4o"]["aliases"]) == graph.nodes["model:gpt-4o"]["aliases"]
    )


def test_graphml_by_igraph(out, graph):
    g = _igraph().Graph.Read_GraphML(str(out / "graph.graphml"))
    assert (g.vcount(), g.ecount()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert g.is_directed()
    assert Counter(g.es["type"]) == _edge_types(graph)
    ids = g.vs["id"]
    assert "model:gpt-4o" in ids and len({i for i in ids if i.startswith("model:a")}) == 3
    assert g.vs.find(id="model:gpt-4o")["name"] == "GPT-4o"


def test_graphml_by_graphology(out, graph):
    got = node_read("graphml", out / "graph.graphml")
    assert (got["order"], got["size"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert Counter(e["attrs"]["type"] for e in got["edges"].values()) == _edge_types(graph)
    assert got["nodes"]["model:gpt-4o"]["type"] == "MODEL"


def test_graphml_keeps_ids_differing_by_a_control_character_apart(out):
    """Issue 11: GraphML dropped control characters, so these three ids became one or two."""
    back = nx.read_graphml(out / "graph.graphml")
    odd = [n for n in back.nodes if n.startswith("model:a")]
    assert len(odd) == 3 and "model:ab" in odd
    got = node_read("graphml", out / "graph.graphml")
    assert len([n for n in got["nodes"] if n.startswith("model:a")]) == 3


# --------------------------------------------------------------------------- GEXF


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def test_gexf_by_networkx(out, graph):
    back = nx.read_gexf(out / "graph.gexf")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert _edge_types(back) == _edge_types(graph)
    node = back.nodes["model:gpt-4o"]
    assert node["type"] == "MODEL" and node["label"] == "GPT-4o"
    color = node["viz"]["color"]
    assert (color["r"], color["g"], color["b"]) == _rgb(load_style()["nodes"]["MODEL"]["color"])
    assert back.nodes["paper:2401.00001"]["type"] == "PAPER"


def test_gexf_by_graphology(out, graph):
    got = node_read("gexf", out / "graph.gexf")
    assert (got["order"], got["size"]) == (graph.number_of_nodes(), graph.number_of_edges())
    node = got["nodes"]["benchmark:mmlu"]
    assert node["type"] == "BENCHMARK" and node["label"] == "MMLU"
    assert node["color"] == "rgb({},{},{})".format(
        *_rgb(load_style()["nodes"]["BENCHMARK"]["color"])
    )
    assert Counter(e["attrs"]["type"] for e in got["edges"].values()) == _edge_types(graph)
    assert len([n for n in got["nodes"] if n.startswith("model:a")]) == 3


# --------------------------------------------------------------------------- Cytoscape.js JSON


def test_cytoscape_json_by_networkx(out, graph):
    with open(out / "graph.cyjs", encoding="utf-8") as f:
        back = nx.cytoscape_graph(json.load(f))
    assert back.is_directed() and back.is_multigraph()
    assert set(back.nodes) == set(graph.nodes)
    assert set(back.edges(keys=True)) == set(graph.edges(keys=True))
    claims = back.edges["model:gpt-4o", "benchmark:mmlu", "evaluates_on"]["claims"]
    assert claims == graph.edges["model:gpt-4o", "benchmark:mmlu", "evaluates_on"]["claims"]


def test_cytoscape_json_by_cytoscape_headless(out, graph):
    got = node_read("cyjs", out / "graph.cyjs")
    assert (got["order"], got["size"]) == (graph.number_of_nodes(), graph.number_of_edges())
    style = load_style()
    want = "rgb({},{},{})".format(*_rgb(style["nodes"]["DATASET"]["color"]))
    assert got["nodes"]["dataset:coco"]["color"] == want  # the stylesheet applies by type
    edge = got["edges"][edge_id("model:gpt-4o", "benchmark:mmlu", "evaluates_on")]
    assert edge["color"] == "rgb({},{},{})".format(*_rgb(style["edges"]["evaluates_on"]["color"]))
    assert edge["data"]["support"] == 2


# --------------------------------------------------------------------------- node-link JSON


def test_nodelink_reads_with_the_networkx_default(out, graph):
    """Issue 13: graph.json used "links", which node_link_graph(data) no longer reads."""
    with open(out / "graph.json", encoding="utf-8") as f:
        data = json.load(f)
    assert "edges" in data and "links" not in data
    back = nx.node_link_graph(data, edges="edges")  # the default from NetworkX 3.6 on
    if tuple(int(x) for x in nx.__version__.split(".")[:2]) >= (3, 6):
        back = nx.node_link_graph(data)
    assert nx.utils.graphs_equal(back, graph)
    assert nx.utils.graphs_equal(nodelink.read_nodelink(out / "graph.json"), graph)


def test_nodelink_is_networkx_node_link_data(out, graph):
    expected = json.dumps(nx.node_link_data(graph, edges="edges"), ensure_ascii=False, indent=1)
    data = (out / "graph.json").read_text(encoding="utf-8")
    # same content; our writer sorts nodes and edges, node_link_data keeps insertion order
    assert json.loads(data).keys() == json.loads(expected).keys()
    assert len(json.loads(data)["edges"]) == len(json.loads(expected)["edges"])


def test_read_nodelink_still_reads_links_files(tmp_path, graph):
    old = nx.node_link_data(graph, edges="links")
    (tmp_path / "graph.json").write_text(json.dumps(old), encoding="utf-8")
    assert nx.utils.graphs_equal(nodelink.read_nodelink(tmp_path / "graph.json"), graph)


# --------------------------------------------------------------------------- all of them


@pytest.mark.parametrize("module", [nodelink, graphml, gexf, cytoscape], ids=lambda m: m.FILENAME)
def test_same_graph_gives_the_same_bytes(tmp_path, module):
    a, b = tmp_path / "a", tmp_path / "b"
    (path_a,) = module.write(_graph(), a)
    (path_b,) = module.write(_graph(), b)
    assert path_a.read_bytes() == path_b.read_bytes()
