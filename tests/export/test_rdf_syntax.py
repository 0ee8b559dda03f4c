"""Term syntax of the streaming RDF writers: string escapes, prefixed names, JSON-LD terms."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

from kg.errors import ExportError
from kg.export.rdf_syntax import (
    WRITERS,
    Prefixes,
    Subject,
    nt_term,
    quote_string,
    turtle_term,
    write_jsonld,
)
from kg.export.xmlsafe import xml_text
from kg.vocab import KG, PREFIXES

BASE = "https://example.org/kg/"
PFX = Prefixes({**PREFIXES, "model": f"{BASE}model/", "paper": f"{BASE}paper/"})
S = URIRef(f"{BASE}model/m")


def _write(fmt: str, subjects) -> str:
    out = io.StringIO()
    WRITERS[fmt](out, subjects, PFX)
    return out.getvalue()


def _round_trip(fmt: str, pairs) -> Graph:
    subject = Subject("entities", S, tuple(pairs))
    return Graph().parse(data=_write(fmt, [subject]).encode("utf-8"), format=fmt)


@pytest.mark.parametrize(
    "text, expected",
    [
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("two\nlines\r", '"two\\nlines\\r"'),
        ("tab\there", '"tab\\there"'),
        ("bell\x07 nul\x00 del\x7f", '"bell\\u0007 nul\\u0000 del\\u007F"'),
        ("emoji 😀 and 𝔘", '"emoji 😀 and 𝔘"'),  # non-BMP written as UTF-8
        ("line\u2028sep", '"line\u2028sep"'),
        ('"""', '"\\"\\"\\""'),
        ("", '""'),
    ],
)
def test_quote_string_escapes(text, expected):
    assert quote_string(text) == expected


def test_literal_terms_in_turtle_and_ntriples():
    assert turtle_term(Literal(3), PFX) == "3"
    assert nt_term(Literal(3)) == '"3"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert turtle_term(Literal("0.5", datatype=XSD.decimal), PFX) == "0.5"
    assert turtle_term(Literal("2024", datatype=XSD.gYear), PFX) == '"2024"^^xsd:gYear'
    # a bare 1000 would read as xsd:integer
    assert turtle_term(Literal("1000", datatype=XSD.decimal), PFX) == '"1000"^^xsd:decimal'
    assert turtle_term(Literal("chat", lang="fr"), PFX) == '"chat"@fr'
    assert nt_term(Literal("x", datatype=XSD.string)) == '"x"'


@pytest.mark.parametrize(
    "local, pname",
    [
        ("gpt-4o", True),
        ("%2E%2E", True),
        ("fréchet-mean", True),
        ("שלום-1", True),
        ("3d", True),
        ("ends.", False),  # PN_LOCAL may not end in '.'
        ("-lead", False),  # nor start with '-'
        ("a~b", False),  # would need a \~ escape
        ("ª", False),  # U+00AA: an IRI letter but not a PN_CHARS_BASE
    ],
)
def test_prefixed_names_only_for_valid_local_parts(local, pname):
    term = URIRef(f"{BASE}model/{local}")
    expected = f"model:{local}" if pname else f"<{term}>"
    assert turtle_term(term, PFX) == expected


def test_iris_the_syntax_cannot_hold_are_refused():
    with pytest.raises(ExportError, match="not a valid IRI"):
        nt_term(URIRef("https://example.org/a b"))


def test_turtle_block_layout():
    pairs = (
        (RDF.type, KG.Model),
        (RDFS.label, Literal("M")),
        (KG.outperforms, URIRef(f"{BASE}model/a")),
        (KG.outperforms, URIRef(f"{BASE}model/b")),
    )
    text = _write("turtle", [Subject("entities", S, pairs)])
    body = text.split("\n# entities: ")[1].split("\n", 1)[1]
    assert body == (
        '\nmodel:m a kg:Model ;\n    rdfs:label "M" ;\n'
        "    kg:outperforms model:a,\n        model:b .\n"
    )


def test_jsonld_node_objects_use_the_context_terms():
    pairs = (
        (RDF.type, KG.Claim),
        (KG.confidence, Literal("0.5", datatype=XSD.decimal)),
        (KG.evidence, Literal("e")),
        (RDF.subject, S),
        (RDF.predicate, KG.outperforms),
        (URIRef("https://schema.org/url"), Literal("not an iri", datatype=XSD.anyURI)),
    )
    out = io.StringIO()
    write_jsonld(out, [Subject("claims", URIRef(f"{BASE}claim/c1"), pairs)], PFX)
    (node,) = json.loads(out.getvalue())["@graph"]
    assert node == {
        "@id": f"{BASE}claim/c1",  # no claim: prefix bound here
        "@type": "Claim",
        "confidence": "0.5",
        "evidence": "e",
        "subject": "model:m",
        "predicate": "kg:outperforms",
        "url": {"@type": "xsd:anyURI", "@value": "not an iri"},
    }


def test_jsonld_refuses_an_iri_it_would_misread_as_compact():
    subject = Subject("entities", URIRef("model:odd"), ((RDF.type, KG.Model),))
    with pytest.raises(ExportError, match="compact IRI"):
        write_jsonld(io.StringIO(), [subject], PFX)


def test_empty_export_is_valid_in_every_format():
    for fmt in WRITERS:
        assert len(Graph().parse(data=_write(fmt, []).encode("utf-8"), format=fmt)) == 0


_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=150, deadline=None)
@given(_TEXT, _TEXT)
def test_any_string_round_trips_through_every_writer(a, b):
    for fmt in WRITERS:
        pairs = sorted({(RDFS.label, Literal(a)), (RDFS.comment, Literal(b))})
        # XML 1.0 cannot carry most C0 controls: RDF/XML alone writes U+FFFD for them
        x, y = (xml_text(a), xml_text(b)) if fmt == "xml" else (a, b)
        expected = Graph()
        for p, o in ((RDFS.label, Literal(x)), (RDFS.comment, Literal(y))):
            expected.add((S, p, o))
        assert isomorphic(_round_trip(fmt, pairs), expected), fmt
