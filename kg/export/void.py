"""The VoID / DCAT description of a build's RDF (``void.ttl``), written with every build.

It says what the dataset is and how to get it, in the two vocabularies that
catalogues and triple stores read (W3C VoID and DCAT 2):

- ``<base>void/dataset`` is a ``void:Dataset`` and ``dcat:Dataset`` with a
  ``dcterms:title``, ``dcterms:description``, ``dcterms:license`` (the
  ``--license`` IRI; without one, ``dcterms:rights`` says that the paper texts
  keep their own terms), ``dcterms:created``, ``owl:versionInfo`` (the kg
  version), ``kg:rulesFingerprint`` (as in ``manifest.json``),
  ``dcterms:conformsTo`` the kg ontology, ``void:vocabulary``,
  ``void:triples``, ``void:entities``, ``void:properties``,
  ``void:distinctSubjects`` and one ``void:classPartition`` per kg class
  (``<base>void/class/Model``...) with its ``void:entities`` count;
- each RDF file written is a ``void:dataDump`` and a ``dcat:Distribution``
  with its ``dcat:mediaType`` and ``dcat:downloadURL``. Dump IRIs are
  relative (``<graph.ttl>``): they resolve against where ``void.ttl`` is
  published or read from, beside the dumps.

The creation date keeps builds byte-identical: it is the day of
``$SOURCE_DATE_EPOCH`` when that is set (the reproducible-builds convention),
else the newest paper date of the input; without either it is left out.
"""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, XSD

from kg import __version__
from kg.errors import ExportError
from kg.export.iri import is_absolute_iri
from kg.export.rdf_syntax import Prefixes, Subject, write_turtle
from kg.fsutil import atomic_writer
from kg.vocab import KG, KG_NS, ONTOLOGY_IRI, PREFIXES

FILENAME = "void.ttl"

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
_MEDIA_TYPES = {
    "turtle": "text/turtle",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "xml": "application/rdf+xml",
}
_IANA = "https://www.iana.org/assignments/media-types/"
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Turtle sections of void.ttl.
SECTIONS = {
    "dataset": "the dataset",
    "classes": "how many resources of each kg class",
    "dumps": "the RDF files of this build",
}
_RIGHTS = (
    "Paper titles and abstracts keep their authors' and publishers' terms; no licence was "
    "given for this build (kg build --license IRI states one)."
)


class Counts:
    """Triples, subjects, properties and subjects per kg class of the RDF export,
    gathered from the :class:`~kg.export.rdf_syntax.Subject` blocks as they are written."""

    def __init__(self):
        self.triples = 0
        self.subjects = 0
        self.properties: set[str] = set()
        self.classes: Counter = Counter()

    def add(self, subject: Subject) -> Subject:
        self.triples += len(subject.pairs)
        self.subjects += 1
        for p, o in subject.pairs:
            self.properties.add(str(p))
            if p == RDF.type and str(o).startswith(KG_NS):
                self.classes[str(o)] += 1
        return subject


def created_date(graph) -> str | None:
    """``$SOURCE_DATE_EPOCH`` as a UTC day, else the newest paper date (or year) in ``graph``."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date().isoformat()
    newest = None
    for _, data in graph.nodes(data=True):
        if data.get("kind") != "Paper":
            continue
        date = data.get("date")
        if isinstance(date, str) and _DATE_RE.fullmatch(date):
            try:
                datetime.date.fromisoformat(date)
            except ValueError:
                date = None
        else:
            date = None
        year = data.get("year")
        if date is None and isinstance(year, int) and 0 < year <= 9999:
            date = f"{year:04d}-01-01"
        if date and (newest is None or date > newest):
            newest = date
    return newest


def _u(iri: str) -> URIRef:
    return URIRef(iri)


def subjects(graph, counts: Counts, files: dict[str, str], base: str, options) -> list[Subject]:
    """The description as Subject blocks: the dataset, its class partitions, its dumps."""
    dataset = _u(f"{base}void/dataset")
    title = getattr(options, "title", None) or "kg knowledge graph"
    pairs = [
        (RDF.type, _u(VOID + "Dataset")),
        (RDF.type, _u(DCAT + "Dataset")),
        (DCTERMS.title, Literal(title)),
        (
            DCTERMS.description,
            Literal(
                "Models, methods, datasets, benchmarks, metrics and tasks named in the titles and "
                "abstracts of machine-learning papers, and the relations the papers state "
                "(proposes, evaluated on, outperforms, uses metric), each with its evidence."
            ),
        ),
        (OWL.versionInfo, Literal(f"kg {__version__}")),
        (DCTERMS.conformsTo, ONTOLOGY_IRI),
        (_u(VOID + "uriSpace"), Literal(base)),
        (_u(VOID + "triples"), Literal(counts.triples)),
        (_u(VOID + "entities"), Literal(counts.subjects)),
        (_u(VOID + "distinctSubjects"), Literal(counts.subjects)),
        (_u(VOID + "properties"), Literal(len(counts.properties))),
        (_u(VOID + "classes"), Literal(len(counts.classes))),
    ]
    from kg.build import data_fingerprint  # lazy: kg.build imports the exporters

    pairs.append((KG.rulesFingerprint, Literal(data_fingerprint())))
    license_iri = getattr(options, "license", None)
    if license_iri and not is_absolute_iri(license_iri):
        raise ExportError(
            f"licence {license_iri!r} is not an absolute IRI; give one like "
            "https://creativecommons.org/publicdomain/zero/1.0/"
        )
    if license_iri:
        pairs.append((DCTERMS.license, _u(license_iri)))
    else:
        pairs.append((DCTERMS.rights, Literal(_RIGHTS)))
    created = created_date(graph)
    if created:
        pairs.append((DCTERMS.created, Literal(created, datatype=XSD.date)))
        pairs.append((DCTERMS.issued, Literal(created, datatype=XSD.date)))
    for prefix in ("kg", "mls", "schema", "dcterms", "dc", "fabio", "prov", "skos"):
        pairs.append((_u(VOID + "vocabulary"), _u(PREFIXES[prefix])))
    blocks = []
    for cls in sorted(counts.classes):
        part = _u(f"{base}void/class/{cls[len(KG_NS) :]}")
        pairs.append((_u(VOID + "classPartition"), part))
        blocks.append(
            Subject(
                "classes",
                part,
                (
                    (_u(VOID + "class"), _u(cls)),
                    (_u(VOID + "entities"), Literal(counts.classes[cls])),
                ),
            )
        )
    for fmt, name in files.items():
        dump = _u(name)
        pairs.append((_u(VOID + "dataDump"), dump))
        pairs.append((_u(DCAT + "distribution"), dump))
        blocks.append(
            Subject(
                "dumps",
                dump,
                (
                    (RDF.type, _u(DCAT + "Distribution")),
                    (_u(DCAT + "downloadURL"), dump),
                    (_u(DCAT + "mediaType"), _u(_IANA + _MEDIA_TYPES[fmt])),
                    (DCTERMS.title, Literal(f"{title} ({fmt})")),
                ),
            )
        )
    return [Subject("dataset", dataset, _sorted(pairs)), *blocks]


def _sorted(pairs) -> tuple:
    return tuple(sorted(set(pairs), key=lambda po: (po[0] != RDF.type, str(po[0]), str(po[1]))))


def write(graph, out_dir: Path, counts: Counts, files: dict[str, str], base: str, options) -> Path:
    """Write ``void.ttl`` describing the RDF ``files`` (format -> file name) of ``out_dir``."""
    path = Path(out_dir) / FILENAME
    prefixes = Prefixes(
        {
            **{k: PREFIXES[k] for k in ("dcterms", "kg", "owl", "rdf", "xsd")},
            "dcat": DCAT,
            "void": VOID,
        }
    )
    with atomic_writer(path) as f:
        f.write("# VoID / DCAT description of this build's RDF (kg.export.void)\n")
        write_turtle(f, subjects(graph, counts, files, base, options), prefixes, SECTIONS)
    return path
