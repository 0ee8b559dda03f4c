"""Interactive, offline HTML view of the graph (``graph.html``), built with pyvis.

pyvis (:class:`pyvis.network.Network`) holds the nodes, edges and vis-network
options and renders the page, but through our own Jinja template
(``kg/templates/graph.html.j2``) instead of pyvis's, which loads Bootstrap
and vis-network from a CDN. Everything the page needs is inlined: the
vendored vis-network standalone build (see
``kg/templates/vis-network.VENDORED.txt``), our CSS and JS, and the data as
JSON in ``<script type="application/json">`` blocks. The page holds no http(s)
reference and its Content-Security-Policy blocks every network load, so it
works from a ``file://`` URL with no network.

Untrusted text (titles, abstracts, names, evidence sentences) only reaches
the page inside those JSON blocks, escaped by :func:`script_json`, and the
page's script writes it with ``textContent``.

Large graphs: :mod:`kg.export.html_select` chooses what is drawn
(``html_types``, ``html_min_degree``, ``html_max_nodes``) and the page says
what was left out; :mod:`kg.export.html_layout` precomputes deterministic
positions. Graphs up to :data:`STABILIZE_MAX` drawn nodes are then settled by
a short physics stabilisation in the browser, after which physics is switched
off; bigger ones are drawn at the precomputed positions with physics off.
The same graph and options always give a byte-identical page.

Memory follows what is drawn, not the graph or the page (79 MB for 2,000
nodes of a 100k-paper graph): the selection keeps one degree per node and
visits only the drawn nodes' edges, and :func:`write` streams the page. The
template is rendered with a mark for each JSON block, and the blocks are
written piece by piece (:mod:`kg.export.html_json`) from lazy containers
whose entries (panel details, edge options, claims, paper titles) are made
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
from kg.export.html_json import LazyMapping, LazySequence, iter_script_json
from kg.export.html_json import script_json as script_json  # re-exported
from kg.export.html_layout import layout
from kg.export.html_select import Selection, select
from kg.fsutil import atomic_writer
from kg.graph import node_data
from kg.records import MENTIONS

FILENAME = "graph.html"
TEMPLATE = "graph.html.j2"
VIS_NETWORK_VERSION = "9.1.13"
#: Drawn graphs up to this many nodes get a physics stabilisation in the browser.
STABILIZE_MAX = 1000
#: Longest node label drawn on the canvas (the panel shows the full name).
LABEL_MAX = 40
PAPER_LABEL_MAX = 32
#: Longest abstract put into the page, in characters.
ABSTRACT_MAX = 5000

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


def _clean_text(text: str) -> str:
    """Replace lone surrogates (which UTF-8 cannot hold) with U+FFFD."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def truncate(text: str, limit: int) -> str:
    """Shorten ``text`` on one line to at most ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def node_size(degree: int, paper: bool = False) -> float:
    """Drawn size from degree: grows with the log of the degree."""
    base = 9.0 if paper else 11.0
    return round(base + 5.0 * math.log2(1 + degree), 2)


def _none_if_empty(value):
    return None if value in ("", [], None) else value


def _node_details(data: dict, node_id: str, degree: int) -> dict:
    ntype = data.get("type") or "OTHER"
    name = data.get("name") or data.get("label") or node_id
    d = {"type": ntype, "name": _clean_text(str(name)), "degree": degree}
    if ntype == "PAPER":
        abstract = data.get("abstract") or ""
        if len(abstract) > ABSTRACT_MAX:
            abstract = abstract[: ABSTRACT_MAX - 1] + "…"
        d.update(
            paper_id=data.get("paper_id"),
            year=data.get("year"),
            date=_none_if_empty(data.get("date")),
            authors=list(data.get("authors") or []),
            arxiv_id=_none_if_empty(data.get("arxiv_id")),
            doi=_none_if_empty(data.get("doi")),
            source=_none_if_empty(data.get("source")),
            abstract=abstract,
        )
    else:
        d.update(
            aliases=sorted(data.get("aliases") or []),
            papers=sorted(data.get("papers") or []),
            introduced_by=sorted(data.get("introduced_by") or []),
        )
    return d


_CLAIM_KEYS = ("paper", "evidence", "rule", "confidence", "value", "metric")


def _edge_details(data: dict, etype: str) -> dict:
    """What the panel shows of an edge; its claims (thousands on a hub edge) are lazy."""
    if etype == MENTIONS:
        return {"type": etype, "count": data.get("count")}
    raw = data.get("claims") or []
    if not isinstance(raw, (list, tuple)):
        raw = list(raw)
    claims = LazySequence(len(raw), lambda i: {k: raw[i].get(k) for k in _CLAIM_KEYS})
    return {
        "type": etype,
        "claims": claims,
        "support": data.get("support", len(claims)),
        "confidence": data.get("confidence"),
    }


def _node_options(info: dict, position: tuple[int, int], nstyles: dict) -> dict:
    ntype = info["type"] if info["type"] in nstyles else "OTHER"
    st = nstyles[ntype]
    paper = ntype == "PAPER"
    x, y = position
    return dict(
        label=truncate(info["name"], PAPER_LABEL_MAX if paper else LABEL_MAX),
        shape=st["shape"],
        color={
            "background": st["color"],
            "border": st["border"],
            "highlight": {"background": st["color"], "border": "#111111"},
            "hover": {"background": st["color"], "border": "#111111"},
        },
        size=node_size(info["degree"], paper),
        x=x,
        y=y,
        font={"color": st["font_color"], "size": st["font_size"]},
        borderWidth=1,
        kgType=info["type"],
    )


def _edge_options(etype: str, edge_id: str, estyles: dict) -> dict:
    st = estyles.get(etype, estyles["OTHER"])
    options = {
        "id": edge_id,
        "kgType": etype,
        "color": {"color": st["color"], "highlight": st["color"], "hover": st["color"]},
        "width": st["width"],
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.45 if etype == MENTIONS else 0.7}},
        "smooth": (
            {"enabled": True, "type": "curvedCW", "roundness": st["curve"]}
            if st["curve"]
            else {"enabled": False}
        ),
    }
    if st["show_label"]:
        options["label"] = st["label"]
        options["font"] = {
            "size": 10,
            "color": st["color"],
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
            "align": "middle",
        }
    return options


def _edge_type(graph: nx.MultiDiGraph, edge: tuple[str, str, str]) -> str:
    u, v, key = edge
    return str(graph.edges[u, v, key].get("type") or key)


def build_network(graph: nx.MultiDiGraph, selection: Selection, style: dict | None = None):
    """Return the pyvis ``Network`` of the selected nodes and edges, and the panel details.

    Nodes get precomputed positions, a shape and colour per type, a size by
    degree and a short label; edges a colour, width, label and curve per
    relation type and an arrow. Returns ``(network, details)`` where
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
    positions = layout(selection.nodes, [(u, v) for u, v, _ in selection.edges], selection.degree)
    net = Network(height="100%", width="100%", directed=True)

    def node_info(node_id: str) -> dict:
        return _node_details(node_data(graph, node_id), node_id, selection.degree[node_id])

    for node_id in selection.nodes:
        net.add_node(node_id, **_node_options(node_info(node_id), positions[node_id], nstyles))

    edges = selection.edges

    def edge(index: int) -> dict:
        u, v, _ = edges[index]
        options = _edge_options(_edge_type(graph, edges[index]), f"e{index}", estyles)
        # Network.add_edge checks both ends with a linear scan per edge; the
        # selection already guarantees them, so make pyvis Edges directly.
        return Edge(u, v, directed=True, **options).options

    def edge_info(edge_id: str) -> dict:
        u, v, key = edges[int(edge_id[1:])]
        return _edge_details(graph.edges[u, v, key], _edge_type(graph, (u, v, key)))

    net.edges = LazySequence(len(edges), edge)
    details = {
        "nodes": LazyMapping(selection.nodes, node_info),
        "edges": LazyMapping((f"e{i}" for i in range(len(edges))), edge_info),
    }
    return net, details


def vis_options(n_nodes: int, n_edges: int) -> dict:
    """vis-network options: physics only to settle small graphs, lighter drawing for big ones."""
    stabilize = 0 < n_nodes <= STABILIZE_MAX
    big = n_nodes > 1000 or n_edges > 3000
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
            "enabled": stabilize,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.008,
                "springLength": 110,
                "springConstant": 0.06,
                "avoidOverlap": 0.4,
            },
            "stabilization": {
                "enabled": stabilize,
                "iterations": 250,
                "updateInterval": 25,
                "fit": True,
            },
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

    def order(counts, styles):
        known = [t for t in styles if t in counts]
        return [{"type": t, "count": counts[t]} for t in known + sorted(set(counts) - set(known))]

    return {
        "nodes": order(node_counts, style["nodes"]),
        "edges": order(edge_counts, style["edges"]),
    }


def _paper_titles(graph: nx.MultiDiGraph, selection: Selection) -> LazyMapping:
    """Titles of every paper the drawn nodes and edges name (``papers``,
    ``introduced_by``, claims), by paper id, each read from the graph when written."""
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

    return LazyMapping(sorted(wanted), title)


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
    )
    net, details = build_network(graph, selection, style)
    net.options = vis_options(len(selection.nodes), len(selection.edges))
    vis_js = inline_vendor_js(_read_template_file("vis-network.min.js"))
    app_js = _read_template_file("graph.js").rstrip()
    page = {
        "title": _clean_text(options.title or "kg knowledge graph"),
        "summary": selection.summary(),
        "css": _read_template_file("graph.css").rstrip(),
        "vis_js": vis_js,
        "app_js": app_js,
        "csp": _csp(vis_js, app_js),
        "pyvis_version": getattr(pyvis, "__version__", "?"),
        "vis_version": VIS_NETWORK_VERSION,
        "data": {
            "options": net.options,
            "stabilize": bool(net.options["physics"]["enabled"]),
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
