"""RDF export: the graph as linked data (``graph.ttl`` and optionally JSON-LD, N-Triples, RDF/XML).

The vocabulary is the kg ontology (``schemas/kg.ttl``, :mod:`kg.vocab`); every
export conforms to the SHACL shapes in ``schemas/shapes.ttl`` (see
:func:`validate`). Per graph element (schema in :mod:`kg.graph`):

- paper node -> ``<base>paper/<id> a kg:Paper`` (and ``schema:ScholarlyArticle``,
  ``fabio:ResearchPaper``, ``dcterms:BibliographicResource``, ``prov:Entity``)
  with ``rdfs:label``, ``dcterms:title``/``abstract``/``identifier``/``date``,
  ``dc:creator``, ``kg:arxivId``, ``kg:doi``, ``schema:url`` and
  ``schema:sameAs`` its arXiv and DOI IRIs;
- entity node -> ``<base>model/gpt-4o a kg:Model, mls:Model`` with ``rdfs:label``
  and ``skos:prefLabel`` (name) and ``skos:altLabel`` (other surface forms);
- ``mentions`` / relation edge -> one direct triple (``kg:evaluatedOn``...);
- each claim of a relation edge -> a ``kg:Claim`` (and ``rdf:Statement``,
  ``prov:Entity``) with ``rdf:subject``,
  ``rdf:predicate``, ``rdf:object``, ``prov:wasDerivedFrom`` (the paper),
  ``kg:evidence``, ``kg:rule``, ``kg:confidence``, ``kg:support`` and, when
  given, ``kg:reportedValue``/``kg:reportedMetric``.

Every resource has exactly one ``kg:`` class and, beside it, the classes outside
``kg:`` that the ontology makes it a subclass of (:func:`kg.vocab.standard_types`),
so stores without RDFS inference answer ``?x a mls:Model`` too.

Not exported: the mention count of a ``mentions`` edge and the paper's
``source`` (an input file location). No blank nodes are used, so the same
graph gives byte-identical files.

One generator, :func:`iter_subjects`, makes every triple: it walks the
NetworkX graph in a fixed order (papers, then entities, by sorted node id;
then the claims of the edges sorted by head, tail and type) and yields one
subject with its sorted triples at a time. :func:`write` streams those
blocks straight into each file through the writers of
:mod:`kg.export.rdf_syntax` (Turtle, N-Triples, JSON-LD, RDF/XML), so the
export never holds an rdflib graph of the whole thing: a 10k-paper build
(270k triples) is written as Turtle in under 2 s with about 3 MB of extra
memory. :func:`to_rdf` fills an rdflib graph from the same generator
(:func:`iter_triples`) for validation, tests and SPARQL. N-Triples lines
follow the subject order of the Turtle file (``LC_ALL=C sort graph.nt``
gives them fully sorted).

Examples
--------
>>> from kg.graph import build_graph
>>> from kg.records import Extraction, Paper
>>> g = to_rdf(build_graph([Extraction(Paper("p1", "A title", "An abstract."))]))
>>> len(g)
9
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DC, DCTERMS, PROV, RDF, RDFS, SDO, SKOS, XSD

from kg.errors import ExportError, choices_message
from kg.export import DEFAULT_BASE_IRI, void
from kg.export.iri import (
    arxiv_iri,
    check_base_iri,
    claim_iri,
    clean_literal,
    doi_iri,
    is_absolute_iri,
    node_iri,
)
from kg.export.rdf_syntax import SECTIONS, WRITERS, Prefixes, Subject
from kg.fsutil import atomic_writer
from kg.graph import node_data, paper_node_id
from kg.vocab import EDGE_PREDICATES, KG, KG_NS, KIND_CLASSES, PREFIXES, standard_types

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
# URL schemes JSON-LD would read as kg prefixes: such URLs are written as literals.
_RESERVED_SCHEMES = frozenset(PREFIXES) | frozenset(NODE_PREFIXES)


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
    """A URL as an IRI when it is one, else as an ``xsd:anyURI`` literal.

    A URL whose scheme is a kg prefix (``model:x``) stays a literal: JSON-LD
    would read it as a compact IRI.
    """
    if is_absolute_iri(value) and value.partition(":")[0] not in _RESERVED_SCHEMES:
        return URIRef(value)
    return Literal(clean_literal(value), datatype=XSD.anyURI)


# Terms used for every subject, looked up once (DefinedNamespace attribute access is slow).
_TYPE, _LABEL, _PREF, _ALT = RDF.type, RDFS.label, SKOS.prefLabel, SKOS.altLabel
_TITLE, _ID, _ABSTRACT, _DATE = DCTERMS.title, DCTERMS.identifier, DCTERMS.abstract, DCTERMS.date
_CREATOR, _ARXIV, _DOI, _URL, _SAME = DC.creator, KG.arxivId, KG.doi, SDO.url, SDO.sameAs
_PAPER, _CLAIM, _MENTIONS = KG.Paper, KG.Claim, KG.mentions
_SUBJ, _PRED, _OBJ, _FROM = RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom
_CONF, _SUPPORT, _EVIDENCE, _RULE = KG.confidence, KG.support, KG.evidence, KG.rule
_VALUE, _METRIC, _DECIMAL = KG.reportedValue, KG.reportedMetric, XSD.decimal
_TYPE_STR = str(_TYPE)
_KG_NS = str(KG_NS)


def _paper_pairs(data: dict) -> list[tuple]:
    title = _text(data.get("title") or data.get("label") or "")
    pairs = [
        (_TYPE, _PAPER),
        *((_TYPE, c) for c in standard_types(_PAPER)),
        (_LABEL, title),
        (_TITLE, title),
        (_ID, _text(data.get("paper_id") or "")),
    ]
    if data.get("abstract"):
        pairs.append((_ABSTRACT, _text(data["abstract"])))
    date = _date_literal(data.get("date"), data.get("year"))
    if date is not None:
        pairs.append((_DATE, date))
    pairs += [(_CREATOR, _text(author)) for author in data.get("authors") or ()]
    if data.get("arxiv_id"):
        pairs.append((_ARXIV, _text(data["arxiv_id"])))
        same = arxiv_iri(data["arxiv_id"])
        if same is not None:
            pairs.append((_SAME, same))
    if data.get("doi"):
        pairs.append((_DOI, _text(data["doi"])))
        same = doi_iri(data["doi"])
        if same is not None:
            pairs.append((_SAME, same))
    if data.get("url"):
        pairs.append((_URL, _url(data["url"])))
    return pairs


def _entity_pairs(cls: URIRef, data: dict) -> list[tuple]:
    name = clean_literal(data.get("name") or data.get("label") or "")
    pairs = [(_TYPE, cls), (_LABEL, Literal(name)), (_PREF, Literal(name))]
    pairs += [(_TYPE, c) for c in standard_types(cls)]
    for alias in data.get("aliases") or ():
        alias = clean_literal(alias)
        if alias != name:
            pairs.append((_ALT, Literal(alias)))
    return pairs


def _claim_pairs(claim: dict, s, p, o, paper: URIRef, support: Literal) -> list[tuple]:
    confidence = Decimal(str(round(float(claim.get("confidence", 1.0)), 3)))
    pairs = [
        (_TYPE, _CLAIM),
        *((_TYPE, c) for c in standard_types(_CLAIM)),
        (_SUBJ, s),
        (_PRED, p),
        (_OBJ, o),
        (_FROM, paper),
        (_CONF, Literal(confidence, datatype=_DECIMAL)),
        (_SUPPORT, support),
    ]
    if claim.get("evidence"):
        pairs.append((_EVIDENCE, _text(claim["evidence"])))
    if claim.get("rule"):
        pairs.append((_RULE, _text(claim["rule"])))
    if claim.get("value") is not None:
        pairs.append((_VALUE, _text(claim["value"])))
    if claim.get("metric") is not None:
        pairs.append((_METRIC, _text(claim["metric"])))
    return pairs


def _pair_key(pair: tuple) -> tuple:
    """A sort key of plain strings, one to one with the pair; ``rdf:type`` sorts first,
    and of the types the ``kg:`` class."""
    p, o = pair
    p = str(p)
    if isinstance(o, URIRef):
        o = str(o)
        return (p != _TYPE_STR, p, 0, not o.startswith(_KG_NS), o, "", "")
    return (p != _TYPE_STR, p, 1, False, str(o), str(o.datatype or ""), o.language or "")


def _sorted_pairs(pairs: list[tuple]) -> tuple:
    """Unique pairs, ``rdf:type`` first, then by predicate IRI and object."""
    out, last = [], None
    for key, pair in sorted(((_pair_key(pair), pair) for pair in pairs), key=itemgetter(0)):
        if key != last:
            out.append(pair)
            last = key
    return tuple(out)


def _edge_predicate(u: str, v: str, data: dict, key) -> tuple[str, URIRef]:
    etype = data.get("type", key)
    p = EDGE_PREDICATES.get(etype)
    if p is None:
        raise ExportError(choices_message(f"edge type of {u} -> {v}", etype, EDGE_PREDICATES))
    return etype, p


def _out_edges(graph: nx.MultiDiGraph, u: str):
    """``(v, key, data)`` of the edges leaving ``u``, sorted by (v, key)."""
    nbrs = graph.succ[u]
    for v in sorted(nbrs):
        keydict = nbrs[v]
        for key in sorted(keydict):
            yield v, key, keydict[key]


def iter_subjects(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[Subject]:
    """Yield every subject of the RDF export with its triples, one :class:`Subject` at a time.

    Papers come first, then entities (each in sorted node-id order, with the
    direct triples of its outgoing edges), then one ``kg:Claim`` per claim
    of each relation edge (edges sorted by head, tail and type). Only the
    sorted list of node ids and one subject's triples are held at a time.

    Raises
    ------
    ExportError
        If ``base_iri`` is not an absolute IRI, or a node or edge does not
        follow the graph schema.
    """
    base = check_base_iri(base_iri)
    iri = lru_cache(maxsize=1 << 16)(lambda node: node_iri(node, base))
    nodes = sorted(graph.nodes)
    for node in nodes:
        kind = graph.nodes[node].get("kind")
        if kind not in KIND_CLASSES:
            raise ExportError(
                f"node {node!r} has kind {kind!r}, not one of "
                f"{', '.join(KIND_CLASSES)}; build the graph with kg.graph.build_graph"
            )

    for section, papers in (("papers", True), ("entities", False)):
        for node in nodes:
            data = graph.nodes[node]
            cls = KIND_CLASSES[data["kind"]]
            if (cls == _PAPER) != papers:
                continue
            s = iri(node)
            pairs = _paper_pairs(node_data(graph, node)) if papers else _entity_pairs(cls, data)
            for v, key, edge in _out_edges(graph, node):
                pairs.append((_edge_predicate(node, v, edge, key)[1], iri(v)))
            yield Subject(section, s, _sorted_pairs(pairs))

    for u in nodes:
        for v, key, edge in _out_edges(graph, u):
            etype, p = _edge_predicate(u, v, edge, key)
            if p == _MENTIONS:
                continue
            claims = edge.get("claims") or ()
            support = Literal(int(edge.get("support") or len(claims)))
            by_iri: dict[URIRef, list] = {}
            for claim in claims:
                paper = claim["paper"]
                c = claim_iri(u, etype, v, paper, base)
                pairs = _claim_pairs(claim, iri(u), p, iri(v), iri(paper_node_id(paper)), support)
                by_iri.setdefault(c, []).extend(pairs)
            for c in sorted(by_iri, key=str):
                yield Subject("claims", c, _sorted_pairs(by_iri[c]))


def iter_triples(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[tuple]:
    """Yield the ``(subject, predicate, object)`` rdflib terms of the export, in the
    order of :func:`iter_subjects` (the single source of every RDF output)."""
    for subject in iter_subjects(graph, base_iri):
        s = subject.iri
        for p, o in subject.pairs:
            yield s, p, o


def _prefixes(base: str) -> dict[str, str]:
    return {**PREFIXES, **{prefix: f"{base}{prefix}/" for prefix in NODE_PREFIXES}}


def to_rdf(graph: nx.MultiDiGraph, base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """Convert a kg graph (schema in :mod:`kg.graph`) to an rdflib graph.

    Holds the whole export in memory: for tests, validation and SPARQL; files
    are written by :func:`write` without it. The triples are those of
    :func:`iter_triples`.

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
    for prefix, ns in _prefixes(base).items():
        g.bind(prefix, ns)
    for triple in iter_triples(graph, base):
        g.add(triple)
    return g


def _section(g: Graph, subject) -> str:
    if (subject, RDF.type, KG.Paper) in g:
        return "papers"
    return "claims" if (subject, RDF.type, KG.Claim) in g else "entities"


def graph_subjects(g: Graph) -> Iterator[Subject]:
    """The subjects of an rdflib graph as :class:`Subject` blocks: papers, entities,
    claims, each sorted by IRI."""
    order = {name: n for n, name in enumerate(SECTIONS)}
    subjects = []
    for s in set(g.subjects()):
        if not isinstance(s, URIRef):
            raise ExportError("RDF export of blank nodes is not supported")
        subjects.append((order[_section(g, s)], str(s), s))
    for _, _, s in sorted(subjects):
        pairs = _sorted_pairs(list(g.predicate_objects(s)))
        yield Subject(_section(g, s), s, pairs)


def _check_format(fmt: str) -> None:
    if fmt not in FILENAMES:
        raise ExportError(choices_message("RDF format", fmt, FILENAMES))


def _graph_base(g: Graph) -> str:
    for prefix, ns in g.namespaces():
        if prefix == "paper" and str(ns).endswith("paper/"):
            return str(ns)[: -len("paper/")]
    return DEFAULT_BASE_IRI


def serialize(g: Graph, fmt: str, base_iri: str | None = None) -> bytes:
    """Serialise an rdflib graph with the same writers as :func:`write` (``turtle``,
    ``json-ld``, ``nt`` or ``xml``): subjects sorted by section and IRI.

    ``base_iri`` (for the instance prefixes) defaults to the one bound to
    ``paper:`` in ``g``, else :data:`~kg.export.DEFAULT_BASE_IRI`.
    """
    _check_format(fmt)
    base = check_base_iri(base_iri or _graph_base(g))
    out = io.StringIO()
    WRITERS[fmt](out, graph_subjects(g), Prefixes(_prefixes(base)))
    try:
        return out.getvalue().encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ExportError(f"cannot write RDF as {fmt}: {exc}") from exc


def write(graph: nx.MultiDiGraph, out_dir: Path, options=None) -> list[Path]:
    """Stream ``graph.ttl`` and one file per format in ``options.rdf_formats``, then
    ``void.ttl`` (:mod:`kg.export.void`) describing them.

    Each file is written subject by subject from :func:`iter_subjects`
    (no rdflib graph of the whole export), atomically. Returns the paths
    written, ``graph.ttl`` first and ``void.ttl`` last.
    """
    formats = tuple(getattr(options, "rdf_formats", None) or ("turtle",))
    for fmt in formats:
        _check_format(fmt)
    base = check_base_iri(getattr(options, "base_iri", None) or DEFAULT_BASE_IRI)
    prefixes = Prefixes(_prefixes(base))
    counts = void.Counts()
    written = []
    for fmt in ("turtle", *sorted(set(formats) - {"turtle"})):
        path = Path(out_dir) / FILENAMES[fmt]
        subjects = iter_subjects(graph, base)
        if fmt == "turtle":
            subjects = map(counts.add, subjects)
        try:
            with atomic_writer(path) as f:
                WRITERS[fmt](f, subjects, prefixes)
        except UnicodeEncodeError as exc:
            raise ExportError(f"cannot write RDF as {fmt}: {exc}") from exc
        written.append(path)
    files = {
        fmt: path.name
        for fmt, path in zip(("turtle", *sorted(set(formats) - {"turtle"})), written, strict=True)
    }
    written.append(void.write(graph, out_dir, counts, files, base, options))
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
