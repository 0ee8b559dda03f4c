"""The RDF vocabulary of kg: a closed namespace and the bundled schema files.

:class:`KG` lists every term of the kg ontology (``kg/data/schemas/kg.ttl``);
a typo such as ``KG.evaluatesOn`` raises ``AttributeError`` instead of
silently minting a new predicate. The other namespaces kg borrows terms from
(W3C ML Schema, schema.org, DCTERMS, PROV-O, SKOS) are here too, with the
prefixes every export binds.

The schema files (ontology, SHACL shapes, JSON-LD context) ship as package
data in ``kg/data/schemas/``, the source of truth; ``schemas/`` at the
repository root holds byte-identical copies for readers and tools.

Examples
--------
>>> str(KG.evaluatedOn)
'https://w3id.org/kg-papers/ontology#evaluatedOn'
>>> KG.evaluatesOn
Traceback (most recent call last):
...
AttributeError: term 'evaluatesOn' not in namespace 'https://w3id.org/kg-papers/ontology#'
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DC, DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

#: Namespace IRI of the kg ontology (independent of the base IRI of instances).
KG_NS = "https://w3id.org/kg-papers/ontology#"

#: IRI of the ontology itself.
ONTOLOGY_IRI = URIRef("https://w3id.org/kg-papers/ontology")

MLS = Namespace("http://www.w3.org/ns/mls#")
FABIO = Namespace("http://purl.org/spar/fabio/")

SCHEMA_FILES = ("kg.ttl", "shapes.ttl", "context.jsonld", "extraction.schema.json")


class KG(DefinedNamespace):
    """The kg ontology: classes, relations, claim and paper properties."""

    _NS = Namespace(KG_NS)
    _fail = True

    # classes
    Entity: URIRef
    Paper: URIRef
    Model: URIRef
    Method: URIRef
    Dataset: URIRef
    Benchmark: URIRef
    Metric: URIRef
    Task: URIRef
    Claim: URIRef
    # relations
    mentions: URIRef
    proposes: URIRef
    evaluatedOn: URIRef
    outperforms: URIRef
    usesMetric: URIRef
    # claim properties
    evidence: URIRef
    rule: URIRef
    confidence: URIRef
    support: URIRef
    reportedValue: URIRef
    reportedMetric: URIRef
    # paper properties
    arxivId: URIRef
    doi: URIRef
    # dataset description (void.ttl)
    rulesFingerprint: URIRef


#: Graph edge type (kg.graph) -> RDF predicate.
EDGE_PREDICATES: dict[str, URIRef] = {
    "mentions": KG.mentions,
    "proposes": KG.proposes,
    "evaluates_on": KG.evaluatedOn,
    "outperforms": KG.outperforms,
    "uses_metric": KG.usesMetric,
}

#: Graph node ``kind`` (kg.graph) -> RDF class.
KIND_CLASSES: dict[str, URIRef] = {
    "Paper": KG.Paper,
    "Model": KG.Model,
    "Method": KG.Method,
    "Dataset": KG.Dataset,
    "Benchmark": KG.Benchmark,
    "Metric": KG.Metric,
    "Task": KG.Task,
}

#: Prefixes bound in every export and in SPARQL results.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "dcterms": str(DCTERMS),
    "dc": str(DC),
    "fabio": str(FABIO),
    "mls": str(MLS),
    "prov": str(PROV),
    "schema": str(SDO),
    "skos": str(SKOS),
}


def schema_text(name: str) -> str:
    """Return the text of a bundled schema file (one of :data:`SCHEMA_FILES`)."""
    if name not in SCHEMA_FILES:
        raise ValueError(f"unknown schema file {name!r}; choose one of {', '.join(SCHEMA_FILES)}")
    return resources.files("kg").joinpath("data", "schemas", name).read_text(encoding="utf-8")


@cache
def _parsed(name: str) -> Graph:
    return Graph().parse(data=schema_text(name), format="turtle")


def ontology() -> Graph:
    """The kg ontology (``kg.ttl``) as a new rdflib graph."""
    g = Graph()
    for triple in _parsed("kg.ttl"):
        g.add(triple)
    return g


def shapes() -> Graph:
    """The SHACL shapes (``shapes.ttl``) as a new rdflib graph."""
    g = Graph()
    for triple in _parsed("shapes.ttl"):
        g.add(triple)
    return g


@cache
def standard_types(cls: URIRef) -> tuple[URIRef, ...]:
    """The classes outside ``kg:`` that ``cls`` is a subclass of in the ontology, sorted.

    The exports assert them beside the kg class, so ``?x a mls:Model`` or
    ``?p a schema:ScholarlyArticle`` finds kg resources without RDFS inference.

    >>> [str(c) for c in standard_types(KG.Model)]
    ['http://www.w3.org/ns/mls#Model']
    """
    g = _parsed("kg.ttl")
    seen, todo = set(), [cls]
    while todo:
        for parent in g.objects(todo.pop(), RDFS.subClassOf):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return tuple(sorted((c for c in seen if not str(c).startswith(KG_NS)), key=str))


def extraction_schema() -> dict:
    """The JSON Schema of one ``extractions.jsonl`` line (``extraction.schema.json``)."""
    return json.loads(schema_text("extraction.schema.json"))


def jsonld_context() -> dict:
    """The JSON-LD context (the value of ``@context`` in ``context.jsonld``)."""
    return json.loads(schema_text("context.jsonld"))["@context"]
