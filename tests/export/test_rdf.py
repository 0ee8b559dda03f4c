"""RDF export: IRIs, SHACL conformance, round trips, agreement with the NetworkX graph."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import tracemalloc
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import PROV, RDF, SKOS, XSD

from kg.errors import ExportError
from kg.export import DEFAULT_BASE_IRI, ExportOptions
from kg.export import rdf as rdf_export
from kg.export.iri import MAX_SEGMENT, check_base_iri, clean_literal, encode_segment, node_iri
from kg.export.xmlsafe import xml_text
from kg.graph import build_graph
from kg.link import Linker
from kg.records import (
    MENTIONS,
    Entity,
    EntityType,
    Extraction,
    Mention,
    Paper,
    Relation,
    RelationType,
)
from kg.vocab import EDGE_PREDICATES, KG, KIND_CLASSES
from tests.export.neo4j_synthetic import big_graph as _big_graph

REPO = Path(__file__).resolve().parents[2]
FORMATS = tuple(rdf_export.FILENAMES)

# RFC 3987 IRI characters: unreserved ASCII, reserved, '%' (checked below) and ucschar ranges.
_IRI_ASCII = set(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF)) + tuple(
    ((p << 16), (p << 16) + 0xFFFD) for p in range(1, 15)
)
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def assert_valid_iri(iri: str) -> None:
    """Independent RFC 3987 check: allowed characters only, well-formed %XX, no bidi controls."""
    assert re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri), iri
    for ch in iri:
        cp = ord(ch)
        ok = ch in _IRI_ASCII or any(lo <= cp <= hi for lo, hi in _UCSCHAR)
        assert ok and ch not in _BIDI, f"{ch!r} (U+{cp:04X}) in {iri!r}"
    assert not re.search(r"%(?![0-9A-F]{2})", iri), iri


# --------------------------------------------------------------------------- fixtures


def as_in(fmt: str, g: Graph) -> Graph:
    """``g`` as a file of ``fmt`` holds it: RDF/XML (XML 1.0) replaces the characters XML
    cannot carry by U+FFFD; every other syntax keeps every literal as it is."""
    if fmt != "xml":
        return g
    out = Graph()
    for s_, p, o in g:
        if isinstance(o, Literal):
            o = Literal(xml_text(str(o)), datatype=o.datatype, lang=o.language)
        out.add((s_, p, o))
    return out


ODD = 'odd "name" <x> #1 %41 \\ {} | ^ ` 😀 \u202eשלום\u202c \t tab'
LONG = "L" + "ong name " * 250  # 2,250 characters


def _ent(name, etype, *aliases, introduced=False):
    forms = tuple(sorted({name, *aliases}))
    return Entity("", name, etype, (Mention(name, "abstract", 0, len(name)),), forms, introduced)


def hostile_world() -> list[Extraction]:
    """Papers and entities with every kind of awkward text, and one of each relation."""
    p1 = Paper(
        "10.1145/3 <a>#b",
        'Title with "quotes", <script>alert(1)</script> & émoji 😀',
        "Line one\r\nline two\x00\x07 with controls\u2028and a separator.",
        authors=("Zoë O'Brien", "李 雷"),
        year=2023,
        date="2023-13-45",  # not a real date
        arxiv_id="2301.00001",
        doi="10.1145/3",
        url="https://example.org/a b",  # not an IRI: kept as xsd:anyURI text
    )
    p2 = Paper("..", "Dots", "A paper whose id is two dots.", year=2024, url="https://ok.example/x")
    ex1 = Extraction(
        p1,
        (
            _ent(ODD, EntityType.MODEL, "Odd-Name", introduced=True),
            _ent(LONG, EntityType.DATASET),
            _ent("CAMELYON-16", EntityType.BENCHMARK, "Camelyon16"),
            _ent("F1", EntityType.METRIC),
            _ent("Fréchet mean", EntityType.METHOD),
            _ent("whole slide image classification", EntityType.TASK),
        ),
        (
            Relation(RelationType.PROPOSES, "PAPER", ODD, "We propose\nit.", "r.propose", 0.9),
            Relation(RelationType.EVALUATES_ON, ODD, LONG, 'on "it"', "r.eval", 0.8, "85%", "F1"),
            Relation(RelationType.EVALUATES_ON, ODD, "CAMELYON-16", "", "", 0.4),
            Relation(RelationType.OUTPERFORMS, ODD, "Fréchet mean", "beats", "r.out", 0.123456),
            Relation(RelationType.USES_METRIC, "CAMELYON-16", "F1", "F1 on it", "r.metric", 1.0),
        ),
    )
    ex2 = Extraction(
        p2,
        (_ent(ODD, EntityType.MODEL), _ent("CAMELYON-16", EntityType.BENCHMARK)),
        (Relation(RelationType.EVALUATES_ON, ODD, "CAMELYON-16", "again", "r.eval", 0.7),),
    )
    return list(Linker().link_all([ex1, ex2]))


@pytest.fixture(scope="module")
def nx_graph():
    return build_graph(hostile_world())


@pytest.fixture(scope="module")
def rdf_graph(nx_graph):
    return rdf_export.to_rdf(nx_graph)


# --------------------------------------------------------------------------- IRIs


def test_readable_iris_from_node_ids():
    base = DEFAULT_BASE_IRI
    assert node_iri("model:gpt-4o", base) == URIRef(base + "model/gpt-4o")
    assert node_iri("paper:2401.12345", base) == URIRef(base + "paper/2401.12345")
    assert node_iri("dataset:γ-set", base) == URIRef(base + "dataset/γ-set")
    assert node_iri("paper:10.1145/3", base) == URIRef(base + "paper/10.1145%2F3")
    assert node_iri("no prefix", base) == URIRef(base + "node/no%20prefix")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a b", "a%20b"),
        ("#%", "%23%25"),
        ("<x>", "%3Cx%3E"),
        ("😀", "%F0%9F%98%80"),
        ("\u202eabc", "%E2%80%AEabc"),  # bidi override encoded, letters kept
        ("שלום", "שלום"),
        ("..", "%2E%2E"),
        ("", "_"),
        ("_", "%5F"),
    ],
)
def test_encode_segment(text, expected):
    assert encode_segment(text) == expected


def test_long_ids_are_cut_with_a_hash():
    a, b = "x" * 2000, "x" * 1999 + "y"
    ea, eb = encode_segment(a), encode_segment(b)
    assert len(ea) <= MAX_SEGMENT and len(eb) <= MAX_SEGMENT
    assert ea != eb and re.fullmatch(r"x{80}-[0-9a-f]{16}", ea)


def test_a_short_id_shaped_like_a_cut_one_is_cut_too():
    long = "x" * 2000
    mimic = encode_segment(long)  # "xxx...-<16 hex>", 97 characters, a valid id itself
    assert encode_segment(mimic) != mimic
    assert re.fullmatch(r"x{80}-[0-9a-f]{16}", encode_segment(mimic))


def test_long_ids_never_split_a_percent_escape():
    seg = encode_segment("é" * 300)  # kept as is (a letter)
    assert len(seg) <= MAX_SEGMENT
    seg = encode_segment("😀" * 300)
    assert re.fullmatch(r"(%[0-9A-F]{2})+-[0-9a-f]{16}", seg), seg


@pytest.mark.parametrize("bad", ["", "not an iri", "https://x.org/a b/", "x", "http://a/<b>/"])
def test_bad_base_iri_is_a_clear_error(bad):
    with pytest.raises(ExportError, match="not an absolute IRI"):
        check_base_iri(bad)


def test_base_iri_gets_a_trailing_slash():
    assert check_base_iri("https://example.org/kg") == "https://example.org/kg/"
    assert check_base_iri("urn:kg:") == "urn:kg:/"
    assert check_base_iri("https://example.org/kg#") == "https://example.org/kg#"


def test_every_iri_of_the_hostile_graph_is_valid(rdf_graph):
    iris = {t for triple in rdf_graph for t in triple if isinstance(t, URIRef)}
    assert len(iris) > 20
    for iri in iris:
        assert_valid_iri(str(iri))


# --------------------------------------------------------------------------- SHACL


def test_hostile_graph_conforms_to_shapes(rdf_graph):
    conforms, report = rdf_export.validate(rdf_graph)
    assert conforms, report


def test_conforms_with_the_ontology_mixed_in(rdf_graph):
    from pyshacl import validate

    from kg.vocab import ontology, shapes

    conforms, _, report = validate(rdf_graph, shacl_graph=shapes(), ont_graph=ontology())
    assert conforms, report


def _broken(rdf_graph, edit):
    g = Graph()
    for t in rdf_graph:
        g.add(t)
    edit(g)
    return rdf_export.validate(g)


def test_shapes_catch_a_wrong_support_count(rdf_graph):
    def edit(g):
        claim = sorted(g.subjects(RDF.type, KG.Claim))[0]
        g.set((claim, KG.support, Literal(7)))

    conforms, report = _broken(rdf_graph, edit)
    assert not conforms and "kg:support differs" in report


def test_shapes_catch_a_relation_without_claim(rdf_graph):
    def edit(g):
        metric = next(g.subjects(RDF.type, KG.Metric))
        model = next(g.subjects(RDF.type, KG.Model))
        g.add((model, KG.usesMetric, metric))

    conforms, report = _broken(rdf_graph, edit)
    assert not conforms and "no kg:Claim" in report


def test_shapes_catch_wrong_relation_ends(rdf_graph):
    def edit(g):
        metric = next(g.subjects(RDF.type, KG.Metric))
        g.add((metric, KG.outperforms, metric))

    conforms, report = _broken(rdf_graph, edit)
    assert not conforms and "OutperformsShape" in report


def test_shapes_catch_a_second_type_and_a_missing_label(rdf_graph):
    def edit(g):
        task = next(g.subjects(RDF.type, KG.Task))
        g.add((task, RDF.type, KG.Method))
        g.remove((task, SKOS.prefLabel, None))

    conforms, report = _broken(rdf_graph, edit)
    assert not conforms
    assert "exactly one type" in report and "prefLabel" in report


def test_shapes_catch_a_claim_of_an_unasserted_triple(rdf_graph):
    def edit(g):
        claim = sorted(g.subjects(RDF.type, KG.Claim))[0]
        s, p, o = (g.value(claim, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        g.remove((s, p, o))

    conforms, report = _broken(rdf_graph, edit)
    assert not conforms and "is not asserted" in report


# --------------------------------------------------------------------------- NetworkX agreement


def _agreement(nx_graph, g: Graph) -> None:
    """Same entities (by type), papers, relations (by type) and claims in both graphs."""
    nx_kinds = Counter(d["kind"] for _, d in nx_graph.nodes(data=True))
    rdf_kinds = Counter()
    for kind, cls in KIND_CLASSES.items():
        rdf_kinds[kind] = len(set(g.subjects(RDF.type, cls)))
    assert +rdf_kinds == +nx_kinds

    nx_edges = Counter(d["type"] for _, _, d in nx_graph.edges(data=True))
    rdf_edges = Counter(
        {t: len(set(g.triples((None, p, None)))) for t, p in EDGE_PREDICATES.items()}
    )
    assert +rdf_edges == +nx_edges

    predicates = set(EDGE_PREDICATES.values())
    expected = {
        (node_iri(u, DEFAULT_BASE_IRI), EDGE_PREDICATES[d["type"]], node_iri(v, DEFAULT_BASE_IRI))
        for u, v, d in nx_graph.edges(data=True)
    }
    assert {t for t in g if t[1] in predicates} == expected

    nx_claims = sum(
        len(d["claims"]) for _, _, d in nx_graph.edges(data=True) if d["type"] != MENTIONS
    )
    assert len(set(g.subjects(RDF.type, KG.Claim))) == nx_claims
    for _, _, d in nx_graph.edges(data=True):
        if d["type"] != MENTIONS:
            assert d["support"] == len({c["paper"] for c in d["claims"]})


def test_rdf_and_networkx_agree(nx_graph, rdf_graph):
    _agreement(nx_graph, rdf_graph)
    assert len(set(rdf_graph.subjects(RDF.type, KG.Claim))) == 6
    assert len(set(rdf_graph.subjects(RDF.type, KG.Paper))) == 2
    assert len(set(rdf_graph.subjects(RDF.type, KG.Model))) == 1


def test_claims_carry_provenance(rdf_graph):
    base = DEFAULT_BASE_IRI
    (model,) = rdf_graph.subjects(RDF.type, KG.Model)
    bench = node_iri("benchmark:camelyon-16", base)
    claims = sorted(rdf_graph.subjects(RDF.object, bench))
    assert len(claims) == 2
    for c in claims:
        assert rdf_graph.value(c, RDF.subject) == model
        assert rdf_graph.value(c, RDF.predicate) == KG.evaluatedOn
    papers = {rdf_graph.value(c, PROV.wasDerivedFrom) for c in claims}
    assert papers == {node_iri("paper:10.1145/3 <a>#b", base), node_iri("paper:..", base)}
    assert {rdf_graph.value(c, KG.support).toPython() for c in claims} == {2}
    # the first paper's claim has no evidence sentence and no rule: left out, not empty
    assert {rdf_graph.value(c, KG.evidence) for c in claims} == {Literal("again"), None}
    assert {rdf_graph.value(c, KG.confidence).toPython() for c in claims} == {
        Decimal("0.4"),
        Decimal("0.7"),
    }


def test_confidence_is_rounded_to_three_decimals(rdf_graph):
    (claim,) = rdf_graph.subjects(RDF.predicate, KG.outperforms)
    assert rdf_graph.value(claim, KG.confidence) == Literal(Decimal("0.123"))


def test_reported_value_and_metric(rdf_graph):
    (claim,) = rdf_graph.subjects(KG.reportedValue, Literal("85%"))
    assert rdf_graph.value(claim, KG.reportedMetric) == Literal("F1")
    assert rdf_graph.value(claim, KG.rule) == Literal("r.eval")


def test_names_and_aliases_are_skos_labels(rdf_graph):
    (bench,) = rdf_graph.subjects(RDF.type, KG.Benchmark)
    assert rdf_graph.value(bench, SKOS.prefLabel) == Literal("CAMELYON-16")
    assert set(rdf_graph.objects(bench, SKOS.altLabel)) == {Literal("Camelyon16")}


def test_control_characters_are_kept_not_dropped(rdf_graph):
    """Issue 11: Turtle dropped control characters, merging texts that differ only by them."""
    (paper,) = rdf_graph.subjects(KG.arxivId, Literal("2301.00001"))
    abstract = str(rdf_graph.value(paper, URIRef("http://purl.org/dc/terms/abstract")))
    assert abstract == "Line one\r\nline two\x00\x07 with controls\u2028and a separator."
    date = rdf_graph.value(paper, URIRef("http://purl.org/dc/terms/date"))
    assert date == Literal("2023", datatype=XSD.gYear)  # not a real date: the year is kept


# --------------------------------------------------------------------------- files, round trips


def test_write_every_format(tmp_path, nx_graph, rdf_graph):
    files = rdf_export.write(
        nx_graph, tmp_path, ExportOptions(rdf_formats=("xml", "nt", "json-ld"))
    )
    names = ["graph.ttl", "graph.jsonld", "graph.nt", "graph.rdf", "void.ttl"]
    assert [f.name for f in files] == names
    for fmt, name in rdf_export.FILENAMES.items():
        back = Graph().parse(tmp_path / name, format=fmt)
        assert isomorphic(back, as_in(fmt, rdf_graph)), fmt
        if fmt != "xml":
            _agreement(nx_graph, back)


def test_turtle_is_always_written(tmp_path, nx_graph):
    files = rdf_export.write(nx_graph, tmp_path, ExportOptions(rdf_formats=("nt",)))
    assert [f.name for f in files] == ["graph.ttl", "graph.nt", "void.ttl"]


def test_unknown_format_is_a_clear_error(tmp_path, nx_graph):
    with pytest.raises(ExportError, match="choose one of: json-ld, nt, turtle, xml"):
        rdf_export.write(nx_graph, tmp_path, ExportOptions(rdf_formats=("n3",)))
    assert not list(tmp_path.iterdir())


def test_base_iri_option(tmp_path, nx_graph):
    rdf_export.write(nx_graph, tmp_path, ExportOptions(base_iri="https://example.org/kg"))
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert "@prefix model: <https://example.org/kg/model/> ." in text
    assert "w3id.org/kg-papers/model" not in text


def test_turtle_is_readable(tmp_path, nx_graph):
    rdf_export.write(nx_graph, tmp_path, ExportOptions())
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert "benchmark:camelyon-16 a kg:Benchmark" in text
    assert "kg:evaluatedOn benchmark:camelyon-16" in text
    # papers first, then entities, then the claims; one prefix block at the top
    sections = [line for line in text.splitlines() if line.startswith("# ")]
    assert [s.split(":")[0] for s in sections] == ["# papers", "# entities", "# claims"]
    assert text.index("a kg:Paper") < text.index("a kg:Model") < text.index("a kg:Claim")
    assert text.count("@prefix kg: ") == 1 and text.startswith("@prefix ")


def test_nt_lines_are_unique_and_grouped_by_subject_as_in_turtle(tmp_path, nx_graph):
    rdf_export.write(nx_graph, tmp_path, ExportOptions(rdf_formats=("nt",)))
    # split on "\n" only: str.splitlines() would also split at the U+2028 inside a literal
    lines = (tmp_path / "graph.nt").read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and "\u2028" in "".join(lines)
    lines = lines[:-1]
    assert len(lines) == len(set(lines))
    assert all(line.endswith(" .") for line in lines)
    runs = []
    for line in lines:
        subject = line.split(" ", 1)[0]
        if not runs or runs[-1] != subject:
            runs.append(subject)
    assert len(runs) == len(set(runs))  # each subject's triples in one block
    expected = [f"<{s.iri}>" for s in rdf_export.iter_subjects(nx_graph)]
    assert runs == expected


def test_iter_triples_is_what_to_rdf_holds(nx_graph, rdf_graph):
    triples = list(rdf_export.iter_triples(nx_graph))
    assert len(triples) == len(set(triples)) == len(rdf_graph)
    assert set(triples) == set(rdf_graph)


def test_write_streams_without_an_rdflib_graph(tmp_path, nx_graph, rdf_graph, monkeypatch):
    def no_graphs(*args, **kwargs):
        raise AssertionError("write() must not fill an rdflib.Graph")

    monkeypatch.setattr(Graph, "add", no_graphs)
    monkeypatch.setattr(Graph, "addN", no_graphs)
    files = rdf_export.write(nx_graph, tmp_path, ExportOptions(rdf_formats=FORMATS))
    monkeypatch.undo()
    for path, fmt in zip(files[:-1], ("turtle", "json-ld", "nt", "xml"), strict=True):
        assert isomorphic(Graph().parse(path, format=fmt), as_in(fmt, rdf_graph)), fmt


def test_streamed_files_equal_serialize_of_to_rdf_up_to_order(tmp_path, nx_graph, rdf_graph):
    """Same triples, same term syntax: the N-Triples lines of write() and of
    serialize(to_rdf()) are the same set."""
    rdf_export.write(nx_graph, tmp_path, ExportOptions(rdf_formats=("nt",)))
    streamed = (tmp_path / "graph.nt").read_bytes().split(b"\n")
    assert sorted(streamed) == sorted(rdf_export.serialize(rdf_graph, "nt").split(b"\n"))


def test_write_memory_does_not_grow_with_the_graph(tmp_path):
    """Regression: the export used to build an rdflib graph of everything (~30x the file)."""
    graph = _big_graph(1000)
    tracemalloc.start()
    try:
        rdf_export.write(graph, tmp_path, ExportOptions(rdf_formats=FORMATS))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = (tmp_path / "graph.ttl").stat().st_size
    assert size > 2_000_000  # the old export peaked at 45x the Turtle size
    assert peak < 3_000_000, f"peak {peak} bytes for a {size}-byte Turtle file"


def test_a_schema_error_mid_stream_leaves_no_file(tmp_path, nx_graph):
    graph = nx_graph.copy()
    graph.add_node("zzz:bad", kind="Gadget")
    with pytest.raises(ExportError, match="kind 'Gadget'"):
        rdf_export.write(graph, tmp_path, ExportOptions(rdf_formats=FORMATS))
    graph = nx_graph.copy()
    u, v = sorted(graph.nodes)[-2:]
    graph.add_edge(u, v, key="likes", type="likes")
    with pytest.raises(ExportError, match="edge type"):
        rdf_export.write(graph, tmp_path, ExportOptions(rdf_formats=FORMATS))
    assert not list(tmp_path.iterdir())


def test_a_url_with_a_kg_prefix_as_scheme_stays_a_literal():
    """JSON-LD would read "model:x" as a compact IRI, so it is not written as an IRI."""
    paper = Paper("p", "T", "A.", url="model:x")
    g = rdf_export.to_rdf(build_graph([Extraction(paper)]))
    (url,) = g.objects(None, URIRef("https://schema.org/url"))
    assert url == Literal("model:x", datatype=XSD.anyURI)
    back = Graph().parse(data=rdf_export.serialize(g, "json-ld"), format="json-ld")
    assert isomorphic(back, g)


_DETERMINISM_SCRIPT = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
from test_rdf import hostile_world
from kg.export import ExportOptions
from kg.export.rdf import write
from kg.graph import build_graph
options = ExportOptions(rdf_formats=("json-ld", "nt", "xml"))
write(build_graph(hostile_world()), sys.argv[3], options)
"""


def test_byte_identical_across_hash_seeds(tmp_path):
    outs = []
    for seed in ("1", "2", "3"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = [str(REPO), str(Path(__file__).parent), str(out)]
        subprocess.run(
            [sys.executable, "-c", _DETERMINISM_SCRIPT, *args], check=True, env=env, timeout=120
        )
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outs[0]) == 5  # the four RDF files and void.ttl
    assert outs[0] == outs[1] == outs[2]


# --------------------------------------------------------------------------- property tests

_ids = st.text(min_size=0, max_size=300)
_names = st.text(min_size=1, max_size=300).filter(lambda s: s.strip())


@settings(max_examples=300, deadline=None)
@given(_ids)
def test_any_id_gives_a_valid_iri(node_id):
    iri = node_iri(f"model:{node_id}", DEFAULT_BASE_IRI)
    assert_valid_iri(str(iri))
    assert len(str(iri)) <= len(DEFAULT_BASE_IRI) + len("model/") + MAX_SEGMENT


@settings(max_examples=300, deadline=None)
@given(_ids, _ids)
@example("", "_")  # found by hypothesis in CI: both were "_"
@example("x" * 200, encode_segment("x" * 200))  # a short id spelled like a cut long one
def test_distinct_ids_give_distinct_iris(a, b):
    if a != b:
        assert encode_segment(a) != encode_segment(b)


def _one_paper_graph(paper_id, entity_id, name, alias, evidence):
    # the entity id is given, not minted by the Linker, so odd ids reach the IRI minting
    ent = Entity(f"method:{entity_id}", name, EntityType.METHOD, (), (alias, name), True)
    other = Entity("model:baseline", "Baseline", EntityType.MODEL, (), ("Baseline",))
    rel = Relation(RelationType.OUTPERFORMS, name, "Baseline", evidence, "rule", 0.5)
    prop = Relation(RelationType.PROPOSES, "PAPER", name, evidence, "rule", 0.5)
    return build_graph([Extraction(Paper(paper_id, name, evidence), (ent, other), (rel, prop))])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    paper_id=_ids,
    entity_id=_ids.filter(lambda s: s != "baseline"),
    name=_names.filter(lambda s: s != "Baseline"),
    alias=_names,
    evidence=st.text(max_size=200),
)
def test_any_text_round_trips_in_every_format(paper_id, entity_id, name, alias, evidence):
    nx_graph = _one_paper_graph(paper_id, entity_id, name, alias, evidence)
    g = rdf_export.to_rdf(nx_graph)
    for fmt in FORMATS:
        data = rdf_export.serialize(g, fmt)
        back = Graph().parse(data=data, format=fmt)
        assert isomorphic(back, as_in(fmt, g)), fmt
        assert rdf_export.serialize(back, "nt") == rdf_export.serialize(as_in(fmt, g), "nt")
    with tempfile.TemporaryDirectory() as out:  # the streamed files (hypothesis: no tmp_path)
        files = rdf_export.write(nx_graph, Path(out), ExportOptions(rdf_formats=FORMATS))
        for path, fmt in zip(files[:-1], ("turtle", "json-ld", "nt", "xml"), strict=True):
            assert isomorphic(Graph().parse(path, format=fmt), as_in(fmt, g)), fmt
    for iri in {t for triple in g for t in triple if isinstance(t, URIRef)}:
        assert_valid_iri(str(iri))
    (paper,) = g.subjects(RDF.type, KG.Paper)
    identifier = g.value(paper, URIRef("http://purl.org/dc/terms/identifier"))
    assert str(identifier) == clean_literal(paper_id)
    conforms, report = rdf_export.validate(g)
    assert conforms, report


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_clean_literal_drops_only_lone_surrogates(text):
    cleaned = clean_literal(text)
    assert clean_literal(cleaned) == cleaned
    assert cleaned == "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    cleaned.encode("utf-8")


# --------------------------------------------------------------------------- the real build


@pytest.mark.shared
def test_shared_corpus_build_conforms_and_agrees(tmp_path, corpus_path, nlp):
    """The RDF of the shared corpus (82 papers, through kg.build) validates, round-trips
    in every format and matches the NetworkX graph."""
    from kg.build import BuildOptions, extract_linked

    nx_graph = build_graph(extract_linked([corpus_path], BuildOptions(), nlp=nlp))
    files = rdf_export.write(nx_graph, tmp_path, ExportOptions(rdf_formats=FORMATS))
    g = Graph().parse(files[0], format="turtle")
    conforms, report = rdf_export.validate(g)
    assert conforms, report[:3000]
    _agreement(nx_graph, g)
    assert len(set(g.subjects(RDF.type, KG.Paper))) == 82
    assert len(set(g.subjects(RDF.type, KG.Claim))) > 0
    for fmt, name in rdf_export.FILENAMES.items():
        assert isomorphic(Graph().parse(tmp_path / name, format=fmt), g), fmt


def test_lone_surrogates_from_json_input_do_not_break_any_format():
    """json.loads('"\\ud800"') gives a lone surrogate; no RDF syntax can carry one."""
    odd = json.loads('"x\\ud800y"')
    nx_graph = _one_paper_graph(odd, odd, odd, odd + "z", odd)
    g = rdf_export.to_rdf(nx_graph)
    for fmt in FORMATS:
        back = Graph().parse(data=rdf_export.serialize(g, fmt), format=fmt)
        assert isomorphic(back, g), fmt
    (paper,) = g.subjects(RDF.type, KG.Paper)
    assert str(paper).endswith("/paper/x%ED%A0%80y")
    assert rdf_export.validate(g)[0]


@pytest.mark.shared
def test_shared_build_graph_ttl_conforms_and_matches_graph_json(request):
    """The graph.ttl that `kg build` writes for the shared corpus (all exporters)."""
    import importlib.util

    from kg.export import EXPORTERS
    from kg.export.nodelink import read_nodelink

    missing = [m for m in EXPORTERS.values() if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"the full build needs exporters not written yet: {', '.join(missing)}")
    out, _ = request.getfixturevalue("shared_build")
    g = Graph().parse(out / "graph.ttl", format="turtle")
    conforms, report = rdf_export.validate(g)
    assert conforms, report[:3000]
    _agreement(read_nodelink(out / "graph.json"), g)
