"""Interactive, offline HTML view of the graph (``graph.html``), built with pyvis.

pyvis (:class:`pyvis.network.Network`) holds the nodes, edges and vis-network
options and renders the page, but through our own Jinja template
(``kg/templates/graph.html.j2``) instead of pyvis's, which loads Bootstrap
and vis-network from a CDN. Everything the page needs is inlined: the
vendored vis-network standalone build (see
``kg/templates/vis-network.VENDORED.txt``), our CSS and scripts, and the data
as JSON in ``<script type="application/json">`` blocks. The page holds no
http(s) reference and its Content-Security-Policy blocks every network load,
so it works from a ``file://`` URL with no network.

Untrusted text (titles, abstracts, names, evidence sentences) only reaches
the page inside those JSON blocks, escaped by :func:`script_json`, and the
page's scripts write it with ``textContent`` (or as SVG text nodes).

What is drawn (:mod:`kg.export.html_select`): papers and entities for small
graphs, entities linked by relations and co-mentions for large ones (papers
behind a toggle), with degrees and ``--html-min-degree`` counted on what is
drawn. Where (:mod:`kg.export.html_layout`): a deterministic community
layout computed here, so the page opens settled with physics off, and for
each label the zoom from which it is drawn without overlapping a more
important one. The panel's leaderboards and paper claims come from
:mod:`kg.export.html_details`. The same graph and options always give a
byte-identical page.

Memory follows what is drawn, not the graph or the page: the selection keeps
one degree per node and visits only the drawn nodes' edges, and :func:`write`
streams the page. The template is rendered with a mark for each JSON block,
and the blocks are written piece by piece (:mod:`kg.export.html_json`) from
lazy containers whose entries (panel details, edge options, claims) are made
from the graph as they are written.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import DataFileError, KgError
from kg.export import ExportOptions
from kg.export.html_details import ABSTRACT_MAX as ABSTRACT_MAX
from kg.export.html_details import clean_text as _clean_text
from kg.export.html_details import edge_details, node_details, shared_papers
from kg.export.html_json import LazyMapping, LazySequence, iter_script_json
from kg.export.html_json import script_json as script_json  # re-exported
from kg.export.html_layout import hash_angle, label_scales, layout
from kg.export.html_select import CO_MENTIONS, Selection, select
from kg.fsutil import atomic_writer
from kg.records import MENTIONS

FILENAME = "graph.html"
TEMPLATE = "graph.html.j2"
VIS_NETWORK_VERSION = "9.1.13"
#: The page's own scripts, inlined in this order after vis-network.
SCRIPTS = ("graph.js", "graph_panel.js", "graph_tools.js")
#: Longest node label drawn on the canvas (the panel shows the full name).
LABEL_MAX = 40
PAPER_LABEL_MAX = 32
#: Above this many drawn edges, edges are straight and hidden while dragging.
BIG_EDGES = 3000

#: Relations drawn less faint on big pages.
_STRONG = ("proposes", "evaluates_on", "outperforms")
_SOURCE_MAP_RE = re.compile(r"^//[#@] sourceMappingURL=.*$", re.M)
_NODE_STYLE_KEYS = {"label", "shape", "color", "border", "font_color", "font_size"}
_EDGE_STYLE_KEYS = {"label", "color", "width", "show_label", "curve"}


def _templates():
    return resources.files("kg") / "templates"


def _read_template_file(name: str) -> str:
    try:
        return (_templates() / name).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"kg/templates/{name} is missing; reinstall kg ({exc})") from exc


@functools.cache
def load_style() -> dict:
    """Colours, shapes and labels of node and edge types (``kg/templates/html_style.json``).

    Validated on load; every section has an ``OTHER`` fallback entry.
    """
    name = "html_style.json"
    try:
        style = json.loads(_read_template_file(name))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"kg/templates/{name}:{exc.lineno}: invalid JSON: {exc.msg}") from exc
    for section, keys in (("nodes", _NODE_STYLE_KEYS), ("edges", _EDGE_STYLE_KEYS)):
        entries = style.get(section)
        if not isinstance(entries, dict) or "OTHER" not in entries:
            raise DataFileError(f"kg/templates/{name}: {section!r} needs an 'OTHER' entry")
        for key, entry in entries.items():
            missing = keys - set(entry)
            if missing:
                raise DataFileError(
                    f"kg/templates/{name}: {section}.{key} lacks {', '.join(sorted(missing))}"
                )
    for key in ("communities", "lower_is_better"):
        if not isinstance(style.get(key), list) or not style[key]:
            raise DataFileError(f"kg/templates/{name}: {key!r} needs a non-empty list")
    return style


def inline_vendor_js(text: str) -> str:
    """Prepare vendored JavaScript for inlining in a ``<script>`` element.

    Drops source-map comments (a devtools fetch), writes ``://`` as
    ``\\x3a\\/\\/`` (the same string or regex in JavaScript, plain text in a
    comment) so no http(s) URL appears, and refuses text holding ``</script``
    or ``<!--``, which would end or confuse the element.
    """
    text = _SOURCE_MAP_RE.sub("", text.replace("\r\n", "\n")).rstrip()
    if re.search(r"</script|<!--", text, re.I):
        raise DataFileError("vendored JavaScript holds '</script' or '<!--'; cannot inline it")
    return text.replace("://", "\\x3a\\/\\/")


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` on one line to at most ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def node_size(degree: int, paper: bool = False) -> float:
    """Drawn size from degree: grows with the log of the degree."""
    base = 7.0 if paper else 9.0
    return round(base + 4.0 * math.log2(1 + degree), 2)


def label_font(degree: int, paper: bool = False) -> int:
    """Label font size in screen pixels: hubs get bigger labels."""
    return 10 if paper else 11 + min(6, round(1.2 * math.log2(1 + degree)))


def _node_options(info: dict, position, nstyles: dict, label: str, scale: float, font: int):
    ntype = info["type"] if info["type"] in nstyles else "OTHER"
    st = nstyles[ntype]
    x, y = position
    return dict(
        shape=st["shape"],
        color={
            "background": st["color"],
            "border": st["border"],
            "highlight": {"background": st["color"], "border": "#111111"},
            "hover": {"background": st["color"], "border": "#111111"},
        },
        size=node_size(info["degree"], ntype == "PAPER"),
        x=x,
        y=y,
        borderWidth=1,
        kgType=info["type"],
        kgLabel=label,
        kgLabelScale=scale,
        kgFont=font,
    )


def _edge_options(etype: str, edge_id: str, estyles: dict, big: bool = False) -> dict:
    st = estyles.get(etype, estyles["OTHER"])
    options = {
        "id": edge_id,
        "kgType": etype,
        "color": {"color": st["color"], "highlight": st["color"], "hover": st["color"]},
        "width": st["width"] * (0.6 if big else 1.0),
        "smooth": (
            {"enabled": True, "type": "curvedCW", "roundness": st["curve"]}
            if st["curve"] and not big
            else {"enabled": False}
        ),
    }
    if big:  # thousands of edges: faint, so the nodes and communities stay readable
        options["color"]["opacity"] = 0.5 if etype in _STRONG else 0.25
    if etype != CO_MENTIONS:
        options["arrows"] = {
            "to": {"enabled": True, "scaleFactor": 0.45 if etype == MENTIONS else 0.7}
        }
    if st["show_label"]:
        options["kgLabel"] = st["label"]  # drawn by the page when few edges are shown
    return options


def _edge_type(graph: nx.MultiDiGraph, edge: tuple[str, str, str]) -> str:
    u, v, key = edge
    return str(graph.edges[u, v, key].get("type") or key)


def _paper_positions(graph, selection: Selection, positions: dict) -> dict:
    """Hidden papers sit at the centre of the drawn entities they name, a little off it."""
    out = {}
    for p in sorted(selection.hidden):
        pts = [positions[e] for e in graph.succ[p] if e in positions]
        if not pts:
            out[p] = (0, 0)
            continue
        angle = hash_angle(p)
        x = sum(x for x, _ in pts) / len(pts) + 30 * math.cos(angle)
        y = sum(y for _, y in pts) / len(pts) + 30 * math.sin(angle)
        out[p] = (round(x), round(y))
    return out


def build_network(graph: nx.MultiDiGraph, selection: Selection, style: dict | None = None):
    """Return the pyvis ``Network`` of the selection, the panel details and the layout.

    Nodes get precomputed positions, a shape and colour per type, a size by
    drawn degree, and a short label with the zoom from which it is drawn;
    edges a colour, width, label and curve per relation type and an arrow
    (``co_mentions``: none). Returns ``(network, details, layout)`` where
    ``details`` holds, per node and edge id, what the side panel shows.

    Only the nodes are held in memory. The network's ``edges`` is a
    :class:`~kg.export.html_json.LazySequence` and ``details["nodes"]`` and
    ``details["edges"]`` are :class:`~kg.export.html_json.LazyMapping`: each
    entry is made from the graph when it is read, so the tens of megabytes of
    edge options, claims and evidence of a large page are written out one
    entry at a time and never held at once.
    """
    from pyvis.edge import Edge
    from pyvis.network import Network

    style = style or load_style()
    nstyles, estyles = style["nodes"], style["edges"]
    lower = style["lower_is_better"]
    shown = selection.shown
    hidden = selection.hidden
    drawn_edges = [(u, v) for u, v, _ in selection.edges if u not in hidden and v not in hidden]
    drawn_edges += [(a, b, 1 + math.log2(n)) for a, b, n in selection.co_mentions]
    lay = layout(shown, drawn_edges, selection.degree)
    positions = dict(lay.positions)
    positions.update(_paper_positions(graph, selection, positions))
    edges = selection.edges
    co = selection.co_mentions
    big = len(edges) + len(co) > BIG_EDGES

    def node_info(node_id: str) -> dict:
        return node_details(graph, node_id, selection.degree.get(node_id, 0), lower)

    def node_rank(n):
        paper = graph.nodes[n].get("type") == "PAPER"
        return (paper, n in hidden, -selection.degree.get(n, 0), n)

    order = sorted(selection.nodes, key=node_rank)
    labels, fonts, boxes = {}, {}, []
    for n in order:
        data = graph.nodes[n]
        paper = data.get("type") == "PAPER"
        name = _clean_text(str(data.get("name") or data.get("label") or n))
        labels[n] = truncate(name, PAPER_LABEL_MAX if paper else LABEL_MAX)
        fonts[n] = label_font(selection.degree.get(n, 0), paper)
        x, y = positions[n]
        size = node_size(selection.degree.get(n, 0), paper)
        boxes.append((x, y + size, len(labels[n]) * fonts[n] * 0.56 + 6, fonts[n] * 1.3))
    scales = dict(zip(order, label_scales(boxes), strict=True))
    del boxes
    net = Network(height="100%", width="100%", directed=True)
    for node_id in selection.nodes:
        data = graph.nodes[node_id]
        info = {"type": data.get("type") or "OTHER", "degree": selection.degree.get(node_id, 0)}
        options = _node_options(
            info, positions[node_id], nstyles, labels[node_id], scales[node_id], fonts[node_id]
        )
        options["kgCommunity"] = lay.community.get(node_id, -1)
        net.add_node(node_id, **options)
        del net.nodes[-1]["label"]  # pyvis labels every node with its id; the page draws labels

    def edge(index: int) -> dict:
        if index >= len(edges):
            a, b, n = co[index - len(edges)]
            options = _edge_options(CO_MENTIONS, f"c{index - len(edges)}", estyles, big)
            options["width"] = round(min(4.0, 0.5 + 0.5 * math.log2(n)), 2)
            return Edge(a, b, directed=False, **options).options
        u, v, _ = edges[index]
        options = _edge_options(_edge_type(graph, edges[index]), f"e{index}", estyles, big)
        # Network.add_edge checks both ends with a linear scan per edge; the
        # selection already guarantees them, so make pyvis Edges directly.
        return Edge(u, v, directed=True, **options).options

    def edge_info(edge_id: str) -> dict:
        if edge_id[0] == "c":
            a, b, n = co[int(edge_id[1:])]
            papers_a = graph.nodes[a].get("papers") or []
            shared = shared_papers(papers_a, graph.nodes[b].get("papers") or [], 100)
            return {"type": CO_MENTIONS, "count": n, "papers": shared}
        u, v, key = edges[int(edge_id[1:])]
        return edge_details(graph.edges[u, v, key], _edge_type(graph, (u, v, key)))

    net.edges = LazySequence(len(edges) + len(co), edge)
    ids = [f"e{i}" for i in range(len(edges))] + [f"c{i}" for i in range(len(co))]
    details = {
        "nodes": LazyMapping(selection.nodes, node_info),
        "edges": LazyMapping(ids, edge_info),
    }
    return net, details, lay


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options: physics off (positions are precomputed); big pages drawn lighter."""
    big = n_nodes > 1000 or n_edges > BIG_EDGES
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {"scaling": {"label": {"enabled": False}}},
        "edges": {"selectionWidth": 1.5, "hoverWidth": 0.8},
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "tooltipDelay": 150,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.008,
                "springLength": 110,
                "springConstant": 0.06,
                "avoidOverlap": 0.4,
            },
            "stabilization": {"enabled": False},
        },
    }


def _legend(graph: nx.MultiDiGraph, selection: Selection, style: dict) -> dict:
    node_counts: dict[str, int] = {}
    for n in selection.nodes:
        t = graph.nodes[n].get("type") or "OTHER"
        node_counts[t] = node_counts.get(t, 0) + 1
    edge_counts: dict[str, int] = {}
    for u, v, k in selection.edges:
        t = str(graph.edges[u, v, k].get("type") or k)
        edge_counts[t] = edge_counts.get(t, 0) + 1
    if selection.co_mentions:
        edge_counts[CO_MENTIONS] = len(selection.co_mentions)

    def order(counts, styles):
        known = [t for t in styles if t in counts]
        return [{"type": t, "count": counts[t]} for t in known + sorted(set(counts) - set(known))]

    return {
        "nodes": order(node_counts, style["nodes"]),
        "edges": order(edge_counts, style["edges"]),
    }


def _paper_titles(graph: nx.MultiDiGraph, selection: Selection) -> LazyMapping:
    """Titles of every paper the page names (nodes' ``papers`` and ``introduced_by``,
    claims of drawn edges, co-mentions), by paper id, each read from the graph when written."""
    wanted: set[str] = set()
    for node_id in selection.nodes:
        data = graph.nodes[node_id]
        if (data.get("type") or "OTHER") != "PAPER":
            wanted.update(data.get("papers") or ())
            wanted.update(data.get("introduced_by") or ())
    for u, v, key in selection.edges:
        data = graph.edges[u, v, key]
        if str(data.get("type") or key) != MENTIONS:
            wanted.update(c.get("paper") for c in data.get("claims") or ())

    def title(pid: str) -> str:
        node = graph.nodes.get(f"paper:{pid}")
        return _clean_text(str(node.get("title") or pid)) if node else pid

    return LazyMapping(sorted(w for w in wanted if w is not None), title)


def _clusters(graph, selection: Selection, lay) -> list[dict]:
    """The layout's community discs, each named after its two best-connected members."""
    members: dict[int, list[str]] = {}
    for n, c in lay.community.items():
        members.setdefault(c, []).append(n)
    out = []
    for cluster in lay.clusters:
        top = sorted(members.get(cluster["id"], ()), key=lambda n: (-selection.degree[n], n))[:2]
        names = [truncate(_clean_text(str(graph.nodes[n].get("name") or n)), 24) for n in top]
        out.append({**cluster, "name": " · ".join(names)})
    return out


def _csp(*scripts: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )
    return (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; "
        "img-src data: blob:; "
        "base-uri 'none'; form-action 'none'"
    )


#: The template's ``kg_json`` filter leaves this mark where the JSON of its value goes.
_BLOCK_MARK = "<kg-json-block-{}>"
#: Characters gathered before each write to the file.
_WRITE_CHUNK = 1 << 20


def iter_html(graph: nx.MultiDiGraph, options: ExportOptions | None = None) -> Iterator[str]:
    """Yield the ``graph.html`` page for ``graph`` in pieces.

    The template is rendered with a mark in place of each JSON block; the
    blocks are then written piece by piece by
    :func:`~kg.export.html_json.iter_script_json`, so memory grows with the
    drawn nodes, not with the size of the page.
    """
    import pyvis

    options = options or ExportOptions()
    style = load_style()
    selection = select(
        graph,
        max_nodes=options.html_max_nodes,
        min_degree=options.html_min_degree,
        types=options.html_types,
        view=options.html_view,
    )
    net, details, lay = build_network(graph, selection, style)
    n_shown = len(selection.nodes) - len(selection.hidden)
    net.options = vis_options(n_shown, len(selection.edges) + len(selection.co_mentions))
    vis_js = inline_vendor_js(_read_template_file("vis-network.min.js"))
    scripts = [_read_template_file(name).rstrip() for name in SCRIPTS]
    for name, text in zip(SCRIPTS, scripts, strict=True):
        if re.search(r"</script|<!--", text, re.I):
            raise DataFileError(f"kg/templates/{name} holds '</script' or '<!--'")
    page = {
        "title": _clean_text(options.title or "kg knowledge graph"),
        "summary": selection.summary(),
        "css": _read_template_file("graph.css").rstrip(),
        "vis_js": vis_js,
        "scripts": scripts,
        "csp": _csp(vis_js, *scripts),
        "pyvis_version": getattr(pyvis, "__version__", "?"),
        "vis_version": VIS_NETWORK_VERSION,
        "data": {
            "options": net.options,
            "view": selection.view,
            "hiddenTypes": ["PAPER"] if selection.hidden else [],
            "clusters": _clusters(graph, selection, lay),
            "details": details,
            "papers": _paper_titles(graph, selection),
            "legend": _legend(graph, selection, style),
            "style": style,
            "summary": selection.summary(),
        },
    }
    blocks: list = []

    def mark(value) -> str:
        blocks.append(value)
        return _BLOCK_MARK.format(len(blocks) - 1)

    net.set_template_dir(str(_templates()) + "/", TEMPLATE)
    net.templateEnv.filters["kg_json"] = mark
    net.templateEnv.globals["page"] = page
    text = net.generate_html(name=FILENAME)
    start = 0
    for index, value in enumerate(blocks):
        mark_text = _BLOCK_MARK.format(index)
        at = text.find(mark_text, start)
        if at < 0 or text.find(mark_text, at + 1) >= 0:
            raise DataFileError(
                f"kg/templates/{TEMPLATE}: JSON block mark {index} lost or repeated"
            )
        yield text[start:at]
        yield from iter_script_json(value)
        start = at + len(mark_text)
    yield text[start:]


def render_html(graph: nx.MultiDiGraph, options: ExportOptions | None = None) -> str:
    """Return the complete ``graph.html`` page for ``graph`` (one string; see :func:`write`)."""
    return "".join(iter_html(graph, options))


def write(
    graph: nx.MultiDiGraph, out_dir: Path, options: ExportOptions | None = None
) -> list[Path]:
    """Write ``graph.html`` to ``out_dir``, streamed (never one string); return ``[path]``."""
    path = Path(out_dir) / FILENAME
    with atomic_writer(path) as f:
        buffer: list[str] = []
        size = 0
        for piece in iter_html(graph, options):
            buffer.append(piece)
            size += len(piece)
            if size >= _WRITE_CHUNK:
                f.write("".join(buffer))
                buffer.clear()
                size = 0
        f.write("".join(buffer))
    return [path]


def render_dir(build_dir: Path, options: ExportOptions | None = None) -> Path:
    """Re-render ``graph.html`` of an existing build from its ``graph.json``."""
    from kg.export.nodelink import FILENAME as NODELINK
    from kg.export.nodelink import read_nodelink

    build_dir = Path(build_dir)
    source = build_dir / NODELINK
    if not source.is_file():
        raise KgError(f"{source} not found: give the output folder of `kg build`")
    try:
        graph = read_nodelink(source)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KgError(f"{source} cannot be read ({exc}); rebuild it with `kg build`") from exc
    return write(graph, build_dir, options)[0]
