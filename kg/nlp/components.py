"""The kg spaCy components: thin factories; the algorithms live in plain modules.

A document is a paper's title and abstract joined by a blank line (see
:func:`kg.nlp.paper_text`); the title is the text before the first blank line.

=================  ==========================================================
component          reads -> writes
=================  ==========================================================
kg_sentencizer     text -> ``token.is_sent_start``
kg_gazetteer       tokens -> ``doc.spans["kg_gazetteer"]`` (label = type,
                   ``kb_id_`` = canonical name, ``id_`` = "gaz")
kg_abbreviations   text, sentences -> ``doc._.kg_abbreviations``
                   (``[long_start, long_end, short_start, short_end]`` chars)
kg_candidates      text, sentences, abbreviations -> ``doc._.kg_candidates``
                   (``[start, end, type or "", source rule]`` chars)
kg_entities        gazetteer + candidates + abbreviations ->
                   ``doc.ents`` and ``doc.spans["kg_entities"]`` (label = type, ``kb_id_`` = entity
                   key) and ``doc._.kg_entities`` (key -> name, type, mentions,
                   introduced, sources)
kg_relations       sentences, ``doc._.kg_entities`` -> ``doc._.kg_relations``
                   (list of dicts with group keys and char offsets)
=================  ==========================================================

Extension values are plain JSON-able data so docs survive ``Doc.to_bytes``
(multiprocessing) and ``DocBin``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from pathlib import Path

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.fsutil import write_bytes
from kg.nlp import (
    abbreviation,
    candidates,
    filters,
    frontmatter,
    known_types,
    lists,
    measures,
    parts,
    proposals,
    relations,
    resolve,
    titles,
)
from kg.nlp.offsets import OFFSETS_KEY, cands_from_doc, token_offsets
from kg.nlp.resources import DATA_DIR, DATA_FILES, Resources, fold_case, load_resources
from kg.nlp.sentences import sentence_bounds
from kg.nlp.tokenizer import TEXT_KEY
from kg.records import EntityType

for _name in ("kg_abbreviations", "kg_candidates", "kg_entities", "kg_relations"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

DATA_CONFIG = {"data_dir": None}
#: Types whose known names take a following size/version/year ("Llama 3 8B", "VOC 2012").
_VERSIONED = frozenset({EntityType.MODEL, EntityType.DATASET, EntityType.BENCHMARK})


def title_end(text: str) -> int:
    """Length of the title part of a kg document (0 when there is no blank line)."""
    pos = text.find("\n\n")
    return pos if pos >= 0 else 0


#: ``doc.user_data`` keys of the text and sentence bounds, computed once per doc
#: (``Doc.text`` is rebuilt from the tokens on every access; the text is kept
#: by :class:`kg.nlp.tokenizer.TextKeepingTokenizer` when the doc is made).
SENTS_KEY = "kg_sentences"


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once and kept in ``doc.user_data``."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.text
        doc.user_data[TEXT_KEY] = text
    return text


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Character bounds of the sentences, computed once and kept in ``doc.user_data``."""
    bounds = doc.user_data.get(SENTS_KEY)
    if bounds is None:
        if doc.has_annotation("SENT_START"):
            bounds = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            bounds = [(0, len(doc_text(doc)))] if len(doc) else []
        doc.user_data[SENTS_KEY] = bounds
    return [tuple(b) for b in bounds]


def _token_bounds(starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Token range covering characters ``[start, end)`` (``starts`` = token offsets)."""
    return bisect_right(starts, start) - 1, bisect_left(starts, end)


class Sentencizer:
    """Rule-based sentence starts (:mod:`kg.nlp.sentences`); writes ``token.is_sent_start``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        text = doc_text(doc)
        bounds = sentence_bounds(text)
        idx = doc.to_array("IDX")
        arr = numpy.full(len(doc), -1, dtype="int32")
        positions = numpy.searchsorted(idx, [s for s, _ in bounds])
        arr[positions[positions < len(doc)]] = 1
        arr[0] = 1
        doc.from_array([SENT_START], arr.reshape(-1, 1).astype("uint64"))
        doc.user_data[SENTS_KEY] = bounds
        return doc


class RuleComponent:
    """Base of the components that read ``kg/data``: the files are loaded once per
    process (:func:`~kg.nlp.resources.load_resources`) and saved with the pipeline,
    so ``nlp.to_disk`` + ``spacy.load`` keeps the very rules it was saved with."""

    def __init__(self, nlp: Language, name: str, data_dir: str | None):
        self.nlp = nlp
        self.name = name
        self.data_dir = data_dir
        self._setup(load_resources(data_dir))

    def _setup(self, res: Resources) -> None:
        """Build matchers and lookups from ``res`` (subclasses extend)."""
        self.res = res

    def pattern_maker(self):
        """``make_doc`` for matcher patterns: a twin of the pipeline's tokenizer (same
        rules, same vocab). spaCy's tokenizer caches at most ``max_cache_size`` (10,000)
        word chunks and then stops caching; the thousands of patterns would fill it before
        the first paper (tokenizing then ran 3x slower)."""
        tok = getattr(self.nlp.tokenizer, "tokenizer", self.nlp.tokenizer)
        if not isinstance(tok, Tokenizer):
            return self.nlp.make_doc
        return Tokenizer(
            self.nlp.vocab,
            rules=tok.rules,
            prefix_search=tok.prefix_search,
            suffix_search=tok.suffix_search,
            infix_finditer=tok.infix_finditer,
            token_match=tok.token_match,
            url_match=tok.url_match,
            faster_heuristics=tok.faster_heuristics,
        )

    def to_disk(self, path: str | Path, *, exclude=()) -> None:
        src = Path(self.data_dir) if self.data_dir else DATA_DIR
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        for name in DATA_FILES:
            write_bytes(out / name, (src / name).read_bytes())

    def from_disk(self, path: str | Path, *, exclude=()) -> RuleComponent:
        self.data_dir = str(path)
        self._setup(load_resources(self.data_dir))
        return self


def plural_variants(surfaces: tuple[str, ...]) -> list[str]:
    """The surfaces and the plurals of those ending in a lower-case word
    ("diffusion model" -> "diffusion models", "accuracy" -> "accuracies")."""
    out = list(surfaces)
    for s in surfaces:
        last = s.rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
        if len(last) < 4 or not last.isalpha() or not last.islower() or last.endswith("s"):
            continue
        plural = s[:-1] + "ies" if s.endswith("y") and s[-2] not in "aeiou" else s + "s"
        if plural not in out:
            out.append(plural)
    return out


def variant_bounds(
    text: str, start: int, end: int, prefixes: tuple[str, ...], parts: tuple[str, ...]
) -> tuple[int, int]:
    """A known name widened over a variant word of ``name_affixes.tsv`` (a "prefix"
    before it, a "part" after it, of its type): "Split CIFAR-100", "COCO Captions"."""
    for word in prefixes:
        if text.endswith(word + " ", 0, start):
            before = start - len(word) - 1
            if before == 0 or not text[before - 1].isalnum():
                start = before
                break
    for word in parts:
        if text.startswith(" " + word, end):
            after = end + len(word) + 1
            version = _PART_VERSION_RE.match(text, after)  # "Whisper large-v3"
            after = version.end() if version else after
            if after == len(text) or not (text[after].isalnum() or text[after] == "-"):
                end = after
                break
    return start, end


_PART_VERSION_RE = re.compile(r"-v\d+(?:\.\d+)?")
_ACRONYM_SURFACE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,4}s?$")


def _case_split_docs(make_doc, surfaces: list[str]) -> list[Doc]:
    """Pattern docs for a case-insensitive match: the tokenizer splits some words by case
    ("ImageNet-1K" -> "ImageNet-1", "K"; "ImageNet-1k" stays whole), so each surface is
    also tokenized lower- and upper-cased, and every distinct split is kept."""
    docs, seen = [], set()
    for surface in surfaces:
        for variant in (surface, surface.lower(), surface.upper()):
            doc = make_doc(variant)
            split = tuple(t.lower_ for t in doc)
            if split not in seen:
                seen.add(split)
                docs.append(doc)
    return docs


class Gazetteer(RuleComponent):
    """Known entities with a PhraseMatcher; writes ``doc.spans["kg_gazetteer"]``.

    Case-insensitive (``LOWER``) unless the entry is flagged ``cs``; a matched
    model name is extended over a following size/version ("Llama 3 8B").
    """

    def _setup(self, res: Resources) -> None:
        self.res = res
        self.variants = {
            t: tuple(
                tuple(w for k, w, wt in res.affixes if k == kind and wt is t)
                for kind in ("prefix", "part")
            )
            for t in EntityType
        }
        vocab, make_doc = self.nlp.vocab, self.pattern_maker()
        self.lower = PhraseMatcher(vocab, attr="LOWER")
        self.exact = PhraseMatcher(vocab, attr="ORTH")
        self.entries = {}
        for i, entry in enumerate(res.gazetteer):
            key = f"kg_gaz_{i}"
            self.entries[vocab.strings.add(key)] = entry
            surfaces = plural_variants(entry.surfaces)
            # A short capitalised acronym ("IS", "AP") is matched as written, never as a word.
            exact = [s for s in surfaces if entry.case_sensitive or _ACRONYM_SURFACE_RE.match(s)]
            lower = [s for s in surfaces if s not in exact]
            if exact:
                self.exact.add(key, [make_doc(s) for s in exact])
            if lower:
                self.lower.add(key, _case_split_docs(make_doc, lower))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        text = doc_text(doc)
        matches = [*self.lower(doc), *self.exact(doc)]
        starts, ends = token_offsets(doc) if matches else ([], [])
        known = {(starts[s], ends[e - 1]) for _, s, e in matches}
        for match_id, start, end in matches:
            entry = self.entries[match_id]
            canonical = entry.name
            end_char = ends[end - 1]
            if entry.type in _VERSIONED:
                longer = candidates.extend_with_size(text, end_char, known=True)
                if longer != end_char:  # "Llama 3 8B" is another model than "Llama 3"
                    end = bisect_left(starts, longer)
                    canonical = text[starts[start] : ends[end - 1]]
            variant = variant_bounds(
                text, starts[start], ends[end - 1], *self.variants.get(entry.type, ((), ()))
            )
            # "Split CIFAR-100", "COCO Captions"; an entry listing the longer name wins.
            if variant != (starts[start], ends[end - 1]) and variant not in known:
                start, end = bisect_left(starts, variant[0]), bisect_left(starts, variant[1])
                canonical = text[variant[0] : variant[1]]
            spans.append(
                Span(doc, start, end, label=entry.type.value, kb_id=canonical, span_id="gaz")
            )
        doc.spans["kg_gazetteer"] = spans
        return doc


class Abbreviations:
    """Schwartz & Hearst (2003) abbreviation definitions; writes ``doc._.kg_abbreviations``."""

    def __init__(self, nlp: Language, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        floors = [s for s, _ in _sentences(doc)]
        pairs = abbreviation.find_abbreviations(doc_text(doc), floors)
        doc._.kg_abbreviations = [list(p) for p in pairs]
        return doc


class Candidates(RuleComponent):
    """Name-shaped and listed words, head-noun phrases, cued names and abbreviation
    pairs; writes ``doc._.kg_candidates``."""

    def __init__(self, nlp: Language, name: str, data_dir: str | None, max_modifiers: int):
        self.max_modifiers = max_modifiers
        super().__init__(nlp, name, data_dir)

    def _setup(self, res: Resources) -> None:
        self.res = res
        self.head_re = candidates.head_regex(res.heads)
        make_doc = self.pattern_maker()
        self.head_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.head_ids = {}
        for head in res.heads:
            self.head_ids[self.nlp.vocab.strings.add(f"kg_head_{head}")] = head
            self.head_matcher.add(f"kg_head_{head}", [make_doc(head)])
        self.named_re = res.trigger_regex("named", folded=True)
        self.part_res = tuple(res.trigger_regex(k, folded=True) for k in ("part", "part-after"))
        self.title_res = tuple(
            res.trigger_regex(k) for k in ("title-head", "title-whole", "title-tail")
        )
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.phrase_types = {}
        for phrase, etype in res.phrases.items():
            key = f"kg_phrase_{phrase}"
            self.phrase_types[self.nlp.vocab.strings.add(key)] = etype
            self.phrase_matcher.add(key, [make_doc(v) for v in plural_variants((phrase,))])

    def _head_hits(self, doc: Doc) -> list[tuple[int, int, str]]:
        matches = self.head_matcher(doc)
        starts, ends = token_offsets(doc) if matches else ([], [])
        return [(starts[s], ends[e - 1], self.head_ids[mid]) for mid, s, e in matches]

    def __call__(self, doc: Doc) -> Doc:
        text, r = doc_text(doc), self.res
        floors = [s for s, _ in _sentences(doc)]
        found: list[tuple[int, int, str, str]] = []
        t_end = title_end(text)
        names = candidates.name_spans(text)
        if titles.shouted(text, t_end):  # "LLAMA-OMNI: SEAMLESS SPEECH INTERACTION"
            prefix = titles.title_prefix_end(text, t_end)
            names = [(s, e) for s, e in names if s >= t_end or e <= prefix]
        for s, e in names:
            found.append((s, e, "", "shape"))
        for s, e in lists.listed_names(text, names, t_end):
            found.append((s, e, "", "listed"))
        for s, e in lists.evaluation_lists(text, t_end):
            found.append((s, e, "", "listed"))
        for s, e, etype in lists.such_as_lists(text, r.cue_nouns, r.stop_terms, t_end):
            found.append((s, e, etype.value, "cue-list"))
        for s, e in lists.capitalised_names(text, r.common_words, r.stop_terms, t_end, r.languages):
            found.append((s, e, "", "capitalised"))
        hits = self._head_hits(doc)
        mods = (r.modifier_stops, floors, hits, self.max_modifiers, r.metric_modifiers, t_end)
        for s, e, etype in candidates.head_phrases(text, r.heads, *mods):
            found.append((s, e, etype.value, "head"))
        matches = self.phrase_matcher(doc)
        if matches:
            starts, ends = token_offsets(doc)
            for mid, ts, te in matches:
                found.append((starts[ts], ends[te - 1], self.phrase_types[mid].value, "lex"))
        low = fold_case(text)
        found += measures.slot_candidates(doc, text, low, t_end, r, found)
        for s, e in parts.own_parts(
            text, low, t_end, self.part_res, r.part_heads, r.part_skips, r.modifier_stops, r.heads
        ):
            found.append((s, e, EntityType.METHOD.value, "own-part"))
        cued = candidates.cued_names(
            text, self.named_re, t_end, r.cue_nouns, low, r.verb_forms, r.heads
        )
        cued += titles.title_names(
            text, t_end, *self.title_res, self.res.heads, self.res.verb_forms, self.res.cue_nouns
        )
        cued += titles.title_methods(text, t_end, r.heads, r.part_heads, r.verb_forms)
        for s, e, rule, etype in cued:
            found.append((s, e, etype.value if etype else "", rule))
        descriptive = set()
        for ls, le, ss, se in doc._.kg_abbreviations or ():
            head = self.head_re.search(text, ls, le)
            etype = (
                self.res.heads[head.group().lower()][0].value if head and head.end() == le else ""
            )
            if not etype and candidates.is_descriptive(text[ls:le]):
                descriptive.add(text[ss:se])  # "long-tailed (LT)": not a thing's name
                continue
            found.append((ls, le, etype, "abbr-long"))
            found.append((ss, se, "", "abbr-short"))
        if descriptive:
            found = [f for f in found if f[3] != "shape" or text[f[0] : f[1]] not in descriptive]
        # Plain offsets, not Spans: candidates overlap and are many, and exact
        # character offsets survive tokens that split a name differently.
        doc._.kg_candidates = [[s, e, label, source] for s, e, label, source in found]
        return doc


class Entities(RuleComponent):
    """Resolve candidates into the paper's entities (:mod:`kg.nlp.resolve`), then the
    learned keep/type step unless ``learned`` is off (:mod:`kg.nlp.entity_model`);
    writes ``doc.ents``, ``doc.spans["kg_entities"]`` and ``doc._.kg_entities``."""

    def __init__(self, nlp: Language, name: str, data_dir: str | None, learned: bool = True):
        self.learned = learned
        super().__init__(nlp, name, data_dir)

    def _setup(self, res: Resources) -> None:
        self.res = res
        self.gaz_keys = resolve.gazetteer_keys(res)
        self.known_types = known_types.known_types(res.gazetteer)
        self.generic_tails = frozenset(h for h, (_, drop) in res.part_heads.items() if drop)
        self.metric_heads = frozenset(
            h for h, (t, _) in res.heads.items() if t is EntityType.METRIC
        )

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        t_end = title_end(text)
        sents = _sentences(doc)
        offsets = token_offsets(doc) if len(doc) else ([], [])
        pairs = [tuple(p) for p in doc._.kg_abbreviations or ()]
        cands = filters.drop_stops(
            text, cands_from_doc(doc, text, offsets), self.res.stop_terms, pairs
        )
        cut = frontmatter.front_matter_start(text, t_end)  # people, places: no names there
        cands = [c for c in cands if c.start < cut or c.source in ("gaz", "lex", "head")]
        cands = filters.prefer_known_inner(text, cands, self.res.technical_modifiers)
        cands = filters.drop_generic_tails(text, cands, self.generic_tails)
        kept = resolve.select_spans(cands + resolve.find_repeats(text, cands))
        kept = resolve.merge_metric_names(text, kept, self.metric_heads)
        groups = resolve.group_mentions(text, kept, pairs, self.gaz_keys)
        mentions = resolve.mention_table(groups)
        title_spans = frozenset((c.start, c.end) for c in cands if c.source == "title-head")
        introduced = proposals.find_introduced(
            text, t_end, sents, mentions, groups, self.res, title_spans
        )
        # Variants of a proposal ("X-base") are typed on their own evidence.
        own = {k for k, (rule, _) in introduced.items() if rule != "variant"}
        resolve.type_groups(text, t_end, groups, self.res, own)
        known_types.choose_known_types(text, groups, self.known_types, self.res.cue_nouns)
        for key in introduced.keys() - own:
            groups[key].introduced = True
        groups = {  # a title's shape names only what the paper proposes
            k: g for k, g in groups.items() if g.sources != {"title-head"} or g.introduced
        }
        rules = {k: rule for k, (rule, _) in introduced.items()} if self.learned else None
        groups = filters.drop_weak_groups(text, t_end, sents, groups, self.res, rules)
        info, spans = {}, []
        starts = offsets[0]
        for key, g in groups.items():
            rule, sent = introduced.get(key, ("", (0, 0)))
            info[key] = {
                "name": g.name,
                "type": g.type.value,
                "mentions": [list(m) for m in sorted(g.mentions)],
                "introduced": g.introduced,
                "introduced_rule": rule,
                "introduced_sentence": list(sent),
                "sources": sorted(g.sources),
            }
            for s, e in g.mentions:
                ts, te = _token_bounds(starts, s, e)
                if te > ts:
                    spans.append(Span(doc, ts, te, label=g.type.value, kb_id=key))
        doc.user_data.pop(OFFSETS_KEY, None)  # the last reader; keep serialised docs small
        doc._.kg_entities = info
        doc.spans["kg_entities"] = sorted(spans, key=lambda sp: (sp.start, sp.end))
        doc.ents = filter_spans(spans)  # what spaCy users and displaCy read
        return doc


def groups_from_doc(doc: Doc) -> dict[str, resolve.Group]:
    """Rebuild :class:`~kg.nlp.resolve.Group` objects from ``doc._.kg_entities``."""
    groups = {}
    for key, d in (doc._.kg_entities or {}).items():
        groups[key] = resolve.Group(
            key=key,
            mentions=[tuple(m) for m in d["mentions"]],
            type=EntityType(d["type"]),
            name=d["name"],
            introduced=d["introduced"],
            sources=set(d["sources"]),
        )
    return groups


class Relations(RuleComponent):
    """Sentence-level relation rules (:mod:`kg.nlp.relations`); writes ``doc._.kg_relations``."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        groups = groups_from_doc(doc)
        mentions = resolve.mention_table(groups)
        introduced = {
            k: (d["introduced_rule"], tuple(d["introduced_sentence"]))
            for k, d in (doc._.kg_entities or {}).items()
            if d["introduced"]
        }
        rels = relations.find_relations(
            text, _sentences(doc), mentions, groups, introduced, self.res, title_end(text)
        )
        doc._.kg_relations = [
            {
                "type": r.type.value,
                "head": r.head,
                "tail": r.tail,
                "sentence": list(r.sentence),
                "rule": r.rule,
                "confidence": r.confidence,
                "value": r.value,
                "metric": r.metric,
            }
            for r in rels
        ]
        return doc


@Language.factory("kg_sentencizer", assigns=["token.is_sent_start"])
def make_sentencizer(nlp: Language, name: str) -> Sentencizer:
    return Sentencizer(nlp, name)


@Language.factory("kg_gazetteer", default_config=DATA_CONFIG, assigns=["doc.spans"])
def make_gazetteer(nlp: Language, name: str, data_dir: str | None) -> Gazetteer:
    return Gazetteer(nlp, name, data_dir)


@Language.factory("kg_abbreviations", assigns=["doc._.kg_abbreviations"])
def make_abbreviations(nlp: Language, name: str) -> Abbreviations:
    return Abbreviations(nlp, name)


@Language.factory(
    "kg_candidates",
    default_config={"data_dir": None, "max_modifiers": 3},
    assigns=["doc._.kg_candidates"],
)
def make_candidates(nlp: Language, name: str, data_dir: str | None, max_modifiers: int):
    return Candidates(nlp, name, data_dir, max_modifiers)


@Language.factory(
    "kg_entities",
    default_config={**DATA_CONFIG, "learned": True},
    assigns=["doc.ents", "doc.spans", "doc._.kg_entities"],
)
def make_entities(nlp: Language, name: str, data_dir: str | None, learned: bool) -> Entities:
    return Entities(nlp, name, data_dir, learned)


@Language.factory("kg_relations", default_config=DATA_CONFIG, assigns=["doc._.kg_relations"])
def make_relations(nlp: Language, name: str, data_dir: str | None) -> Relations:
    return Relations(nlp, name, data_dir)
