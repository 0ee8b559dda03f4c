"""What the HTML page draws and tells on large graphs: entity view, drawn degrees,
co-mentions, leaderboards and paper claims (no browser; see tests/browser for that)."""

from __future__ import annotations

import json
import re

import pytest

from kg.errors import KgError
from kg.export import ExportOptions
from kg.export import html as html_export
from kg.export.html_details import leaderboard, paper_claims, score
from kg.export.html_select import (
    CO_MENTION_K,
    CO_MENTION_MIN,
    ENTITY_VIEW_PAPERS,
    resolve_view,
    select,
)
from kg.graph import build_graph
from kg.link import Linker
from kg.records import EntityType as T
from kg.records import Extraction, Paper, Relation
from kg.records import RelationType as R
from tests.export import html_graphs
from tests.export.html_graphs import entity, synthetic_papers_graph


@pytest.fixture(scope="module")
def graph1k():
    return synthetic_papers_graph(1000)


def _blocks(page: str) -> dict:
    found = re.findall(r'<script id="(kg-[a-z]+)" type="application/json">(.*?)</script>', page)
    return {k: json.loads(v) for k, v in found}


def _drawn_degrees(s, hidden=True):
    deg = {n: 0 for n in s.nodes if n not in s.hidden}
    for u, v, *_ in list(s.edges) + list(s.co_mentions):
        if u in deg and v in deg:
            deg[u] += 1
            deg[v] += 1
    return deg


# ---- views -------------------------------------------------------------------------


def test_auto_view_draws_entities_only_above_the_paper_threshold(graph1k):
    assert resolve_view(html_graphs.small_graph()) == "papers"
    assert resolve_view(graph1k) == "entities"
    assert resolve_view(synthetic_papers_graph(ENTITY_VIEW_PAPERS)) == "papers"
    assert resolve_view(graph1k, "papers") == "papers"
    with pytest.raises(KgError, match="--html-view"):
        resolve_view(graph1k, "everything")


def test_entity_view_hides_papers_behind_the_toggle(graph1k):
    s = select(graph1k, max_nodes=400, view="auto")
    assert s.view == "entities"
    shown = [n for n in s.nodes if n not in s.hidden]
    assert len(shown) <= 400
    assert all(graph1k.nodes[n]["type"] != "PAPER" for n in shown)
    assert s.hidden and all(graph1k.nodes[n]["type"] == "PAPER" for n in s.hidden)
    assert len(s.hidden) <= 200  # half of the node budget
    # the hidden papers are those naming the most drawn entities
    hits = {p: sum(1 for e in graph1k.succ[p] if e in set(shown)) for p in s.hidden}
    others = [p for p in graph1k if p.startswith("paper:") and p not in s.hidden]
    best_other = max(sum(1 for e in graph1k.succ[p] if e in set(shown)) for p in others)
    assert min(hits.values()) >= best_other
    assert "papers behind the Papers toggle" in s.summary()
    assert "types not selected" not in s.summary()


def test_entity_view_links_entities_by_their_strongest_co_mentions(graph1k):
    s = select(graph1k, max_nodes=300, view="entities")
    assert s.co_mentions
    shown = set(s.shown)
    per_node: dict[str, int] = {}
    for a, b, n in s.co_mentions:
        assert a < b and a in shown and b in shown and n >= CO_MENTION_MIN
        papers_a = set(graph1k.nodes[a]["papers"])
        assert n == len(papers_a & set(graph1k.nodes[b]["papers"]))
        per_node[a] = per_node.get(a, 0) + 1
        per_node[b] = per_node.get(b, 0) + 1
    # every pair is among the top K of one of its two ends, so a node has few of its own
    assert sum(per_node.values()) <= 2 * CO_MENTION_K * len(shown)


@pytest.mark.parametrize("view", ["papers", "entities"])
@pytest.mark.parametrize("min_degree", [1, 2, 3])
def test_min_degree_counts_only_drawn_edges(graph1k, view, min_degree):
    """Regression: --html-min-degree 2 left 92 of 348 drawn nodes with no drawn edge,
    as the degree counted mentions by papers that were not drawn."""
    s = select(graph1k, max_nodes=500, min_degree=min_degree, view=view, types="MODEL,DATASET")
    deg = _drawn_degrees(s)
    assert deg and min(deg.values()) >= min_degree
    assert all(s.degree[n] == d for n, d in deg.items())


def test_page_in_entity_view_opens_with_papers_unticked(graph1k):
    page = html_export.render_html(graph1k, ExportOptions(html_max_nodes=300))
    data = _blocks(page)
    assert data["kg-data"]["view"] == "entities"
    assert data["kg-data"]["hiddenTypes"] == ["PAPER"]
    co = [e for e in data["kg-edges"] if e["kgType"] == "co_mentions"]
    assert co and all("arrows" not in e for e in co)
    detail = data["kg-data"]["details"]["edges"][co[0]["id"]]
    assert detail["count"] == len(detail["papers"]) >= CO_MENTION_MIN
    assert data["kg-data"]["clusters"] and all(c["name"] for c in data["kg-data"]["clusters"])
    nodes = data["kg-nodes"]
    assert all({"kgLabel", "kgLabelScale", "kgFont", "kgCommunity"} <= set(n) for n in nodes)
    # the most connected entity's label is drawn from the start
    top = max(nodes, key=lambda n: (n["kgType"] != "PAPER", n["size"]))
    assert top["kgLabelScale"] == 0.0


# ---- leaderboards and paper claims --------------------------------------------------


def _scored_graph():
    """Two papers scoring models on GLUE (one a lower-is-better metric elsewhere)."""
    s1 = "FooNet reaches 91.2 accuracy on GLUE, beating BarNet."
    s2 = "BazNet reaches 88.0 accuracy on GLUE."
    s3 = "FooNet has 12.5 perplexity on WikiText."
    exs = [
        Extraction(
            Paper("p1", "FooNet paper", s1 + " " + s3),
            tuple(
                entity(n, t, n == "FooNet")
                for n, t in [
                    ("FooNet", T.MODEL),
                    ("BarNet", T.MODEL),
                    ("GLUE", T.BENCHMARK),
                    ("accuracy", T.METRIC),
                    ("WikiText", T.DATASET),
                    ("perplexity", T.METRIC),
                ]
            ),
            (
                Relation(R.PROPOSES, "PAPER", "FooNet", evidence="We propose FooNet."),
                Relation(R.EVALUATES_ON, "FooNet", "GLUE", evidence=s1),
                Relation(R.USES_METRIC, "FooNet", "accuracy", s1, value="91.2", metric="accuracy"),
                Relation(R.USES_METRIC, "GLUE", "accuracy", s1, value="91.2", metric="accuracy"),
                Relation(R.OUTPERFORMS, "FooNet", "BarNet", evidence=s1),
                Relation(R.EVALUATES_ON, "FooNet", "WikiText", evidence=s3),
                Relation(R.USES_METRIC, "FooNet", "perplexity", s3, value="12.5", metric="PPL"),
            ),
        ),
        Extraction(
            Paper("p2", "BazNet paper", s2 + " BarNet is tested on GLUE."),
            tuple(
                entity(n, t)
                for n, t in [
                    ("BazNet", T.MODEL),
                    ("BarNet", T.MODEL),
                    ("GLUE", T.BENCHMARK),
                    ("accuracy", T.METRIC),
                ]
            ),
            (
                Relation(R.USES_METRIC, "BazNet", "accuracy", s2, value="88.0%", metric="accuracy"),
                Relation(R.USES_METRIC, "GLUE", "accuracy", s2, value="88.0%", metric="accuracy"),
                Relation(R.EVALUATES_ON, "BarNet", "GLUE", evidence="BarNet is tested on GLUE."),
            ),
        ),
    ]
    return build_graph(Linker().link_all(exs))


def test_leaderboard_lists_models_with_scores_papers_and_evidence():
    g = _scored_graph()
    rows = leaderboard(g, "benchmark:glue")
    assert [(r["name"], r["value"], r["metric"], r["paper"]) for r in rows] == [
        ("FooNet", "91.2", "accuracy", "p1"),  # from its evaluates_on claim + score
        ("BazNet", "88.0%", "accuracy", "p2"),  # from GLUE's uses_metric sentence
        ("BarNet", None, None, "p2"),  # evaluated, no score: last
    ]
    assert rows[0]["evidence"].startswith("FooNet reaches 91.2") and rows[0]["title"] == (
        "FooNet paper"
    )
    assert rows[0]["model"] == "model:foonet"


def test_leaderboard_puts_low_first_for_lower_is_better_metrics():
    g = _scored_graph()
    g.add_edge(
        "model:baznet",
        "dataset:wikitext",
        key="evaluates_on",
        type="evaluates_on",
        claims=[{"paper": "p2", "evidence": "BazNet: 20.1 PPL.", "value": "20.1", "metric": "PPL"}],
        support=1,
        confidence=1.0,
    )
    rows = leaderboard(g, "dataset:wikitext", lower_is_better=("ppl",))
    assert [r["name"] for r in rows] == ["FooNet", "BazNet"]
    assert [r["name"] for r in leaderboard(g, "dataset:wikitext")] == ["BazNet", "FooNet"]
    assert score("86.66%") == 86.66 and score("29.5\\%") == 29.5 and score("n/a") is None


def test_paper_claims_say_what_it_proposes_beats_and_scores():
    g = _scored_graph()
    claims = paper_claims(g, "paper:p1", "p1")
    kinds = [(c["type"], c["head_name"], c["tail_name"]) for c in claims]
    assert kinds[0] == ("proposes", "FooNet paper", "FooNet")
    assert ("outperforms", "FooNet", "BarNet") in kinds
    assert ("evaluates_on", "FooNet", "GLUE") in kinds
    scored = [c for c in claims if c["type"] == "uses_metric" and c["head_name"] == "FooNet"]
    assert {(c["value"], c["metric"]) for c in scored} == {("91.2", "accuracy"), ("12.5", "PPL")}
    # p2's claims are not p1's
    assert all(c["head_name"] != "BazNet" for c in claims)


def test_page_carries_leaderboard_and_paper_claims_as_escaped_data():
    g = _scored_graph()
    payload = html_graphs.SCRIPT_PAYLOAD
    claim = g.edges["model:foonet", "benchmark:glue", "evaluates_on"]["claims"][0]
    claim["evidence"] += payload
    page = html_export.render_html(g)
    assert "<img src" not in page and "<script>window" not in page
    details = _blocks(page)["kg-data"]["details"]["nodes"]
    board = details["benchmark:glue"]["leaderboard"]
    assert board[0]["name"] == "FooNet" and board[0]["evidence"].endswith(payload)
    assert any(c["type"] == "outperforms" for c in details["paper:p1"]["claims"])
    assert "leaderboard" not in details["model:foonet"]
