"""RDF as triple stores and schema.org consumers see it (issue 13): every file parsed by
pyoxigraph and rdflib alike, standard classes without inference, arXiv/DOI links, SHACL with
and without RDFS inference, and the VoID/DCAT description of each build."""

from __future__ import annotations

import datetime

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SDO

from kg.errors import ExportError
from kg.export import ExportOptions, void
from kg.export import rdf as rdf_export
from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Mention, Paper
from kg.vocab import KG, MLS, ontology, shapes
from tests.export.test_rdf import hostile_world
from tests.test_sparql import small_world

FORMATS = ("turtle", "json-ld", "nt", "xml")
OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "json-ld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}
VOID = "http://rdfs.org/ns/void#"


def _paper_world() -> list[Extraction]:
    """small_world plus a paper with an arXiv id and a DOI, and two names a control
    character alone tells apart."""
    ents = tuple(
        Entity("", n, EntityType.MODEL, (Mention(n, "abstract", 0, len(n)),), (n,), False)
        for n in ("Odd\x01Name", "Odd\x02Name")
    )
    paper = Paper(
        "p9", "Linked", "Text.", arxiv_id="2401.12345v2", doi="10.1000/x<y>#z", date="2024-05-06"
    )
    return [*small_world(), *Linker().link_all([Extraction(paper, ents, ())])]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("rdf")
    graph = build_graph(_paper_world())
    files = rdf_export.write(graph, out, ExportOptions(rdf_formats=FORMATS))
    return graph, out, files


def _ox_triples(path, fmt) -> set[tuple]:
    def plain(t):
        if isinstance(t, ox.Literal):
            return ("literal", t.value, t.datatype.value, t.language)
        return (type(t).__name__, t.value)

    quads = ox.parse(path=str(path), format=OX_FORMATS[fmt], base_iri=path.as_uri())
    return {(plain(q.subject), plain(q.predicate), plain(q.object)) for q in quads}


def _rdflib_triples(path, fmt) -> set[tuple]:
    def plain(t):
        if isinstance(t, Literal):
            dt = str(t.datatype) if t.datatype else (None if t.language else str(_XSD_STRING))
            dt = dt or "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
            return ("literal", str(t), dt, t.language)
        return ("NamedNode", str(t))

    return {tuple(plain(x) for x in triple) for triple in Graph().parse(path, format=fmt)}


_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")


@pytest.mark.parametrize("fmt", FORMATS)
def test_pyoxigraph_and_rdflib_read_the_same_triples(built, fmt):
    _, out, _ = built
    path = out / rdf_export.FILENAMES[fmt]
    ours = _ox_triples(path, fmt)
    assert ours == _rdflib_triples(path, fmt)
    assert len(ours) == len(_ox_triples(out / "graph.ttl", "turtle"))


def _ask(path, query) -> bool:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    return bool(store.query(query))


def test_standard_classes_are_asserted_without_inference(built):
    """Issue 13: ?x a schema:ScholarlyArticle / mls:Model found nothing without inference."""
    _, out, _ = built
    ttl = out / "graph.ttl"
    prefixes = (
        "PREFIX schema: <https://schema.org/> PREFIX mls: <http://www.w3.org/ns/mls#> "
        "PREFIX fabio: <http://purl.org/spar/fabio/> PREFIX dcterms: <http://purl.org/dc/terms/> "
    )
    for cls, node in [
        ("schema:ScholarlyArticle", "<https://w3id.org/kg-papers/paper/2401.00001>"),
        ("fabio:ResearchPaper", "<https://w3id.org/kg-papers/paper/2401.00001>"),
        ("dcterms:BibliographicResource", "<https://w3id.org/kg-papers/paper/2401.00001>"),
        ("mls:Model", "<https://w3id.org/kg-papers/model/gpt-4o>"),
        ("mls:Dataset", "<https://w3id.org/kg-papers/benchmark/mmlu>"),
        ("schema:Dataset", "<https://w3id.org/kg-papers/dataset/coco>"),
        ("mls:EvaluationMeasure", "<https://w3id.org/kg-papers/metric/bleu>"),
        ("mls:Algorithm", "<https://w3id.org/kg-papers/method/knowledge-distillation>"),
        ("mls:Task", "<https://w3id.org/kg-papers/task/image-captioning>"),
    ]:
        assert _ask(ttl, f"{prefixes} ASK {{ {node} a {cls} }}"), cls


def test_papers_link_to_their_arxiv_and_doi_iris(built):
    _, out, _ = built
    g = Graph().parse(out / "graph.ttl")
    (paper,) = g.subjects(KG.arxivId, None)
    assert set(g.objects(paper, SDO.sameAs)) == {
        URIRef("https://arxiv.org/abs/2401.12345v2"),
        URIRef("https://doi.org/10.1000/x%3Cy%3E%23z"),
    }


def test_turtle_keeps_texts_that_differ_only_by_a_control_character(built):
    """Issue 11: Turtle dropped control characters, so these two names were one text."""
    _, out, _ = built
    names = {t[2][1] for t in _ox_triples(out / "graph.ttl", "turtle") if "prefLabel" in t[1][1]}
    assert {"Odd\x01Name", "Odd\x02Name"} <= names


# --------------------------------------------------------------------------- SHACL


def _validate(g: Graph, inference: str) -> tuple[bool, str, Graph]:
    from pyshacl import validate

    data = Graph()
    for triple in g:
        data.add(triple)
    conforms, _, text = validate(
        data, shacl_graph=shapes(), ont_graph=ontology(), inference=inference, inplace=True
    )
    return conforms, text, data


@pytest.mark.parametrize("inference", ["none", "rdfs"])
@pytest.mark.parametrize("world", [_paper_world, hostile_world], ids=["small", "hostile"])
def test_exports_conform_with_and_without_rdfs_inference(world, inference):
    """Issue 13: 1,655 violations under RDFS inference (inferred superclasses were counted)."""
    conforms, text, data = _validate(rdf_export.to_rdf(build_graph(world())), inference)
    assert conforms, text[:3000]
    bench = URIRef("https://w3id.org/kg-papers/benchmark/mmlu")
    if inference == "rdfs" and world is _paper_world:  # the inference did run
        assert (bench, RDF.type, KG.Dataset) in data and (bench, RDF.type, KG.Entity) in data


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_shapes_still_catch_an_entity_with_two_types(inference):
    g = rdf_export.to_rdf(build_graph(small_world()))
    g.add((URIRef("https://w3id.org/kg-papers/model/gpt-4o"), RDF.type, KG.Method))
    conforms, text, _ = _validate(g, inference)
    assert not conforms and "exactly one type" in text
    g = rdf_export.to_rdf(build_graph(small_world()))
    g.add((URIRef("https://w3id.org/kg-papers/paper/2401.00001"), RDF.type, MLS.Model))
    g.add((URIRef("https://w3id.org/kg-papers/paper/2401.00001"), RDF.type, KG.Model))
    assert not _validate(g, inference)[0]


# --------------------------------------------------------------------------- VoID / DCAT


def test_void_describes_the_build(built):
    graph, out, files = built
    assert files[-1].name == "void.ttl"
    ttl = _ox_triples(out / "graph.ttl", "turtle")
    g = Graph().parse(out / "void.ttl", format="turtle")  # rdflib
    assert len(_ox_triples(out / "void.ttl", "turtle")) == len(g)  # and pyoxigraph
    (ds,) = g.subjects(RDF.type, URIRef(VOID + "Dataset"))
    value = lambda p: g.value(ds, URIRef(VOID + p)).toPython()  # noqa: E731
    assert value("triples") == len(ttl)
    assert value("entities") == len({t[0] for t in ttl})
    papers = sum(1 for _, d in graph.nodes(data=True) if d["kind"] == "Paper")
    parts = {
        g.value(p, URIRef(VOID + "class")): g.value(p, URIRef(VOID + "entities")).toPython()
        for p in g.objects(ds, URIRef(VOID + "classPartition"))
    }
    assert parts[KG.Paper] == papers and parts[KG.Model] == 5
    dumps = {str(d).rsplit("/", 1)[1] for d in g.objects(ds, URIRef(VOID + "dataDump"))}
    assert dumps == {"graph.ttl", "graph.jsonld", "graph.nt", "graph.rdf"}
    assert g.value(ds, DCTERMS.created) == Literal(datetime.date(2024, 5, 6))  # newest paper
    assert g.value(ds, DCTERMS.title) is not None and g.value(ds, DCTERMS.rights) is not None
    from kg.build import data_fingerprint

    assert str(g.value(ds, KG.rulesFingerprint)) == data_fingerprint()
    assert str(g.value(ds, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))).startswith("kg ")


def test_void_licence_and_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cc0 = "https://creativecommons.org/publicdomain/zero/1.0/"
    rdf_export.write(build_graph(small_world()), tmp_path, ExportOptions(license=cc0))
    g = Graph().parse(tmp_path / "void.ttl", format="turtle")
    (ds,) = g.subjects(RDF.type, URIRef(VOID + "Dataset"))
    assert g.value(ds, DCTERMS.license) == URIRef(cc0)
    assert g.value(ds, DCTERMS.created) == Literal(datetime.date(2023, 11, 14))
    with pytest.raises(ExportError, match="not an absolute IRI"):
        rdf_export.write(build_graph(small_world()), tmp_path, ExportOptions(license="CC0"))


def test_void_is_byte_identical_for_the_same_input(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    for name in ("a", "b"):
        rdf_export.write(build_graph(small_world()), tmp_path / name, ExportOptions())
    assert (tmp_path / "a" / "void.ttl").read_bytes() == (tmp_path / "b" / "void.ttl").read_bytes()
    assert void.created_date(build_graph(small_world())) == "2024-02-10"
