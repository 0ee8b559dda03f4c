"""Streaming RDF writers: Turtle, N-Triples, JSON-LD and RDF/XML, one subject at a time.

Each writer takes an iterable of :class:`Subject` blocks (a subject IRI and
its sorted ``(predicate, object)`` pairs, as :func:`kg.export.rdf.iter_subjects`
yields them) and writes each block to an open text file as soon as it
arrives, so no graph of the whole export is ever held in memory. The same
blocks in the same order give the same bytes.

Term syntax is written here, not by rdflib's serialisers:

- strings are quoted with the Turtle/N-Triples escapes ``\\"``, ``\\\\``,
  ``\\n``, ``\\r``, ``\\t``, ``\\b``, ``\\f`` and ``\\uXXXX`` for the other
  control characters; everything else, non-BMP characters included, is
  written as UTF-8 (:func:`quote_string`);
- an IRI becomes a prefixed name (``model:gpt-4o``) only when its local part
  is a valid Turtle ``PN_LOCAL``, else ``<...>``;
- JSON-LD node objects use the terms of ``schemas/context.jsonld`` and are
  dumped by :func:`json.dumps`;
- RDF/XML uses one ``rdf:Description`` per subject, text escaped for XML;
  characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF)
  become U+FFFD there, and only there (:mod:`kg.export.xmlsafe`).

Examples
--------
>>> quote_string('say "hi"\\n')
'"say \\\\"hi\\\\"\\\\n"'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import NamedTuple, TextIO
from xml.sax.saxutils import quoteattr

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.errors import ExportError
from kg.export.xmlsafe import element_text
from kg.vocab import jsonld_context

#: Turtle section name -> the comment that heads it, in file order.
SECTIONS: dict[str, str] = {
    "papers": "what each paper mentions and proposes",
    "entities": "models, methods, datasets, benchmarks, metrics, tasks and their relations",
    "claims": "provenance: one kg:Claim per relation and paper",
}


class Subject(NamedTuple):
    """One subject's triples: its Turtle section, IRI and sorted, unique (p, o) pairs."""

    section: str
    iri: URIRef
    pairs: tuple


# --------------------------------------------------------------------------- terms

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}
_ESCAPES["\f"] = "\\f"
_QUOTE_TABLE = str.maketrans(
    {chr(c): _ESCAPES.get(chr(c), f"\\u{c:04X}") for c in (*range(0x20), 0x7F)}
    | {'"': '\\"', "\\": "\\\\"}
)
# Characters an IRIREF may not contain (Turtle, N-Triples).
_BAD_IRIREF_RE = re.compile(r'[\x00-\x20<>"{}|^`\\]')

_PN_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS = _PN_BASE + "_0-9\\-\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = "%[0-9A-Fa-f]{2}"
_PN_LOCAL_RE = re.compile(
    f"(?:[{_PN_BASE}_0-9]|{_PLX})(?:(?:[{_PN_CHARS}.]|{_PLX})*(?:[{_PN_CHARS}]|{_PLX}))?"
)
_NCNAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_INTEGER_RE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_RE = re.compile(r"[+-]?[0-9]*\.[0-9]+")
_BARE = {str(XSD.integer): _INTEGER_RE, str(XSD.decimal): _DECIMAL_RE}
_XSD_STRING = str(XSD.string)
_RDF_TYPE = str(RDF.type)


def quote_string(text: str) -> str:
    """``text`` as a double-quoted Turtle / N-Triples string with every needed escape."""
    return '"' + text.translate(_QUOTE_TABLE) + '"'


def iriref(iri: str) -> str:
    """``<iri>``; raises :class:`ExportError` for characters no IRIREF may hold."""
    if _BAD_IRIREF_RE.search(iri):
        raise ExportError(f"{iri!r} is not a valid IRI; cannot write it as RDF")
    return f"<{iri}>"


class Prefixes:
    """Prefix name -> namespace IRI, with the split of an IRI into a prefixed name."""

    def __init__(self, prefixes: dict[str, str]):
        self.names = dict(sorted(prefixes.items()))
        self._by_ns = {}
        for name, ns in self.names.items():
            self._by_ns.setdefault(ns, name)

    def split(self, iri: str) -> tuple[str, str] | None:
        """``(prefix, local)`` when ``iri`` is a namespace of these plus a local name
        without ``/`` or ``#``, else ``None``."""
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = self._by_ns.get(iri[:cut]) if cut else None
        return None if name is None else (name, iri[cut:])

    def pname(self, iri: str) -> str | None:
        """The Turtle prefixed name of ``iri``, or ``None`` when it has none."""
        parts = self.split(iri)
        if parts is None or not _PN_LOCAL_RE.fullmatch(parts[1]):
            return None
        return f"{parts[0]}:{parts[1]}"


def nt_term(term) -> str:
    """A term in N-Triples syntax."""
    if isinstance(term, URIRef):
        return iriref(str(term))
    if not isinstance(term, Literal):
        raise ExportError(f"cannot write {term!r} as RDF: only IRIs and literals are exported")
    text = quote_string(str(term))
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None and str(term.datatype) != _XSD_STRING:
        return f"{text}^^{iriref(str(term.datatype))}"
    return text


def turtle_term(term, prefixes: Prefixes) -> str:
    """A term in Turtle syntax: prefixed names and bare numbers where possible."""
    if isinstance(term, URIRef):
        return prefixes.pname(str(term)) or iriref(str(term))
    if not isinstance(term, Literal):
        raise ExportError(f"cannot write {term!r} as RDF: only IRIs and literals are exported")
    lexical = str(term)
    if term.language:
        return f"{quote_string(lexical)}@{term.language}"
    datatype = None if term.datatype is None else str(term.datatype)
    if datatype is None or datatype == _XSD_STRING:
        return quote_string(lexical)
    bare = _BARE.get(datatype)
    if bare is not None and bare.fullmatch(lexical):
        return lexical
    return f"{quote_string(lexical)}^^{prefixes.pname(datatype) or iriref(datatype)}"


# --------------------------------------------------------------------------- writers


def write_turtle(
    f: TextIO, subjects: Iterable[Subject], prefixes: Prefixes, sections: dict | None = None
) -> None:
    """Turtle: the prefixes, then per section a ``# name: comment`` line (comments from
    ``sections``, default :data:`SECTIONS`) and one block per subject (``;`` between
    predicates, ``,`` between objects)."""
    sections = SECTIONS if sections is None else sections
    for name, ns in prefixes.names.items():
        f.write(f"@prefix {name}: {iriref(ns)} .\n")
    section = None
    names: dict[str, str] = {}
    for subject in subjects:
        if subject.section != section:
            section = subject.section
            f.write(f"\n# {section}: {sections[section]}\n")
        parts = ["\n", turtle_term(subject.iri, prefixes), " "]
        last = None
        for p, o in subject.pairs:
            p = str(p)  # plain str comparisons: rdflib's are slow
            if p == last:
                parts.append(",\n        ")
            else:
                if last is not None:
                    parts.append(" ;\n    ")
                verb = names.get(p)
                if verb is None:
                    verb = "a" if p == _RDF_TYPE else turtle_term(URIRef(p), prefixes)
                    names[p] = verb = verb + " "
                parts.append(verb)
                last = p
            parts.append(turtle_term(o, prefixes))
        parts.append(" .\n")
        f.write("".join(parts))


def write_ntriples(f: TextIO, subjects: Iterable[Subject], prefixes: Prefixes) -> None:
    """N-Triples: one line per triple, subjects in the given order (``prefixes`` unused)."""
    for subject in subjects:
        s = nt_term(subject.iri)
        f.write("".join(f"{s} {nt_term(p)} {nt_term(o)} .\n" for p, o in subject.pairs))


class _JsonLdTerms:
    """The JSON-LD context and, from it, the term of each predicate and class IRI."""

    def __init__(self, prefixes: Prefixes):
        context = dict(jsonld_context())
        for name, ns in prefixes.names.items():
            context.setdefault(name, ns)
        self.context = dict(sorted(context.items()))
        self.prefixes = Prefixes({k: v for k, v in context.items() if k in prefixes.names})
        self.terms: dict[str, tuple[str, str | None]] = {}
        for term, value in sorted(context.items()):
            if term in prefixes.names:
                continue
            if isinstance(value, str):
                iri, coerce = value, None
            else:
                iri, coerce = value["@id"], value.get("@type")
                if coerce not in (None, "@id"):
                    coerce = self.expand(coerce)
            self.terms.setdefault(self.expand(iri), (term, coerce))

    def expand(self, value: str) -> str:
        prefix, sep, local = value.partition(":")
        ns = self.context.get(prefix) if sep else None
        return ns + local if isinstance(ns, str) and not local.startswith("//") else value

    def compact(self, iri: str) -> str:
        """A compact IRI ``prefix:local`` (any local part), or the full IRI when that
        cannot be misread as a compact one."""
        parts = self.prefixes.split(iri)
        if parts is not None and parts[1] and not parts[1].startswith("//"):
            return f"{parts[0]}:{parts[1]}"
        scheme, _, rest = iri.partition(":")
        if scheme in self.context and not rest.startswith("//"):
            raise ExportError(
                f"IRI {iri!r} would be read as a compact IRI in JSON-LD; "
                "choose a base IRI whose scheme is not a kg prefix"
            )
        return iri

    def node(self, subject: Subject) -> dict:
        """The node object of one subject."""
        obj: dict = {"@id": self.compact(str(subject.iri))}
        for p, o in subject.pairs:
            if str(p) == _RDF_TYPE and isinstance(o, URIRef):
                key = "@type"
                term = self.terms.get(str(o))
                value = term[0] if term and term[1] is None else self.compact(str(o))
            else:
                key, coerce = self.terms.get(str(p)) or (self.compact(str(p)), None)
                value = self.value(o, coerce)
            if key in obj:
                old = obj[key]
                obj[key] = [*old, value] if isinstance(old, list) else [old, value]
            else:
                obj[key] = value
        return obj

    def value(self, o, coerce: str | None):
        if isinstance(o, URIRef):
            iri = self.compact(str(o))
            return iri if coerce == "@id" else {"@id": iri}
        if not isinstance(o, Literal):
            raise ExportError(f"cannot write {o!r} as RDF: only IRIs and literals are exported")
        lexical = str(o)
        if o.language:
            return {"@value": lexical, "@language": o.language}
        datatype = None if o.datatype is None else str(o.datatype)
        if datatype == _XSD_STRING:
            datatype = None
        if datatype == coerce or (datatype is None and coerce is None):
            return lexical
        if datatype is None:
            return {"@value": lexical}
        return {"@value": lexical, "@type": self.compact(datatype)}


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True)


def write_jsonld(f: TextIO, subjects: Iterable[Subject], prefixes: Prefixes) -> None:
    """JSON-LD: the kg context inline (with the instance prefixes) and an ``@graph``
    array of one node object per subject, compacted with the context's terms."""
    terms = _JsonLdTerms(prefixes)
    f.write('{\n "@context": ')
    f.write(_dump(terms.context).replace("\n", "\n "))
    f.write(',\n "@graph": [')
    first = True
    for subject in subjects:
        f.write("\n  " if first else ",\n  ")
        f.write(_dump(terms.node(subject)).replace("\n", "\n  "))
        first = False
    f.write("]\n}\n" if first else "\n ]\n}\n")


def _xml_name(p: str, prefixes: Prefixes) -> str:
    parts = prefixes.split(p)
    if parts is None or not _NCNAME_RE.fullmatch(parts[1]):
        raise ExportError(f"predicate {p} has no XML-safe prefixed name; cannot write RDF/XML")
    return f"{parts[0]}:{parts[1]}"


def write_rdfxml(f: TextIO, subjects: Iterable[Subject], prefixes: Prefixes) -> None:
    """RDF/XML: every prefix declared on ``rdf:RDF``, one ``rdf:Description`` per subject."""
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF')
    f.write("".join(f"\n   xmlns:{k}={quoteattr(ns)}" for k, ns in prefixes.names.items()))
    f.write(">\n")
    names: dict = {}
    for subject in subjects:
        lines = [f"  <rdf:Description rdf:about={quoteattr(str(subject.iri))}>"]
        for p, o in subject.pairs:
            tag = names.get(p)
            if tag is None:
                tag = names[p] = _xml_name(str(p), prefixes)
            if isinstance(o, URIRef):
                lines.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>")
                continue
            attrs = ""
            if o.language:
                attrs = f" xml:lang={quoteattr(o.language)}"
            elif o.datatype is not None and str(o.datatype) != _XSD_STRING:
                attrs = f" rdf:datatype={quoteattr(str(o.datatype))}"
            lines.append(f"    <{tag}{attrs}>{element_text(str(o))}</{tag}>")
        lines.append("  </rdf:Description>\n")
        f.write("\n".join(lines))
    f.write("</rdf:RDF>\n")


#: RDF format name -> streaming writer ``(file, subjects, prefixes)``.
WRITERS = {
    "turtle": write_turtle,
    "nt": write_ntriples,
    "json-ld": write_jsonld,
    "xml": write_rdfxml,
}
