"""RDF export: the graph as linked data (``graph.ttl`` and optionally JSON-LD, N-Triples, RDF/XML).

The vocabulary is the kg ontology (``schemas/kg.ttl``, :mod:`kg.vocab`); every
export conforms to the SHACL shapes in ``schemas/shapes.ttl`` (see
:func:`validate`). Per graph element (schema in :mod:`kg.graph`):

- paper node -> ``<base>paper/<id> a kg:Paper`` with ``rdfs:label``,
  ``dcterms:title``/``abstract``/``identifier``/``date``, ``dc:creator``,
  ``kg:arxivId``, ``kg:doi``, ``schema:url``;
- entity node -> ``<base>model/gpt-4o a kg:Model`` with ``rdfs:label`` and
  ``skos:prefLabel`` (name) and ``skos:altLabel`` (other surface forms);
- ``mentions`` / relation edge -> one direct triple (``kg:evaluatedOn``...);
- each claim of a relation edge -> a ``kg:Claim`` with ``rdf:subject``,
  ``rdf:predicate``, ``rdf:object``, ``prov:wasDerivedFrom`` (the paper),
  ``kg:evidence``, ``kg:rule``, ``kg:confidence``, ``kg:support`` and, when
  given, ``kg:reportedValue``/``kg:reportedMetric``.

Not exported: the mention count of a ``mentions`` edge and the paper's
``source`` (an input file location). No blank nodes are used, so the same
graph gives byte-identical files.

Examples
--------
>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> g = to_rdf(build_graph([Extraction(Paper("p1", "A title", "An abstract."))]))
>>> len(g)
5
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD

from kg.errors import ExportError, choices_message
from kg.export import DEFAULT_BASE_IRI
from kg.export.iri import check_base_iri, claim_iri, clean_literal, is_absolute_iri, node_iri
from kg.fsutil import write_bytes
from kg.graph import paper_node_id
from kg.vocab import EDGE_PREDICATES, KG, KIND_CLASSES, PREFIXES, jsonld_context

#: RDF format name (``--rdf-format``) -> file name.
FILENAMES: dict[str, str] = {
    "turtle": "graph.ttl",
    "json-ld": "graph.jsonld",
    "nt": "graph.nt",
    "xml": "graph.rdf",
}

#: Instance prefixes bound under the base IRI (``model:gpt-4o`` in Turtle).
NODE_PREFIXES = ("paper", "model", "method", "dataset", "benchmark", "metric", "task", "claim")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value) -> Literal:
    return Literal(clean_literal(value))


def _date_literal(date: str | None, year: int | None) -> Literal | None:
    if date and _DATE_RE.fullmatch(date):
        try:
            datetime.date.fromisoformat(date)
            return Literal(date, datatype=XSD.date)
        except ValueError:
            pass
    if isinstance(year, int) and 0 < year <= 9999:
        return Literal(f"{year:04d}", datatype=XSD.gYear)
    if date:
        return _text(date)
    return None


def _url(value: str) -> URIRef | Literal:
    """A URL as an IRI when it is one, else as an ``xsd:anyURI`` literal."""
    if is_absolute_iri(value):
        return URIRef(value)
    return Literal(clean_literal(value), datatype=XSD.anyURI)


def _add_paper(g: Graph, iri: URIRef, data: dict) -> None:
    title = data.get("title") or data.get("label") or ""
    g.add((iri, RDF.type, KG.Paper))
    g.add((iri, RDFS.label, _text(title)))
    g.add((iri, DCTERMS.title, _text(title)))
    g.add((iri, DCTERMS.identifier, _text(data.get("paper_id") or "")))
    if data.get("abstract"):
        g.add((iri, DCTERMS.abstract, _text(data["abstract"])))
    date = _date_literal(data.get("date"), data.get("year"))
    if date is not None:
        g.add((iri, DCTERMS.date, date))
    for author in data.get("authors") or ():
        g.add((iri, DC.creator, _text(author)))
    if data.get("arxiv_id"):
        g.add((iri, KG.arxivId, _text(data["arxiv_id"])))
    if data.get("doi"):
        g.add((iri, KG.doi, _text(data["doi"])))
    if data.get("url"):
        g.add((iri, SDO.url, _url(data["url"])))


def _add_entity(g: Graph, iri: URIRef, cls: URIRef, data: dict) -> None:
    name = data.get("name") or data.get("label") or ""
    g.add((iri, RDF.type, cls))
    g.add((iri, RDFS.label, _text(name)))
    g.add((iri, SKOS.prefLabel, _text(name)))
    for alias in data.get("aliases") or ():
        if clean_literal(alias) != clean_literal(name):
            g.add((iri, SKOS.altLabel, _text(alias)))


def _add_claims(g, base, u, v, etype, s, p, o, data) -> None:
    support = Literal(int(data.get("support") or len(data.get("claims") or ())))
    for claim in data.get("claims") or ():
        paper = claim["paper"]
        c = claim_iri(u, etype, v, paper, base)
        g.add((c, RDF.type, KG.Claim))
        g.add((c, RDF.subject, s))
        g.add((c, RDF.predicate, p))
        g.add((c, RDF.object, o))
        g.add((c, PROV.wasDerivedFrom, node_iri(paper_node_id(paper), base)))
        if claim.get("evidence"):
            g.add((c, KG.evidence, _text(claim["evidence"])))
        if claim.get("rule"):
            g.add((c, KG.rule, _text(claim["rule"])))
        confidence = Decimal(str(round(float(claim.get("confidence", 1.0)), 3)))
        g.add((c, KG.confidence, Literal(confidence, datatype=XSD.decimal)))
        g.add((c, KG.support, support))
        if claim.get("value") is not None:
            g.add((c, KG.reportedValue, _text(claim["value"])))
        if claim.get("metric") is not None:
            g.add((c, KG.reportedMetric, _text(claim["metric"])))


def to_rdf(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """Convert a kg graph (schema in :mod:`kg.graph`) to an rdflib graph.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A graph built by :func:`kg.graph.build_graph`.
    base_iri : str
        Absolute IRI under which papers, entities and claims are minted.

    Returns
    -------
    rdflib.Graph
        Triples added in a sorted order, with the kg prefixes bound.

    Raises
    ------
    ExportError
        If ``base_iri`` is not an absolute IRI, or a node or edge does not
        follow the graph schema.
    """
    base = check_base_iri(base_iri)
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for prefix in NODE_PREFIXES:
        g.bind(prefix, f"{base}{prefix}/")

    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        cls = KIND_CLASSES.get(data.get("kind"))
        if cls is None:
            raise ExportError(
                f"node {node!r} has kind {data.get('kind')!r}, not one of "
                f"{', '.join(KIND_CLASSES)}; build the graph with kg.graph.build_graph"
            )
        iri = node_iri(node, base)
        if cls == KG.Paper:
            _add_paper(g, iri, data)
        else:
            _add_entity(g, iri, cls, data)

    for u, v, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3]):
        etype = data.get("type", key)
        p = EDGE_PREDICATES.get(etype)
        if p is None:
            raise ExportError(choices_message(f"edge type of {u} -> {v}", etype, EDGE_PREDICATES))
        s, o = node_iri(u, base), node_iri(v, base)
        g.add((s, p, o))
        if p != KG.mentions:
            _add_claims(g, base, u, v, etype, s, p, o, data)
    return g


def _qname(g: Graph, predicate: URIRef) -> tuple[str, str, str]:
    """Split a predicate into (prefix, namespace, local name) for an XML element."""
    for prefix, ns in sorted(g.namespaces(), key=lambda pn: -len(str(pn[1]))):
        ns = str(ns)
        local = str(predicate)[len(ns) :]
        if str(predicate).startswith(ns) and local and re.fullmatch(r"[A-Za-z_][\w.-]*", local):
            return str(prefix), ns, local
    raise ExportError(f"predicate {predicate} has no XML-safe prefixed name; cannot write RDF/XML")


def _to_rdfxml(g: Graph) -> bytes:
    """Flat RDF/XML: one ``rdf:Description`` per subject, subjects and properties sorted.

    rdflib's RDF/XML writer follows the store's set order, which changes with
    the interpreter's hash seed; this one is byte-stable.
    """
    names = {p: _qname(g, p) for p in set(g.predicates())}
    used = {("rdf", str(RDF))} | {(prefix, ns) for prefix, ns, _ in names.values()}
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<rdf:RDF"]
    lines += [f"   xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in sorted(used)]
    lines[-1] += ">"
    for subject in sorted(set(g.subjects())):
        if not isinstance(subject, URIRef):
            raise ExportError("RDF/XML export of blank nodes is not supported")
        lines.append(f"  <rdf:Description rdf:about={quoteattr(str(subject))}>")
        for p, o in sorted(g.predicate_objects(subject)):
            tag = f"{names[p][0]}:{names[p][2]}"
            if isinstance(o, URIRef):
                lines.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
                continue
            attrs = ""
            if o.language:
                attrs = f" xml:lang={quoteattr(o.language)}"
            elif o.datatype is not None and o.datatype != XSD.string:
                attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
            lines.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>")
        lines.append("  </rdf:Description>")
    lines.append("</rdf:RDF>")
    return ("\n".join(lines) + "\n").encode("utf-8")


_TURTLE_SECTIONS = (
    ("papers", "what each paper mentions and proposes"),
    ("entities", "models, methods, datasets, benchmarks, metrics, tasks and their relations"),
    ("claims", "provenance: one kg:Claim per relation and paper"),
)


def _section(g: Graph, subject) -> str:
    if (subject, RDF.type, KG.Paper) in g:
        return "papers"
    return "claims" if (subject, RDF.type, KG.Claim) in g else "entities"


def _to_turtle(g: Graph) -> bytes:
    """Turtle in three sections (papers, entities, claims), each as rdflib writes it.

    rdflib orders subjects by how often they are referenced, then by IRI, so
    the claims (never referenced) would come first; splitting keeps the file
    readable from the top. One prefix block heads the file.
    """
    parts = {name: Graph(bind_namespaces="none") for name, _ in _TURTLE_SECTIONS}
    for triple in g:
        parts[_section(g, triple[0])].add(triple)
    prefixes: set[str] = set()
    bodies = []
    for name, comment in _TURTLE_SECTIONS:
        part = parts[name]
        if not len(part):
            continue
        for prefix, ns in g.namespaces():
            part.bind(prefix, ns)
        lines = part.serialize(format="turtle").split("\n")
        n = 0
        while n < len(lines) and lines[n].startswith("@prefix "):
            prefixes.add(lines[n])
            n += 1
        body = "\n".join(lines[n:]).strip("\n")
        bodies.append(f"# {name}: {comment}\n\n{body}\n")
    text = "\n".join(sorted(prefixes)) + "\n\n" + "\n".join(bodies)
    return text.encode("utf-8")


def _sort_jsonld(value):
    """Sort JSON-LD node arrays and value sets so the text does not depend on store order."""
    if isinstance(value, dict):
        return {k: _sort_jsonld(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sort_jsonld(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def _jsonld_context(g: Graph) -> dict:
    context = dict(jsonld_context())
    for prefix, ns in g.namespaces():
        if prefix in NODE_PREFIXES:
            context[prefix] = str(ns)
    return context


def serialize(g: Graph, fmt: str) -> bytes:
    """Serialise an RDF graph deterministically as ``turtle``, ``json-ld``, ``nt`` or ``xml``.

    Turtle comes sorted from rdflib, in three sections (:func:`_to_turtle`);
    N-Triples lines are sorted; JSON-LD is
    compacted with the kg context (``schemas/context.jsonld``) and its arrays
    and keys sorted; RDF/XML is written by :func:`_to_rdfxml` in sorted order.
    """
    if fmt not in FILENAMES:
        raise ExportError(choices_message("RDF format", fmt, FILENAMES))
    try:
        if fmt == "turtle":
            return _to_turtle(g)
        if fmt == "nt":
            lines = g.serialize(format="nt", encoding="utf-8").splitlines()
            return b"".join(line + b"\n" for line in sorted(set(lines)) if line.strip())
        if fmt == "json-ld":
            context = _jsonld_context(g)
            text = g.serialize(format="json-ld", context=context, auto_compact=True)
            data = json.loads(text)
            data["@context"] = context
            if "@graph" in data:
                data["@graph"] = _sort_jsonld(data["@graph"])
            else:
                data = _sort_jsonld(data)
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            return text.encode("utf-8")
        return _to_rdfxml(g)
    except (ValueError, TypeError) as exc:  # pragma: no cover - rdflib refusing a term
        raise ExportError(f"cannot write RDF as {fmt}: {exc}") from exc


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Write ``graph.ttl`` and one file per format in ``options.rdf_formats``.

    Returns the paths written, ``graph.ttl`` first.
    """
    formats = tuple(getattr(options, "rdf_formats", None) or ("turtle",))
    base = getattr(options, "base_iri", None) or DEFAULT_BASE_IRI
    for fmt in formats:
        if fmt not in FILENAMES:
            raise ExportError(choices_message("RDF format", fmt, FILENAMES))
    g = to_rdf(graph, base)
    written = []
    for fmt in ("turtle", *sorted(set(formats) - {"turtle"})):
        written.append(write_bytes(Path(out_dir) / FILENAMES[fmt], serialize(g, fmt)))
    return written


def validate(g: Graph) -> tuple[bool, str]:
    """Validate an RDF export against the kg SHACL shapes with pySHACL.

    The shapes are self-contained (no ontology or inference needed), so this
    gives the same answer as ``pyshacl -s schemas/shapes.ttl graph.ttl``.
    Returns ``(conforms, report text)``.
    """
    try:
        from pyshacl import validate as shacl_validate
    except ImportError as exc:  # pragma: no cover
        raise ExportError("SHACL validation needs pyshacl: pip install pyshacl") from exc
    from kg.vocab import shapes

    conforms, _, text = shacl_validate(g, shacl_graph=shapes(), inference="none")
    return bool(conforms), text
