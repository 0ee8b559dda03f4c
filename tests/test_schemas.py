"""Schema files (ontology, SHACL shapes, JSON-LD context) and their agreement with the code."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS, SDO, SH

from kg.export.rdf import to_rdf
from kg.graph import build_graph
from kg.link import Linker
from kg.records import (
    PAPER_HEAD,
    RELATION_SIGNATURES,
    Entity,
    EntityType,
    Extraction,
    Paper,
    Relation,
    RelationType,
)
from kg.vocab import (
    EDGE_PREDICATES,
    KG,
    KG_NS,
    KIND_CLASSES,
    MLS,
    ONTOLOGY_IRI,
    SCHEMA_FILES,
    extraction_schema,
    jsonld_context,
    ontology,
    schema_text,
    shapes,
)

REPO = Path(__file__).resolve().parents[1]


def _kg_terms(g: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(KG_NS)}


def _tiny_extraction() -> Extraction:
    ents = tuple(
        Entity("", name, etype, (), (name,), etype == EntityType.BENCHMARK)
        for name, etype in [
            ("GPT-4o", EntityType.MODEL),
            ("LoRA", EntityType.METHOD),
            ("COCO", EntityType.DATASET),
            ("MMNeedle", EntityType.BENCHMARK),
            ("accuracy", EntityType.METRIC),
            ("captioning", EntityType.TASK),
        ]
    )
    rels = (
        Relation(RelationType.PROPOSES, PAPER_HEAD, "MMNeedle", "e", "r", 0.9),
        Relation(RelationType.EVALUATES_ON, "GPT-4o", "COCO", "e", "r", 0.9, "1", "accuracy"),
        Relation(RelationType.OUTPERFORMS, "GPT-4o", "LoRA", "e", "r", 0.9),
        Relation(RelationType.USES_METRIC, "MMNeedle", "accuracy", "e", "r", 0.9),
    )
    paper = Paper("p1", "T", "A", arxiv_id="2401.1", doi="10.1/x", url="https://x.org/", year=2024)
    return Linker().link(Extraction(paper, ents, rels))


def _tiny_export() -> Graph:
    return to_rdf(build_graph([_tiny_extraction()]))


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_repo_schemas_are_the_packaged_files(name):
    copy = REPO / "schemas" / name
    assert copy.read_text(encoding="utf-8") == schema_text(name), (
        f"schemas/{name} differs from kg/data/schemas/{name} (the source of truth): "
        f"cp kg/data/schemas/{name} schemas/{name}"
    )


def test_schemas_are_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["kg"]
    assert "data/**/*" in globs  # covers kg/data/schemas/*
    for name in SCHEMA_FILES:
        assert (REPO / "kg" / "data" / "schemas" / name).is_file()


def test_unknown_schema_file():
    with pytest.raises(ValueError, match="choose one of"):
        schema_text("nope.ttl")


# --------------------------------------------------------------------------- ontology


def test_closed_vocabulary_matches_the_ontology():
    defined = _kg_terms(ontology())
    in_code = {getattr(KG, name) for name in KG.__annotations__}
    assert defined == in_code


def test_every_term_has_a_label_and_a_comment():
    g = ontology()
    for term in _kg_terms(g) | {ONTOLOGY_IRI}:
        if term != ONTOLOGY_IRI:
            assert g.value(term, RDFS.label) is not None, term
        assert g.value(term, RDFS.comment) is not None, term
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g


@pytest.mark.parametrize(
    "cls, parent",
    [
        (KG.Model, MLS.Model),
        (KG.Method, MLS.Algorithm),
        (KG.Dataset, MLS.Dataset),
        (KG.Dataset, SDO.Dataset),
        (KG.Metric, MLS.EvaluationMeasure),
        (KG.Task, MLS.Task),
        (KG.Paper, SDO.ScholarlyArticle),
        (KG.Claim, PROV.Entity),
        (KG.Claim, RDF.Statement),
        (KG.Benchmark, KG.Dataset),
    ],
)
def test_classes_are_aligned(cls, parent):
    assert (cls, RDFS.subClassOf, parent) in ontology()


def test_a_benchmark_is_an_ml_schema_dataset_by_subclass_closure():
    g = ontology()
    ask = "ASK { kg:Benchmark rdfs:subClassOf+ mls:Dataset , schema:Dataset , kg:Entity }"
    assert g.query(ask, initNs={"kg": KG_NS, "rdfs": RDFS, "mls": MLS, "schema": SDO}).askAnswer


def test_relations_are_aligned_and_typed():
    g = ontology()
    assert (KG.mentions, RDFS.subPropertyOf, SDO.mentions) in g
    assert (KG.proposes, RDFS.subPropertyOf, KG.mentions) in g
    for p in EDGE_PREDICATES.values():
        assert (p, RDF.type, OWL.ObjectProperty) in g


def test_every_term_of_an_export_is_documented():
    """kg: terms come from the ontology; borrowed terms are listed in its last section."""
    text = schema_text("kg.ttl")
    export = _tiny_export()
    used = {p for p in export.predicates()} | set(export.objects(None, RDF.type))
    defined = _kg_terms(ontology())
    for term in used:
        if str(term).startswith(KG_NS):
            assert term in defined, term
        else:
            qname = export.namespace_manager.qname(term)
            assert qname in text, qname


# --------------------------------------------------------------------------- shapes


def test_shapes_are_valid_shacl():
    from pyshacl import validate

    conforms, _, report = validate(_tiny_export(), shacl_graph=shapes(), meta_shacl=True)
    assert conforms, report


def _classes(g: Graph, shape) -> set[URIRef]:
    """Classes a shape allows: ``sh:class`` or an ``sh:or`` list of ``sh:class`` shapes."""
    direct = set(g.objects(shape, SH["class"]))
    for lst in g.objects(shape, SH["or"]):
        direct |= {g.value(member, SH["class"]) for member in Collection(g, lst)}
    return direct


def _expected(types) -> set[URIRef]:
    return {KG.Paper if t == PAPER_HEAD else KIND_CLASSES[t.label] for t in types}


@pytest.mark.parametrize("relation", list(RelationType))
def test_relation_shapes_follow_the_relation_signatures(relation):
    g = shapes()
    predicate = EDGE_PREDICATES[relation.value]
    # the one shape with property constraints (kgsh:RelationHasClaimShape only has SPARQL)
    targeted = g.subjects(SH.targetSubjectsOf, predicate)
    (shape,) = [s for s in targeted if (s, SH.property, None) in g]
    heads, tails = RELATION_SIGNATURES[relation]
    assert _classes(g, shape) == _expected(heads)
    (prop,) = [p for p in g.objects(shape, SH.property) if g.value(p, SH.path) == predicate]
    assert _classes(g, prop) == _expected(tails)
    assert g.value(prop, SH.nodeKind) == SH.IRI


def test_every_class_is_a_shape_target():
    targets = set(shapes().objects(None, SH.targetClass))
    assert targets == set(KIND_CLASSES.values()) | {KG.Claim}


# --------------------------------------------------------------------------- JSON-LD context


def test_context_terms_expand_to_known_iris():
    context = jsonld_context()
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    defined = _kg_terms(ontology())
    for term, value in context.items():
        if term in prefixes:
            continue
        iri = value["@id"] if isinstance(value, dict) else value
        prefix, _, local = iri.partition(":")
        assert prefix in prefixes, term
        full = URIRef(prefixes[prefix] + local)
        if prefixes[prefix] == KG_NS:
            assert full in defined, term


def test_context_covers_every_term_of_an_export():
    context = jsonld_context()
    prefixes = {k: v for k, v in context.items() if isinstance(v, str) and v.endswith(("#", "/"))}
    expanded = set()
    for value in context.values():
        iri = value["@id"] if isinstance(value, dict) else value
        prefix, _, local = iri.partition(":")
        if prefix in prefixes:
            expanded.add(prefixes[prefix] + local)
    export = _tiny_export()
    used = {p for p in export.predicates() if p != RDF.type} | set(export.objects(None, RDF.type))
    # kg: terms and every predicate have a term; the standard classes asserted beside the kg
    # class (mls:Model, schema:ScholarlyArticle...) compact with a prefix of the context
    kg_types = {t for t in export.objects(None, RDF.type) if str(t).startswith(KG_NS)}
    must = {p for p in export.predicates() if p != RDF.type} | kg_types
    assert {str(t) for t in must} <= expanded
    namespaces = tuple(prefixes.values())
    assert all(str(t).startswith(namespaces) for t in used)


def test_context_file_is_a_json_ld_document():
    data = json.loads(schema_text("context.jsonld"))
    assert set(data) == {"@context"}


# --------------------------------------------------------------------------- JSON Schema


def _validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = extraction_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_extractions_match_the_json_schema():
    validator = _validator()
    record = _tiny_extraction().to_dict()
    assert not list(validator.iter_errors(record))
    assert Extraction.from_dict(json.loads(json.dumps(record))) == _tiny_extraction()


@pytest.mark.parametrize(
    "path, bad",
    [
        (("entities", 0, "type"), "PERSON"),
        (("relations", 0, "type"), "cites"),
        (("relations", 0, "confidence"), 1.5),
        (("paper", "year"), "2024"),
    ],
)
def test_json_schema_rejects_bad_records(path, bad):
    validator = _validator()
    record = _tiny_extraction().to_dict()
    target = record
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    assert list(validator.iter_errors(record))


@pytest.mark.shared
def test_shared_corpus_extractions_match_the_json_schema(corpus_path, nlp):
    from kg.build import BuildOptions, extract_linked

    validator = _validator()
    count = 0
    for ex in extract_linked([corpus_path], BuildOptions(), nlp=nlp):
        errors = list(validator.iter_errors(json.loads(json.dumps(ex.to_dict()))))
        assert not errors, (ex.paper.id, errors[0].message)
        count += 1
    assert count == 82
