"""The kg spaCy pipeline: rule components over a blank English pipeline.

:func:`build_nlp` is the one entry point; the components are registered
(``kg_`` factories) when this package is imported, and also through the
``spacy_factories`` entry points of the installed package, so ``spacy.load``
of a saved kg pipeline works (the rule files are saved with it).

One document per paper: title, blank line, abstract (:func:`paper_text`).
The components, in order (what each reads and writes is in
:mod:`kg.nlp.components`):

``kg_sentencizer``   rule-based sentences (:mod:`kg.nlp.sentences`)
``kg_gazetteer``     known entities, PhraseMatcher over ``data/gazetteer.tsv``
``kg_abbreviations`` "long form (SHORT)", Schwartz & Hearst 2003 (:mod:`kg.nlp.abbreviation`)
``kg_candidates``    name shapes, head-noun phrases, cued names (:mod:`kg.nlp.candidates`)
``kg_entities``      overlap, identity and typing (:mod:`kg.nlp.resolve`), proposals
``kg_relations``     sentence-level relation rules (:mod:`kg.nlp.relations`)

The tokenizer is spaCy's, wrapped to keep each document's text
(:mod:`kg.nlp.tokenizer`), which every component reads.

Every vocabulary and cue pattern is a data file in ``kg/data`` read by
:mod:`kg.nlp.resources` (validated, ``file:line`` errors). To change what is
found, edit those files: add a known name to ``gazetteer.tsv``, a generic
term to ``stop_terms.txt``, a head noun to ``heads.tsv``, a cue regex to
``triggers.jsonl``. :mod:`kg.extract` turns the processed documents into
:class:`~kg.records.Extraction` records; no spaCy object leaves it.
"""

from __future__ import annotations

import spacy
from spacy.language import Language

from kg.errors import KgError
from kg.nlp import components as components  # registers the kg_ factories
from kg.nlp.tokenizer import TextKeepingTokenizer

#: The kg components, in pipeline order.
PIPE_NAMES = (
    "kg_sentencizer",
    "kg_gazetteer",
    "kg_abbreviations",
    "kg_candidates",
    "kg_entities",
    "kg_relations",
)
TITLE_SEPARATOR = "\n\n"


def paper_text(title: str, abstract: str) -> str:
    """The document text of one paper: title, a blank line, abstract.

    Newlines inside the title become spaces (same length, so offsets hold).
    """
    return title.replace("\n", " ").replace("\r", " ") + TITLE_SEPARATOR + abstract


def build_nlp(
    spacy_model: str | None = None, data_dir: str | None = None, learned: bool = True
) -> Language:
    """Build the kg pipeline.

    Parameters
    ----------
    spacy_model
        Name of an installed spaCy pipeline whose tagger/parser to keep under
        the kg components; ``None`` (default) starts from ``spacy.blank("en")``.
        Nothing is ever downloaded.
    data_dir
        Folder with the rule and vocabulary files; ``None`` = the bundled ``kg/data``.
    learned
        Whether the learned keep/type step follows the entity rules
        (:mod:`kg.nlp.entity_model`); off, the pipeline is the rules alone.

    Returns
    -------
    spacy.Language
    """
    if spacy_model:
        if not spacy.util.is_package(spacy_model):
            raise KgError(
                f"spaCy pipeline {spacy_model!r} is not installed; install it with pip "
                "or leave out --spacy-model to use the built-in rules only"
            )
        nlp = spacy.load(spacy_model, exclude=["ner", "entity_ruler", "span_ruler", "textcat"])
    else:
        nlp = spacy.blank("en")
    _split_final_period(nlp)
    if not isinstance(nlp.tokenizer, TextKeepingTokenizer):
        nlp.tokenizer = TextKeepingTokenizer(nlp.tokenizer)
    config = {"data_dir": data_dir}
    has_sents = any(name in nlp.pipe_names for name in ("parser", "senter", "sentencizer"))
    for name in PIPE_NAMES:
        if name == "kg_sentencizer":
            if not has_sents:
                nlp.add_pipe(name)
        elif name == "kg_abbreviations":
            nlp.add_pipe(name)
        elif name == "kg_entities":
            nlp.add_pipe(name, config={**config, "learned": learned})
        else:
            nlp.add_pipe(name, config=config)
    return nlp


#: A sentence-final period after a capital or digit is its own token ("ImageNet-1K." ->
#: "ImageNet-1K", "."), so names end where the name ends (spaCy keeps "1K." whole).
_FINAL_PERIOD_SUFFIX = r"(?<=[A-Z0-9])\."


def _split_final_period(nlp: Language) -> None:
    """Add :data:`_FINAL_PERIOD_SUFFIX` to the tokenizer's suffix rules (once)."""
    suffixes = list(nlp.Defaults.suffixes or ())
    if _FINAL_PERIOD_SUFFIX not in suffixes:
        suffixes.append(_FINAL_PERIOD_SUFFIX)
    nlp.tokenizer.suffix_search = spacy.util.compile_suffix_regex(suffixes).search
