"""The HTML export stays lean on big graphs: memory grows with what is drawn, not the graph.

Regression: on a 100k-paper graph the page (79 MB) was built as whole strings
(the JSON blocks, five escaped copies of them, the rendered page, its UTF-8
encoding) and every panel detail was held at once: +260 MB peak RSS. The page
is now streamed piece by piece from lazy containers (+25 MB, same bytes).
"""

from __future__ import annotations

import json
import random
import tracemalloc

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.classes import reportviews

from kg.export import ExportOptions
from kg.export import html as html_export
from kg.export.html_json import LazyMapping, LazySequence, iter_script_json, script_json
from kg.export.html_layout import Layout
from kg.export.html_select import select
from kg.records import MENTIONS

ENTITY_TYPES = ("MODEL", "METHOD", "DATASET", "BENCHMARK", "METRIC", "TASK")


def synthetic_graph(n_papers: int, n_entities: int, seed: int = 3) -> nx.MultiDiGraph:
    """Papers mentioning five entities each and making one claim with a long evidence sentence."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    entities = [f"{ENTITY_TYPES[i % 6].lower()}:e{i:05d}" for i in range(n_entities)]
    papers_of: dict[str, list[str]] = {e: [] for e in entities}
    for i in range(n_papers):
        pid = f"p{i:06d}"
        node = f"paper:{pid}"
        g.add_node(
            node,
            type="PAPER",
            name=f"Paper {i} on </script> https://x.example",
            title=f"Paper {i} on </script> https://x.example",
            paper_id=pid,
            abstract="We study things. " * 20,
            authors=[],
        )
        # a skewed choice, as in real corpora: a few entities are everywhere
        chosen = sorted({entities[int(rng.paretovariate(1.2)) % n_entities] for _ in range(5)})
        for e in chosen:
            g.add_edge(node, e, key=MENTIONS, type=MENTIONS, count=1)
            papers_of[e].append(pid)
        if len(chosen) > 1:
            u, v = chosen[0], chosen[-1]
            claim = {"paper": pid, "evidence": f"{u} is evaluated on {v}. " * 24, "rule": "r"}
            if g.has_edge(u, v, "evaluates_on"):
                g.edges[u, v, "evaluates_on"]["claims"].append(claim)
            else:
                g.add_edge(u, v, key="evaluates_on", type="evaluates_on", claims=[claim])
    for i, e in enumerate(entities):
        g.add_node(
            e,
            type=ENTITY_TYPES[i % 6],
            name=f"Entity {i}",
            aliases=[f"Entity {i}"],
            papers=papers_of[e],
            introduced_by=[],
        )
    return g


# ---- streamed JSON is the same text --------------------------------------------

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.sampled_from(list('ab:/<>&\u2028\U0001f600\ud800"\\ ')))
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


def _lazify(value, rng: random.Random):
    """Turn some dicts and lists, at any depth, into lazy containers."""
    if isinstance(value, dict):
        value = {k: _lazify(v, rng) for k, v in value.items()}
        if rng.random() < 0.5:
            return LazyMapping(list(value)[::-1], value.__getitem__)
        return value
    if isinstance(value, list):
        value = [_lazify(v, rng) for v in value]
        if rng.random() < 0.5:
            return LazySequence(len(value), value.__getitem__)
        return value
    return value


def _plain(value):
    if isinstance(value, (dict, LazyMapping)):
        return {k: _plain(value[k]) for k in value}
    if isinstance(value, (list, LazySequence)):
        return [_plain(v) for v in value]
    return value


@settings(max_examples=300, deadline=None)
@given(_json, st.integers(0, 1000))
def test_streamed_json_is_script_json(value, seed):
    lazy = _lazify({"top": value}, random.Random(seed))
    assert "".join(iter_script_json(lazy)) == script_json({"top": value})
    assert _plain(lazy) == {"top": value}


def test_lazy_mapping_reads_values_when_written_and_rejects_unknown_keys():
    calls = []
    m = LazyMapping(["b", "a"], lambda k: calls.append(k) or k.upper())
    assert calls == []
    assert "".join(iter_script_json(m)) == '{"a":"A","b":"B"}'
    assert calls == ["a", "b"]
    assert "c" not in m and m["a"] == "A" and len(m) == 2
    s = LazySequence(3, lambda i: i * i)
    assert list(s) == [0, 1, 4] and s[-1] == 4 and s[1:] == [1, 4]
    with pytest.raises(IndexError):
        s[3]


# ---- selection visits only the drawn nodes' edges --------------------------------


def test_selection_never_lists_every_edge(monkeypatch):
    g = synthetic_graph(400, 60)
    keep = set(select(g, max_nodes=50).nodes)
    expected = tuple(sorted((u, v, k) for u, v, k in g.edges(keys=True) if u in keep and v in keep))

    def refuse(self, *args, **kwargs):
        raise AssertionError("the selection iterated over every edge of the graph")

    for cls in vars(reportviews).values():
        if isinstance(cls, type) and "Edge" in cls.__name__ and "__iter__" in vars(cls):
            monkeypatch.setattr(cls, "__iter__", refuse)
    s = select(g, max_nodes=50)
    assert s.edges == expected and len(s.edges) > 50
    assert s.total_edges == g.number_of_edges()


# ---- memory follows the drawing, not the page or the graph --------------------------


@pytest.fixture(scope="module")
def big_graph() -> nx.MultiDiGraph:
    return synthetic_graph(19_000, 1_000)


def _traced_peak(write) -> int:
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_writing_a_big_page_holds_far_less_than_the_page(big_graph, tmp_path, monkeypatch):
    assert big_graph.number_of_nodes() == 20_000
    # The layout's memory is bounded by html_layout.CORE_SIZE (~10 MB of numpy
    # arrays for its spring layout), whatever the graph; leave it out here.
    monkeypatch.setattr(
        html_export, "layout", lambda nodes, *_: Layout({n: (0, 0) for n in nodes}, {}, [])
    )
    tiny = nx.MultiDiGraph(big_graph.subgraph(["paper:p000000"]))
    html_export.write(tiny, tmp_path)
    # the same for every page: vis-network and the template, as strings
    fixed = _traced_peak(lambda: html_export.write(tiny, tmp_path))
    options = ExportOptions(html_view="papers")
    peak = _traced_peak(lambda: html_export.write(big_graph, tmp_path, options))
    size = (tmp_path / "graph.html").stat().st_size
    assert size > 12_000_000  # claims (100 per edge), paper lists and titles of what is drawn
    # Before streaming the peak was about three times the page (~85 MB here); now
    # what the graph adds is ~4.7 kB per drawn node (2,000 of them, with their
    # edges, positions and label boxes) plus per-node counters: less than the page.
    assert peak - fixed < min(size * 0.75, 12_000_000), (peak, fixed, size)
    # the entity view (the default for this graph) adds co-mentions and hidden papers
    peak = _traced_peak(lambda: html_export.write(big_graph, tmp_path, ExportOptions()))
    size = (tmp_path / "graph.html").stat().st_size
    assert size > 5_000_000
    assert peak - fixed < 12_000_000, (peak, fixed, size)


def test_written_page_is_the_rendered_page(big_graph, tmp_path):
    options = ExportOptions(html_max_nodes=300, html_view="papers")
    html_export.write(big_graph, tmp_path, options)
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert page == html_export.render_html(big_graph, options)
    data = json.loads(page.split('<script id="kg-data" type="application/json">')[1].split("<")[0])
    drawn = select(big_graph, max_nodes=300, view="papers")
    assert len(data["details"]["edges"]) == len(drawn.edges)
    assert sorted(data["details"]["nodes"]) == list(drawn.nodes)
    wanted = {p for n in drawn.nodes for p in big_graph.nodes[n].get("papers") or ()}
    assert wanted <= set(data["papers"])
