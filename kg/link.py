"""Normalisation of names and cross-paper entity identity.

Extraction yields entities with local names and no id; :class:`Linker` gives
each one a stable, readable graph node id (``model:gpt-4o``) so that the same
thing named in different papers, or spelled differently (case, hyphens,
spacing, Unicode, LaTeX escapes, plurals, acronym or long form) becomes one
node, while different versions (GPT-4 / GPT-4o, SEED-Bench / SEED-Bench-2)
stay apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace

from kg.records import EntityType, Extraction

# LaTeX accent escapes seen in arXiv abstracts: Fr\'echet, G\"odel, \`a, \^o, \~n, \c{c}.
_LATEX_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    '"': "\u0308",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
}
_LATEX_RE = re.compile(r"\\([`'\"^~=.]|[uvHc](?=[{ ]))\s*\{?\s*([A-Za-z])\s*\}?")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032`"), "'")
_QUOTES.update(dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'))
_ARTICLE_RE = re.compile(r"^(the|a|an)\s+", re.I)
_SEP_RE = re.compile(r"[\s_\-\u00b7/]+")
_SLUG_BAD_RE = re.compile(r"[^\w.+^@-]+", re.UNICODE)
_PLURAL_EXCEPTIONS = (
    "ss",
    "us",
    "is",
    "ics",
    "series",
    "species",
    "bias",
    "atlas",
    "lens",
    "news",
    "gaussian",
)


def unlatex(text: str) -> str:
    """Resolve LaTeX accent escapes: ``Fr\\'echet`` -> ``Fréchet``."""
    if "\\" not in text:
        return text
    out = _LATEX_RE.sub(lambda m: m.group(2) + _LATEX_ACCENTS[m.group(1)], text)
    return unicodedata.normalize("NFC", out)


def clean_text(text: str) -> str:
    """Unicode-normalise a surface form: NFKC, LaTeX escapes, ASCII dashes and quotes, spaces."""
    text = unicodedata.normalize("NFKC", unlatex(text))
    text = text.translate(_DASHES).translate(_QUOTES)
    return " ".join(text.split())


def _singular(word: str, multiword: bool) -> str:
    """Strip a plural ``s`` from the last word of a name where that is safe.

    Lower-case words (``graphs`` -> ``graph``, ``strategies`` -> ``strategy``),
    title-case words ending a phrase (``Knowledge Graphs``) and acronyms with a
    lower-case s (``LLMs`` -> ``LLM``, ``KGs`` -> ``KG``). A lone capitalised
    word is a proper name (``Atlas``) and is left alone.
    """
    if len(word) > 3 and word.isalpha() and (word.islower() or (multiword and word.istitle())):
        low = word.lower()
        if low.endswith("ies") and len(low) > 4:
            return word[:-3] + "y"
        if low.endswith("s") and not low.endswith(_PLURAL_EXCEPTIONS):
            return word[:-1]
        return word
    if len(word) >= 3 and word.endswith("s") and word[:-1].isupper() and word[:-1].isalnum():
        return word[:-1]
    return word


def normalize_name(name: str) -> str:
    """The display-independent form of a name: case, spacing, dashes, Unicode,
    LaTeX escapes, a leading article and a final plural ignored.

    >>> normalize_name("The  Knowledge-Graphs")
    'knowledge-graph'
    >>> normalize_name("Fr\\\\'echet mean")
    'fréchet mean'
    """
    text = clean_text(name)
    text = _ARTICLE_RE.sub("", text)
    text = text.strip(" .,;:'\"()[]{}")
    words = text.split(" ")
    if words and words[-1]:
        last = words[-1]
        parts = last.rsplit("-", 1)
        parts[-1] = _singular(parts[-1], len(words) > 1 or len(parts) > 1)
        words[-1] = "-".join(parts)
    return " ".join(words).casefold()


def link_key(name: str) -> str:
    """The key under which names are the same entity: :func:`normalize_name`
    with spaces, hyphens and underscores removed (``Llama 2`` == ``Llama-2``,
    ``SEED-Bench`` != ``SEED-Bench-2``)."""
    return _SEP_RE.sub("", normalize_name(name))


def slugify(text: str, max_len: int = 80) -> str:
    """A readable, IRI- and URL-safe slug: ``GPT-4o`` -> ``gpt-4o``.

    Unicode letters are kept (``γ-mod``); anything else that is not a word
    character, ``.``, ``+``, ``^`` or ``@`` becomes ``-``. Never empty.
    """
    text = _ARTICLE_RE.sub("", clean_text(text)).casefold()
    slug = _SLUG_BAD_RE.sub("-", _SEP_RE.sub("-", text)).strip("-.")
    slug = re.sub(r"-{2,}", "-", slug)[:max_len].strip("-.")
    return slug or "x"


def entity_id(etype: EntityType, name: str) -> str:
    """The node id an entity of this type and name gets when first seen."""
    return f"{etype.value.lower()}:{slugify(name)}"


def _is_linkable_alias(alias: str) -> bool:
    """Whether an alias is specific enough to merge entities across papers.

    Short bare acronyms (``SR``, ``MLC``) mean different things in different
    papers, so they only link through an entity's name, not as aliases.
    """
    key = link_key(alias)
    return len(key) >= 5 or " " in alias.strip()


class Linker:
    """Assigns cross-paper node ids. Feed it extractions in input order.

    The first name seen for a (type, key) mints the id; later entities whose
    name, or a specific alias, has the same key get the same id. The registry
    only grows, so feeding the same extractions in the same order always gives
    the same ids, and an incremental build equals a full rebuild.

    The link key of each surface form is cached (the same names recur in
    paper after paper; normalising them is most of the cost of linking); the
    cache is emptied when it holds ``cache_size`` names, and ``cache_size=0``
    turns it off. Ids never depend on it.
    """

    def __init__(self, cache_size: int = 1_000_000) -> None:
        self._ids: dict[tuple[EntityType, str], str] = {}
        self._taken: set[str] = set()
        self._keys: dict[str, str] = {}
        self._cache_size = cache_size

    def _key(self, text: str) -> str:
        key = self._keys.get(text)
        if key is None:
            key = link_key(text)
            if self._cache_size:
                if len(self._keys) >= self._cache_size:
                    self._keys.clear()
                self._keys[text] = key
        return key

    def _mint(self, etype: EntityType, name: str) -> str:
        base = entity_id(etype, name)
        candidate, n = base, 2
        while candidate in self._taken:
            candidate, n = f"{base}-{n}", n + 1
        self._taken.add(candidate)
        return candidate

    def id_for(self, etype: EntityType, name: str, aliases: Iterable[str] = ()) -> str:
        """Return (and remember) the node id for an entity."""
        keys = [self._key(name)]
        for alias in aliases:
            key = self._key(alias)
            if len(key) >= 5 or " " in alias.strip():  # _is_linkable_alias, with the cached key
                keys.append(key)
        keys = [k for k in keys if k]
        found = next((self._ids[(etype, k)] for k in keys if (etype, k) in self._ids), None)
        node_id = found or self._mint(etype, name)
        for k in keys:
            self._ids.setdefault((etype, k), node_id)
        return node_id

    def link(self, extraction: Extraction) -> Extraction:
        """Return the extraction with every entity's ``id`` filled in."""
        entities = tuple(
            replace(e, id=self.id_for(e.type, e.name, e.aliases)) for e in extraction.entities
        )
        return replace(extraction, entities=entities)

    def link_all(self, extractions: Iterable[Extraction]) -> Iterator[Extraction]:
        for ex in extractions:
            yield self.link(ex)
