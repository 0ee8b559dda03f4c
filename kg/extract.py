"""Papers -> :class:`~kg.records.Extraction` records: the only place spaCy
objects become kg records.

Each paper becomes one document (title, blank line, abstract; see
:func:`kg.nlp.paper_text`); the pipeline is run with ``nlp.pipe`` in batches
and mention offsets are mapped back to the field they fall in, so
``paper.field_text(m.field)[m.start:m.end] == m.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from kg.nlp import paper_text
from kg.records import (
    PAPER_HEAD,
    Entity,
    EntityType,
    Extraction,
    Mention,
    Paper,
    Relation,
    RelationType,
)

#: A run of this many non-space characters is not prose (and spaCy's tokenizer is
#: quadratic on long punctuation runs such as "((((...").
_LONG_RUN_RE = re.compile(r"\S{1000}")
_SIMPLE_TOKEN_RE = re.compile(r"\w{1,100}|[^\w\s]|\s+")


def safe_make_doc(nlp, text: str):
    """``nlp.make_doc(text)``, or for text with a pathological run of non-space
    characters a Doc from a simple linear tokenisation (same text, same offsets)."""
    if not _LONG_RUN_RE.search(text):
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    words: list[str] = []
    spaces: list[bool] = []
    for m in _SIMPLE_TOKEN_RE.finditer(text):
        tok = m.group()
        if tok == " " and words and not spaces[-1] and not words[-1].isspace():
            spaces[-1] = True
            continue
        words.append(tok)
        spaces.append(False)
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _mention(paper: Paper, start: int, end: int) -> Mention | None:
    """Map document offsets to a title or abstract mention (None if it straddles both)."""
    t_len = len(paper.title)
    if end <= t_len:
        return Mention(paper.title[start:end], "title", start, end)
    a_off = t_len + 2
    if start >= a_off:
        s, e = start - a_off, end - a_off
        return Mention(paper.abstract[s:e], "abstract", s, e)
    return None


def doc_to_extraction(paper: Paper, doc) -> Extraction:
    """Turn one processed document into an :class:`Extraction` (entities with
    ``id=""``, to be filled by :class:`kg.link.Linker`)."""
    info = doc._.kg_entities or {}
    entities, names = [], {}
    ordered = sorted(info.items(), key=lambda kv: (kv[1]["mentions"][0], kv[0]))
    for key, d in ordered:
        mentions = [m for m in (_mention(paper, s, e) for s, e in d["mentions"]) if m]
        if not mentions:
            continue
        aliases = tuple(dict.fromkeys(m.text for m in mentions))
        names[key] = d["name"]
        entities.append(
            Entity(
                id="",
                name=d["name"],
                type=EntityType(d["type"]),
                mentions=tuple(mentions),
                aliases=aliases,
                introduced=bool(d["introduced"]),
            )
        )
    rels = []
    text = paper_text(paper.title, paper.abstract)
    for r in doc._.kg_relations or ():
        if r["tail"] not in names or (r["head"] != PAPER_HEAD and r["head"] not in names):
            continue
        s, e = r["sentence"]
        rels.append(
            Relation(
                type=RelationType(r["type"]),
                head=PAPER_HEAD if r["head"] == PAPER_HEAD else names[r["head"]],
                tail=names[r["tail"]],
                evidence=" ".join(text[s:e].split()),
                rule=r["rule"],
                confidence=r["confidence"],
                value=r.get("value"),
                metric=r.get("metric"),
            )
        )
    return Extraction(paper=paper, entities=tuple(entities), relations=tuple(rels))


def extract_papers(
    papers: Iterable[Paper], nlp=None, batch_size: int = 64, n_process: int = 1
) -> Iterator[Extraction]:
    """Extract entities and relations from papers, streaming, in input order.

    Parameters
    ----------
    papers
        Any iterable of :class:`~kg.records.Paper`; consumed lazily.
    nlp
        A pipeline from :func:`kg.nlp.build_nlp`; built on first use when ``None``.
    batch_size
        Documents per ``nlp.pipe`` batch.
    n_process
        Worker processes for ``nlp.pipe``; the output is identical for any value.

    Yields
    ------
    Extraction
        One per paper, in input order.
    """
    from kg.nlp import build_nlp
    from kg.nlp.components import TEXT_KEY

    if nlp is None:
        nlp = build_nlp()

    def make_doc(paper: Paper):
        text = paper_text(paper.title, paper.abstract)
        doc = safe_make_doc(nlp, text)
        doc.user_data[TEXT_KEY] = text  # saves rebuilding it from the tokens
        return doc, paper

    stream = (make_doc(p) for p in papers)
    for doc, paper in nlp.pipe(stream, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield doc_to_extraction(paper, doc)
