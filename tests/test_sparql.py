"""kg.sparql and the example queries, on a small hand-made build with known answers."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from kg.errors import InputError, KgError
from kg.export import ExportOptions
from kg.export import rdf as rdf_export
from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType
from kg.sparql import QueryError, read_query, run_query, select_rows

QUERIES = Path(__file__).resolve().parents[1] / "examples" / "queries"

M, ME, D, B, MT, T = (
    EntityType.MODEL,
    EntityType.METHOD,
    EntityType.DATASET,
    EntityType.BENCHMARK,
    EntityType.METRIC,
    EntityType.TASK,
)
P, EV, OUT, UM = (
    RelationType.PROPOSES,
    RelationType.EVALUATES_ON,
    RelationType.OUTPERFORMS,
    RelationType.USES_METRIC,
)


def _ent(name, etype, *aliases, introduced=False):
    forms = tuple(sorted({name, *aliases}))
    return Entity("", name, etype, (Mention(name, "abstract", 0, len(name)),), forms, introduced)


def small_world() -> list[Extraction]:
    """Three papers: a benchmark paper, a model paper and a follow-up.

    Known facts: GPT-4o is evaluated on MMLU by papers 1 and 3 (support 2);
    LLaVA-KD > GPT-4o > LLaVA (a chain); COCO is mentioned by all three papers.
    """
    p1 = Paper(
        "2401.00001",
        "MMLU: A Benchmark",
        "We propose MMLU. GPT-4o is evaluated on MMLU ...",
        date="2024-01-05",
        year=2024,
    )
    p2 = Paper("2402.00002", "LLaVA-KD", "We propose LLaVA-KD ...", date="2024-02-10", year=2024)
    p3 = Paper("2403.00003", "SEED-Bench-2", "We introduce SEED-Bench-2 ...", year=2024)
    ex1 = Extraction(
        p1,
        (
            _ent("MMLU", B, "Multimodal Needle in a Haystack", introduced=True),
            _ent("GPT-4o", M),
            _ent("LLaVA", M),
            _ent("accuracy", MT),
            _ent("COCO", D),
        ),
        (
            Relation(P, "PAPER", "MMLU", "We propose MMLU.", "propose-verb", 0.9),
            Relation(EV, "GPT-4o", "MMLU", "GPT-4o is evaluated on MMLU.", "eval-on", 0.8),
            Relation(OUT, "GPT-4o", "LLaVA", "GPT-4o beats LLaVA.", "outperform-verb", 0.7),
            Relation(UM, "MMLU", "accuracy", "MMLU measures accuracy.", "metric-of", 0.6),
        ),
    )
    ex2 = Extraction(
        p2,
        (
            _ent("LLaVA-KD", M, "LLaVA KD", introduced=True),
            _ent("GPT-4o", M, "GPT-4 omni"),
            _ent("MMLU", B),
            _ent("COCO", D, "MS COCO"),
            _ent("BLEU", MT),
            _ent("knowledge distillation", ME),
        ),
        (
            Relation(P, "PAPER", "LLaVA-KD", "We propose LLaVA-KD.", "propose-verb", 0.9),
            Relation(OUT, "LLaVA-KD", "GPT-4o", "LLaVA-KD beats GPT-4o.", "outperform-verb", 0.75),
            Relation(EV, "LLaVA-KD", "COCO", "on COCO", "eval-on", 0.8, "41.2", "BLEU"),
            Relation(UM, "COCO", "BLEU", "COCO with BLEU.", "metric-of", 0.5),
        ),
    )
    ex3 = Extraction(
        p3,
        (
            _ent("SEED-Bench-2", B, introduced=True),
            _ent("GPT-4o", M),
            _ent("MMLU", B),
            _ent("COCO", D),
            _ent("image captioning", T),
        ),
        (
            Relation(P, "PAPER", "SEED-Bench-2", "We introduce SEED-Bench-2.", "propose-verb", 1.0),
            Relation(EV, "GPT-4o", "MMLU", "GPT-4o scores 60% on MMLU.", "eval-score", 0.95),
            Relation(EV, "GPT-4o", "SEED-Bench-2", "GPT-4o on SEED-Bench-2.", "eval-on", 0.8),
        ),
    )
    return list(Linker().link_all([ex1, ex2, ex3]))


@pytest.fixture(scope="module")
def graph_ttl(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    graph = build_graph(small_world())
    rdf_export.write(graph, out, ExportOptions(rdf_formats=("turtle", "nt", "json-ld", "xml")))
    return out / "graph.ttl"


def rows(name, graph_ttl):
    return select_rows(str(QUERIES / name), graph_ttl)[1]


# --------------------------------------------------------------------------- example queries


def test_at_least_eight_example_queries_all_listed_in_the_readme():
    names = sorted(p.name for p in QUERIES.glob("*.rq"))
    assert len(names) >= 8
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    assert [n for n in names if f"`{n}`" not in readme] == []


def test_models_on_benchmark(graph_ttl):
    assert rows("models-on-benchmark.rq", graph_ttl) == [
        ("COCO", "LLaVA-KD", 1),
        ("MMLU", "GPT-4o", 2),
        ("SEED-Bench-2", "GPT-4o", 1),
    ]


def test_outperforms_chains(graph_ttl):
    assert rows("outperforms-chains.rq", graph_ttl) == [
        ("GPT-4o", "LLaVA", True),
        ("LLaVA-KD", "GPT-4o", True),
        ("LLaVA-KD", "LLaVA", False),
    ]


def test_datasets_by_papers(graph_ttl):
    assert rows("datasets-by-papers.rq", graph_ttl) == [
        ("COCO", "Dataset", 3),
        ("MMLU", "Benchmark", 3),
        ("SEED-Bench-2", "Benchmark", 1),
    ]


def test_claim_provenance(graph_ttl):
    assert rows("claim-provenance.rq", graph_ttl) == [
        (
            "GPT-4o",
            "evaluatedOn",
            "MMLU",
            "2403.00003",
            "GPT-4o scores 60% on MMLU.",
            "eval-score",
            Decimal("0.95"),
            2,
        ),
        (
            "GPT-4o",
            "evaluatedOn",
            "MMLU",
            "2401.00001",
            "GPT-4o is evaluated on MMLU.",
            "eval-on",
            Decimal("0.8"),
            2,
        ),
        (
            "MMLU: A Benchmark",
            "proposes",
            "MMLU",
            "2401.00001",
            "We propose MMLU.",
            "propose-verb",
            Decimal("0.9"),
            1,
        ),
        (
            "MMLU",
            "usesMetric",
            "accuracy",
            "2401.00001",
            "MMLU measures accuracy.",
            "metric-of",
            Decimal("0.6"),
            1,
        ),
    ]


def test_metrics_per_benchmark(graph_ttl):
    assert rows("metrics-per-benchmark.rq", graph_ttl) == [
        ("COCO", "BLEU"),
        ("MMLU", "accuracy"),
    ]


def test_papers_proposing_benchmarks(graph_ttl):
    columns, got = select_rows(str(QUERIES / "papers-proposing-benchmarks.rq"), graph_ttl)
    assert columns == ["benchmark", "paper", "title", "date"]
    assert got == [
        ("MMLU", "2401.00001", "MMLU: A Benchmark", datetime.date(2024, 1, 5)),
        ("SEED-Bench-2", "2403.00003", "SEED-Bench-2", "2024"),  # only a year: xsd:gYear
    ]


def test_entity_aliases(graph_ttl):
    assert rows("entity-aliases.rq", graph_ttl) == [
        ("Benchmark", "MMLU", "Multimodal Needle in a Haystack"),
        ("Dataset", "COCO", "MS COCO"),
        ("Model", "GPT-4o", "GPT-4 omni"),
        ("Model", "LLaVA-KD", "LLaVA KD"),
    ]


def test_most_connected(graph_ttl):
    assert rows("most-connected.rq", graph_ttl)[:4] == [
        ("GPT-4o", "Model", 7),  # 3 papers + MMLU, SEED-Bench-2, LLaVA, LLaVA-KD
        ("COCO", "Dataset", 5),  # 3 papers + LLaVA-KD + BLEU
        ("MMLU", "Benchmark", 5),  # 3 papers + GPT-4o + accuracy
        ("LLaVA-KD", "Model", 3),  # paper 2 + GPT-4o + COCO
    ]


def test_well_supported_relations(graph_ttl):
    assert rows("well-supported-relations.rq", graph_ttl) == [
        ("GPT-4o", "evaluatedOn", "MMLU", 2),
    ]


@pytest.mark.parametrize("suffix", ["nt", "jsonld", "rdf"])
def test_queries_give_the_same_rows_on_every_format(graph_ttl, suffix):
    other = graph_ttl.with_suffix(f".{suffix}")
    for query in sorted(QUERIES.glob("*.rq")):
        assert select_rows(str(query), other)[1] == select_rows(str(query), graph_ttl)[1], query


# --------------------------------------------------------------------------- run_query formats


def test_table_format(graph_ttl):
    text = run_query(str(QUERIES / "models-on-benchmark.rq"), graph_ttl)
    lines = text.splitlines()
    assert lines[0].split() == ["benchmark", "model", "papers"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[3].split() == ["MMLU", "GPT-4o", "2"]
    assert lines[-1] == "(3 rows)"


def test_table_shows_prefixed_names_and_cuts_long_cells(graph_ttl):
    text = run_query("SELECT ?m ?a WHERE { ?m a kg:Paper ; dcterms:abstract ?a }", graph_ttl)
    assert "paper:2401.00001" in text
    long_query = 'SELECT ?x WHERE { BIND (CONCAT(STRUUID(), "' + "y" * 200 + '") AS ?x) }'
    row = run_query(long_query, graph_ttl).splitlines()[2]
    assert len(row) == 80 and row.endswith("…")


def test_csv_format(graph_ttl):
    text = run_query(str(QUERIES / "datasets-by-papers.rq"), graph_ttl, fmt="csv")
    got = list(csv.reader(io.StringIO(text)))
    assert got[0] == ["dataset", "type", "papers"]
    assert got[1] == ["COCO", "Dataset", "3"]


def test_json_format_is_sparql_results_json(graph_ttl):
    text = run_query(str(QUERIES / "well-supported-relations.rq"), graph_ttl, fmt="json")
    data = json.loads(text)
    assert data["head"]["vars"] == ["subject", "relation", "object", "support"]
    (binding,) = data["results"]["bindings"]
    assert binding["subject"]["value"] == "GPT-4o"
    assert binding["support"]["value"] == "2"


def test_ask_and_construct(graph_ttl):
    assert run_query("ASK { ?m kg:outperforms ?n }", graph_ttl) == "true\n"
    assert (
        json.loads(run_query("ASK { ?m kg:proposes ?m }", graph_ttl, fmt="json"))["boolean"]
        is False
    )
    text = run_query("CONSTRUCT { ?a kg:outperforms ?b } WHERE { ?a kg:outperforms ?b }", graph_ttl)
    assert "kg:outperforms" in text


def test_prefixes_are_predefined(graph_ttl):
    cols, got = select_rows("SELECT ?n WHERE { model:gpt-4o skos:prefLabel ?n }", graph_ttl)
    assert got == [("GPT-4o",)]


def test_graph_folder_means_its_graph_ttl(graph_ttl):
    assert select_rows("SELECT ?p WHERE { ?p a kg:Paper }", graph_ttl.parent)[1]


# --------------------------------------------------------------------------- errors


def test_bad_query_is_one_clear_error(graph_ttl):
    with pytest.raises(QueryError, match=r"bad SPARQL query: .*line:1"):
        run_query("SELECT ?x WHERE { ?x ?y }", graph_ttl)


def test_bad_query_file_names_the_file(graph_ttl, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("SELEC nothing", encoding="utf-8")
    with pytest.raises(QueryError, match=str(bad)):
        run_query(str(bad), graph_ttl)


def test_missing_query_file(graph_ttl, tmp_path):
    with pytest.raises(QueryError, match="query file .* not found"):
        run_query(str(tmp_path / "nope.rq"), graph_ttl)


def test_missing_graph_file(tmp_path):
    with pytest.raises(InputError, match="graph file .* not found.*kg build"):
        run_query("ASK {}", tmp_path / "graph.ttl")


def test_unparsable_graph_file(tmp_path):
    bad = tmp_path / "graph.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read as turtle RDF"):
        select_rows("SELECT * WHERE { ?s ?p ?o }", bad)


def test_service_and_from_are_refused_offline(graph_ttl):
    with pytest.raises(QueryError, match="SERVICE"):
        run_query("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", graph_ttl)
    with pytest.raises(QueryError, match="FROM"):
        run_query("SELECT * FROM <http://example.org/g.ttl> WHERE { ?s ?p ?o }", graph_ttl)


def test_unknown_format(graph_ttl):
    with pytest.raises(KgError, match="choose one of: csv, json, table"):
        run_query("ASK {}", graph_ttl, fmt="xml")


def test_query_text_is_not_mistaken_for_a_file():
    assert read_query("SELECT * WHERE { ?s ?p ?o }") == ("SELECT * WHERE { ?s ?p ?o }", "query")


# --------------------------------------------------------------------------- through the CLI


def test_cli_prints_the_table(graph_ttl, capsys):
    from kg.cli import main

    query = str(QUERIES / "well-supported-relations.rq")
    assert main(["sparql", query, "--graph", str(graph_ttl)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].split() == ["GPT-4o", "evaluatedOn", "MMLU", "2"]


@pytest.mark.parametrize(
    "query, graph, message",
    [
        ("SELECT ?x WHERE { ?x ?y }", None, "bad SPARQL query"),
        ("nope.rq", None, "query file nope.rq not found"),
        ("ASK {}", "missing/graph.ttl", "graph file missing/graph.ttl not found"),
    ],
)
def test_cli_errors_are_one_line(graph_ttl, capsys, query, graph, message):
    from kg.cli import main

    code = main(["sparql", query, "--graph", graph or str(graph_ttl)])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("kg: error:")
    assert message in err and "Traceback" not in err


# --------------------------------------------------------------------------- pyoxigraph engine


def _rdflib_rows(query_file: Path, graph_ttl: Path) -> list[tuple]:
    """The rows rdflib's own SPARQL engine (kg sparql before pyoxigraph) gives."""
    from rdflib import Graph, Literal, URIRef

    from kg.vocab import PREFIXES

    g = Graph().parse(graph_ttl, format="turtle")
    ns = {str(p): str(n) for p, n in g.namespaces() if p}

    def value(term):
        if term is None:
            return None
        if isinstance(term, Literal):
            v = term.toPython()
            return str(term) if isinstance(v, Literal) else v
        if isinstance(term, URIRef):
            best = max(
                ((p, n) for p, n in ns.items() if str(term).startswith(n)),
                key=lambda pn: len(pn[1]),
                default=None,
            )
            return str(term) if best is None else f"{best[0]}:{str(term)[len(best[1]) :]}"
        return term.n3()

    result = g.query(query_file.read_text(encoding="utf-8"), initNs={**PREFIXES, **ns})
    return [tuple(value(row.get(v)) for v in result.vars) for row in result.bindings]


@pytest.mark.parametrize("query", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_every_example_query_gives_the_rows_of_the_previous_engine(graph_ttl, query):
    """pyoxigraph (issue 13: 0.02 s instead of 55 s) returns what rdflib's engine returned."""
    got = select_rows(str(query), graph_ttl)[1]
    assert got, query.name  # the small world has an answer for every example
    assert got == _rdflib_rows(query, graph_ttl)


def test_standard_types_do_not_change_the_example_rows(graph_ttl):
    """Entities are also typed mls:Model, schema:Dataset...; the queries still name the kg type."""
    assert run_query("ASK { model:gpt-4o a mls:Model }", graph_ttl) == "true\n"
    types = {r[1] for r in rows("most-connected.rq", graph_ttl)}
    assert types <= {"Model", "Method", "Dataset", "Benchmark", "Metric", "Task"}


def test_a_runaway_query_is_stopped_by_the_timeout(graph_ttl):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(QueryError, match=r"did not finish within 1 s.*--timeout"):
        run_query(query, graph_ttl, timeout=1)


def test_a_query_past_the_memory_limit_is_stopped(graph_ttl, capfd):
    query = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?b ?c ?d ?e ?f ?g ?h ?i"
    with pytest.raises(QueryError, match=r"ran out of memory \(limit 300 MiB\).*--max-memory"):
        run_query(query, graph_ttl, max_memory=300)
    assert "backtrace" not in capfd.readouterr().err


def test_rows_past_the_limit_are_cut_and_said(graph_ttl, capsys):
    text = run_query("SELECT * WHERE { ?s ?p ?o }", graph_ttl, max_rows=3)
    assert text.splitlines()[-1] == "(3 rows; more were cut: raise --max-rows)"
    assert len(select_rows("SELECT * WHERE { ?s ?p ?o }", graph_ttl, max_rows=5)[1]) == 5
    all_rows = select_rows("SELECT * WHERE { ?s ?p ?o }", graph_ttl, max_rows=0)[1]
    assert len(all_rows) > 100
    run_query("SELECT * WHERE { ?s ?p ?o }", graph_ttl, fmt="csv", max_rows=3)
    assert "only the first 3 results" in capsys.readouterr().err


def test_service_anywhere_is_refused(graph_ttl):
    """pyoxigraph would send a SERVICE request to the network."""
    query = "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } } } }"
    with pytest.raises(QueryError, match="SERVICE is not supported"):
        run_query(query, graph_ttl)


@pytest.mark.parametrize(
    "context",
    [
        "https://127.0.0.1:9/context.jsonld",
        "file:///etc/passwd",
        "context.jsonld",
        ["https://127.0.0.1:9/c.jsonld", {"kg": "https://w3id.org/kg-papers/ontology#"}],
        {"@import": "https://127.0.0.1:9/c.jsonld"},
    ],
    ids=["remote", "file", "relative", "in-a-list", "import"],
)
def test_jsonld_context_by_reference_is_refused(tmp_path, context, monkeypatch):
    """Issue 11: a remote or file: @context (or @import) was fetched or opened."""
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("kg sparql must not open anything but the graph file")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    (tmp_path / "context.jsonld").write_text('{"@context": {}}', encoding="utf-8")
    doc = {"@graph": [{"@id": "https://e.org/a", "@context": context, "name": "x"}]}
    path = tmp_path / "graph.jsonld"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError, match="@context|@import"):
        run_query("ASK { ?s ?p ?o }", path)


def test_rdfxml_with_a_dtd_is_refused_quickly(tmp_path):
    """Issue 11: an RDF/XML file with a 'billion laughs' DTD never finished."""
    import time

    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    path = tmp_path / "graph.rdf"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY l0 "lol">{lol}]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="https://e.org/a"><rdf:value>&l9;</rdf:value>'
        "</rdf:Description></rdf:RDF>",
        encoding="utf-8",
    )
    start = time.perf_counter()
    with pytest.raises(InputError, match="document type declaration"):
        run_query("ASK { ?s ?p ?o }", path)
    assert time.perf_counter() - start < 5


def test_cli_limits(graph_ttl, capsys):
    from kg.cli import main

    args = ["sparql", "SELECT * WHERE { ?s ?p ?o }", "--graph", str(graph_ttl), "--max-rows", "2"]
    assert main(args) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("(2 rows; more were cut")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    assert main(["sparql", slow, "--graph", str(graph_ttl), "--timeout", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kg: error:") and "--timeout" in err and len(err.splitlines()) == 1
