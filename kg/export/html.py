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
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from importlib import resources
from pathlib import Path

import networkx as nx

from kg.errors import DataFileError, KgError
from kg.export import ExportOptions
from kg.export.html_layout import layout
from kg.export.html_select import Selection, select
from kg.fsutil import write_text
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


def script_json(value) -> str:
    """JSON that is safe inside ``<script>`` (and deterministic).

    ASCII only (so U+2028/U+2029 and lone surrogates are escaped), keys
    sorted, and ``<``, ``>``, ``&``, ``/`` and the colon of ``://`` escaped so
    no ``</script>``, ``<!--`` or URL (``https://...`` in an abstract) can
    appear in the page.

    >>> script_json({"t": "</script><!-- \u2028 https://x"})
    '{"t":"\\\\u003c\\\\/script\\\\u003e\\\\u003c!-- \\\\u2028 https\\\\u003a\\\\/\\\\/x"}'
    """
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("/", "\\/")
        .replace(":\\/\\/", "\\u003a\\/\\/")
    )


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


def _edge_details(data: dict, etype: str) -> dict:
    if etype == MENTIONS:
        return {"type": etype, "count": data.get("count")}
    claims = [
        {k: c.get(k) for k in ("paper", "evidence", "rule", "confidence", "value", "metric")}
        for c in data.get("claims") or []
    ]
    return {
        "type": etype,
        "claims": claims,
        "support": data.get("support", len(claims)),
        "confidence": data.get("confidence"),
    }


def build_network(graph: nx.MultiDiGraph, selection: Selection, style: dict | None = None):
    """Return the pyvis ``Network`` of the selected nodes and edges, and the panel details.

    Nodes get precomputed positions, a shape and colour per type, a size by
    degree and a short label; edges a colour, width, label and curve per
    relation type and an arrow. Returns ``(network, details)`` where
    ``details`` holds, per node and edge id, what the side panel shows.
    """
    from pyvis.edge import Edge
    from pyvis.network import Network

    style = style or load_style()
    nstyles, estyles = style["nodes"], style["edges"]
    positions = layout(selection.nodes, [(u, v) for u, v, _ in selection.edges], selection.degree)
    net = Network(height="100%", width="100%", directed=True)
    details: dict = {"nodes": {}, "edges": {}}
    for node_id in selection.nodes:
        data = graph.nodes[node_id]
        deg = selection.degree[node_id]
        info = _node_details(data, node_id, deg)
        details["nodes"][node_id] = info
        ntype = info["type"] if info["type"] in nstyles else "OTHER"
        st = nstyles[ntype]
        paper = ntype == "PAPER"
        x, y = positions[node_id]
        net.add_node(
            node_id,
            label=truncate(info["name"], PAPER_LABEL_MAX if paper else LABEL_MAX),
            shape=st["shape"],
            color={
                "background": st["color"],
                "border": st["border"],
                "highlight": {"background": st["color"], "border": "#111111"},
                "hover": {"background": st["color"], "border": "#111111"},
            },
            size=node_size(deg, paper),
            x=x,
            y=y,
            font={"color": st["font_color"], "size": st["font_size"]},
            borderWidth=1,
            kgType=info["type"],
        )
    for index, (u, v, key) in enumerate(selection.edges):
        data = graph.edges[u, v, key]
        etype = str(data.get("type") or key)
        info = _edge_details(data, etype)
        edge_id = f"e{index}"
        details["edges"][edge_id] = info
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
        # Network.add_edge checks both ends with a linear scan per edge; the
        # selection already guarantees them, so append pyvis Edges directly.
        net.edges.append(Edge(u, v, directed=True, **options).options)
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


def _paper_titles(graph: nx.MultiDiGraph, details: dict) -> dict[str, str]:
    wanted: set[str] = set()
    for info in details["nodes"].values():
        wanted.update(info.get("papers") or ())
        wanted.update(info.get("introduced_by") or ())
    for info in details["edges"].values():
        wanted.update(c["paper"] for c in info.get("claims") or ())
    titles = {}
    for pid in sorted(wanted):
        node = graph.nodes.get(f"paper:{pid}")
        titles[pid] = _clean_text(str(node.get("title") or pid)) if node else pid
    return titles


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


def render_html(graph: nx.MultiDiGraph, options: ExportOptions | None = None) -> str:
    """Return the complete ``graph.html`` page for ``graph``."""
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
            "papers": _paper_titles(graph, details),
            "legend": _legend(graph, selection, style),
            "style": style,
            "summary": selection.summary(),
        },
    }
    net.set_template_dir(str(_templates()) + "/", TEMPLATE)
    net.templateEnv.filters["kg_json"] = script_json
    net.templateEnv.globals["page"] = page
    return net.generate_html(name=FILENAME)


def write(
    graph: nx.MultiDiGraph, out_dir: Path, options: ExportOptions | None = None
) -> list[Path]:
    """Write ``graph.html`` to ``out_dir``; return ``[path]``."""
    text = render_html(graph, options)
    return [write_text(Path(out_dir) / FILENAME, text)]


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
