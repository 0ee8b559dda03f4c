"""Character offsets of tokens and the candidates of a document (helpers of
:mod:`kg.nlp.components`)."""

from __future__ import annotations

from spacy.tokens import Doc

from kg.nlp import resolve
from kg.records import EntityType

OFFSETS_KEY = "kg_offsets"


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Start and end character offsets of every token (vectorised; no Token objects),
    computed once and kept in ``doc.user_data`` until :class:`Entities` drops them."""
    offsets = doc.user_data.get(OFFSETS_KEY)
    if offsets is None:
        arr = doc.to_array(["IDX", "LENGTH"])
        offsets = arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist()
        doc.user_data[OFFSETS_KEY] = offsets
    return offsets


def cands_from_doc(doc: Doc, text: str, offsets) -> list[resolve.Candidate]:
    """The gazetteer spans and candidate rows of ``doc`` as trimmed candidates."""
    out = []
    starts, ends = offsets
    for span in doc.spans.get("kg_gazetteer", ()):
        out.append(
            resolve.Candidate(
                starts[span.start],
                ends[span.end - 1],
                "gaz",
                EntityType(span.label_),
                span.kb_id_,
            )
        )
    for start, end, label, source in doc._.kg_candidates or ():
        s, e = _trim(text, start, end)
        if e > s:
            out.append(resolve.Candidate(s, e, source, EntityType(label) if label else None))
    return out


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and not text[s].isalnum() and text[s] != "^":
        s += 1
    while e > s and text[e - 1] in " .,;:()[]\"'":
        e -= 1
    return s, e
