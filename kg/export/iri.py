"""Stable, readable IRIs for graph nodes and claims, and literals safe in every RDF syntax.

A node id ``model:gpt-4o`` becomes ``<base>model/gpt-4o`` and ``paper:2401.12345``
becomes ``<base>paper/2401.12345``. Any id, however odd, gives a valid IRI
(RFC 3987): ASCII unreserved characters and Unicode letters, digits and marks
are kept; everything else (spaces, quotes, ``<>``, ``#``, ``%``, ``/``, emoji,
bidi controls...) is percent-encoded as UTF-8, so the mapping is one to one.
A segment longer than :data:`MAX_SEGMENT` characters is cut and given a hash
suffix of the full id, so IRIs stay short and distinct.

Examples
--------
>>> node_iri("model:gpt-4o", "https://w3id.org/kg-papers/")
rdflib.term.URIRef('https://w3id.org/kg-papers/model/gpt-4o')
>>> encode_segment('a "b" <c>#%')
'a%20%22b%22%20%3Cc%3E%23%25'
>>> encode_segment("γ-mod")
'γ-mod'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import URIRef

from kg.errors import ExportError

#: Longest path segment (in characters, after encoding) before it is cut and hashed.
MAX_SEGMENT = 120
_CUT = 80
_HASH_LEN = 16

_ASCII_KEEP = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_UCS_RANGES = (
    (0xA0, 0xD7FF),
    (0xF900, 0xFDCF),
    (0xFDF0, 0xFFEF),
    *((p << 16, (p << 16) + 0xFFFD) for p in range(1, 15)),
)
_KEEP_CATEGORIES = ("L", "N", "Mn", "Mc")
_PREFIX_RE = re.compile(r"[a-z][a-z0-9_-]{0,30}")
_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_BAD_IRI_CHARS = frozenset(' <>"{}|\\^`')


def _keep(ch: str) -> bool:
    if ch in _ASCII_KEEP:
        return True
    cp = ord(ch)
    if cp < 0xA0 or not any(lo <= cp <= hi for lo, hi in _UCS_RANGES):
        return False
    cat = unicodedata.category(ch)
    return cat[0] in _KEEP_CATEGORIES or cat in _KEEP_CATEGORIES


def _pct(ch: str) -> str:
    return "".join(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_LEN]


_HASHED_RE = re.compile(rf".{{0,{_CUT}}}-[0-9a-f]{{{_HASH_LEN}}}")


def encode_segment(text: str) -> str:
    """Percent-encode ``text`` into one IRI path segment (never empty, never ``.``/``..``).

    Letters, digits and marks of any script stay readable; a result longer
    than :data:`MAX_SEGMENT` is cut at :data:`_CUT` characters and followed by
    ``-`` and a 16-hex-digit SHA-256 prefix of ``text`` (so is a shorter text whose
    segment looks like such a cut one). The empty string becomes ``_`` and ``_`` becomes
    ``%5F``: distinct texts give distinct segments.
    """
    out = "".join(ch if _keep(ch) else _pct(ch) for ch in text)
    if not out:
        return "_"
    if out == "_":  # the empty id's segment
        return "%5F"
    if set(out) == {"."}:
        out = out.replace(".", "%2E")
    if len(out) > MAX_SEGMENT or _HASHED_RE.fullmatch(out):  # never mistaken for a cut one
        cut = out[:_CUT]
        pct = cut.rfind("%")
        if pct > _CUT - 3:  # do not split a %XX triple
            cut = cut[:pct]
        out = f"{cut}-{_digest(text)}"
    return out


def is_absolute_iri(text: str) -> bool:
    """Whether ``text`` can be written as an IRI as it is: ``scheme:rest`` with no
    spaces, controls, bidi formatting characters or ``<>"{}|\\^`` characters."""
    if not isinstance(text, str) or not _SCHEME_RE.fullmatch(text):
        return False
    return not any(
        c in _BAD_IRI_CHARS
        or ord(c) < 0x21
        or 0x7F <= ord(c) <= 0x9F
        or unicodedata.category(c) in ("Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")
        for c in text
    )


def check_base_iri(base: str) -> str:
    """Return ``base`` ready to prefix ids: an absolute IRI ending in ``/`` or ``#``.

    Raises :class:`~kg.errors.ExportError` for anything that is not an absolute IRI.
    """
    if not is_absolute_iri(base):
        raise ExportError(
            f"base IRI {base!r} is not an absolute IRI; give one like https://example.org/kg/"
        )
    return base if base.endswith(("/", "#")) else base + "/"


def node_iri(node_id: str, base: str) -> URIRef:
    """The IRI of a graph node: ``model:gpt-4o`` -> ``<base>model/gpt-4o``.

    ``base`` must already have passed :func:`check_base_iri`. Ids without a
    short lower-case ``kind:`` prefix go under ``<base>node/``.
    """
    prefix, sep, rest = node_id.partition(":")
    if not sep or not _PREFIX_RE.fullmatch(prefix):
        prefix, rest = "node", node_id
    return URIRef(f"{base}{prefix}/{encode_segment(rest)}")


def claim_iri(head: str, predicate: str, tail: str, paper: str, base: str) -> URIRef:
    """The IRI of one paper's claim of one edge: ``<base>claim/<hash>``.

    The hash covers the head and tail node ids, the edge type and the paper
    id, so the same claim gets the same IRI in every build.
    """
    key = "\x1f".join((head, predicate, tail, paper)).encode("utf-8", "surrogatepass")
    return URIRef(f"{base}claim/{hashlib.sha256(key).hexdigest()[:24]}")


_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_ARXIV_RE = re.compile(r"(?:\d{4}\.\d{4,5}|[a-z][a-z.-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")
_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX_RE = re.compile(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)")
# RFC 3987 ipath characters kept as they are in a DOI IRI (besides _keep).
_DOI_KEEP = frozenset("/!$&'()*+,;=:@")


def clean_literal(text: str) -> str:
    """Text every RDF syntax can hold: lone surrogates (no UTF-8 form) dropped.

    Control characters are kept: Turtle and N-Triples escape them (``\\u0001``),
    JSON-LD too; only RDF/XML, which XML 1.0 forbids them in, replaces them
    (:func:`kg.export.rdf_syntax.write_rdfxml`), so two literals that differ
    only by a control character stay distinct in every other format.
    """
    return _SURROGATE_RE.sub("", str(text))


def arxiv_iri(arxiv_id: str) -> URIRef | None:
    """``https://arxiv.org/abs/<id>`` for a well-formed arXiv id (``2401.12345``,
    ``2401.12345v2``, ``hep-th/9901001``), else ``None``."""
    arxiv_id = str(arxiv_id).strip()
    if not _ARXIV_RE.fullmatch(arxiv_id):
        return None
    return URIRef(f"https://arxiv.org/abs/{arxiv_id}")


def doi_iri(doi: str) -> URIRef | None:
    """``https://doi.org/<doi>`` for a DOI (``10.1145/3``, also given as ``doi:`` or a
    doi.org URL), with characters an IRI may not hold percent-encoded; else ``None``.
    DOIs are case-insensitive: the IRI keeps the case given."""
    doi = _DOI_PREFIX_RE.sub("", str(doi).strip())
    if not _DOI_RE.fullmatch(doi):
        return None
    path = "".join(ch if ch in _DOI_KEEP or _keep(ch) else _pct(ch) for ch in doi)
    return URIRef(f"https://doi.org/{path}")
