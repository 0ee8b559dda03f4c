"""Filters between candidates and entities (plain functions).

Run by the ``kg_entities`` component around :mod:`kg.nlp.resolve`:
:func:`drop_stops` removes generic names (``stop_terms.txt``; guideline rule 4, A1,
A2) before spans are selected; :func:`prefer_known_inner` lets a known phrase win over
a descriptive one around it, :func:`drop_generic_tails` over itself plus "mechanism";
after typing, :func:`drop_unsupported_capitalised`, :func:`drop_unreported_metrics` and
:func:`drop_passing_phrases` drop what the text does not support as an entity.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from kg.nlp.entity_model import apply_model
from kg.nlp.lists import RESULT_VERB_AFTER_RE
from kg.nlp.resolve import W_DEFAULT, Candidate, Group, normalize_name
from kg.nlp.resources import Resources, fold_case
from kg.records import EntityType


def drop_unsupported_capitalised(text: str, groups: dict[str, Group]) -> dict[str, Group]:
    """Drop names found only as a capitalised uncommon word (:func:`capitalised_names`)
    that the paper mentions once and nothing in its context supports: no cue noun,
    apposition, evaluation context or spelling (only the default vote), and no result or
    comparison verb after it ("Loki outperforms", "Loki achieves") or comparison before
    it ("than Loki")."""

    def unsupported(g: Group) -> bool:
        s, e = g.mentions[0]
        return (
            g.sources <= {"capitalised", "repeat"}
            and len(g.mentions) == 1
            and not g.introduced
            and sum(g.votes.values()) <= W_DEFAULT
            and not RESULT_VERB_AFTER_RE.match(text, e)
            and not _COMPARED_BEFORE_RE.search(text, max(0, s - 20), s)
        )

    return {k: g for k, g in groups.items() if not unsupported(g)}


_COMPARED_BEFORE_RE = re.compile(r"\b(?:than|over|outperforms?|surpass(?:es)?|beats?)\s+$")


def drop_unreported_metrics(
    text: str, sentences: list[tuple[int, int]], groups: dict[str, Group], eval_re: re.Pattern
) -> dict[str, Group]:
    """Keep a METRIC only where a result is reported with it: one of its sentences
    has a number or an evaluation cue ("maintain accuracy", "latency overhead" are
    not evaluation measures in use)."""
    starts = [s for s, _ in sentences]

    def reported(s: int) -> bool:
        i = max(0, bisect_right(starts, s) - 1)
        lo, hi = sentences[i] if sentences else (0, len(text))
        return bool(_DIGIT_RE.search(text, lo, hi) or eval_re.search(text, lo, hi))

    return {
        k: g
        for k, g in groups.items()
        if g.type is not EntityType.METRIC
        or g.introduced
        or any(reported(s) for s, _ in g.mentions)
    }


_DIM_RE = re.compile(r"^\d+d$")


def prefer_known_inner(
    text: str, cands: list[Candidate], technical: frozenset[str]
) -> list[Candidate]:
    """Drop a head-noun phrase whose extra leading words, before a known phrase it ends
    with (gazetteer or lexicon), are not technical ("linear probe image classification" ->
    "image classification"; "convolutional neural network" stays when nothing inside is
    known). Lower-case abstract text only: the title capitalises every word."""
    known_ends: dict[int, list[int]] = {}
    for c in cands:
        if c.source in ("gaz", "lex"):
            known_ends.setdefault(c.end, []).append(c.start)
    out = []
    for c in cands:
        if (
            c.source == "head"
            and c.etype is not EntityType.METRIC  # "top-10 accuracy": metric_modifiers.txt
            and c.end in known_ends
            and text[c.start].islower()
        ):
            inner = min((s for s in known_ends[c.end] if s > c.start), default=None)
            if inner is not None:
                extra = text[c.start : inner].lower().split()
                # a hyphenated qualifier ("open-vocabulary", "zero-shot") or a dimension
                # ("3D") is specific enough to stay
                if not all(w in technical or "-" in w or _DIM_RE.match(w) for w in extra):
                    continue
        out.append(c)
    return out


def drop_generic_tails(
    text: str, cands: list[Candidate], generic: frozenset[str]
) -> list[Candidate]:
    """Drop a phrase that is a known name or the paper's own part plus a generic noun the
    name leaves out (``generic``: "mechanism", "architecture" ...): "self-attention
    mechanism" is self-attention, "a cross-modal retrieval mechanism" names "cross-modal
    retrieval" (guideline rule 3, the shortest span that is still the name)."""
    named = {}  # end -> the earliest start of a known name or own part ending there
    for c in cands:
        if c.source in ("gaz", "own-part"):
            named[c.end] = min(c.start, named.get(c.end, c.start))
    if not named:
        return cands

    def tail(c: Candidate) -> bool:
        if c.source not in ("head", "lex", "gaz"):
            return False
        head = text[c.start : c.end].rsplit(None, 1)
        if len(head) != 2 or head[1].lower().rstrip("s") not in generic:
            return False
        # "the self-attention mechanism": "attention mechanism" goes too, even if known
        start = named.get(c.start + len(head[0]), c.end)
        return start < c.start or (start == c.start and c.source != "gaz")

    return [c for c in cands if not tail(c)]


def drop_passing_phrases(
    text: str,
    title_end: int,
    groups: dict[str, Group],
    technical: frozenset[str],
    weak_heads: frozenset[str] = frozenset(),
) -> dict[str, Group]:
    """Drop technique/task phrases mentioned only in passing that describe rather than
    name: found by a head noun alone (no gazetteer entry, lexicon phrase, abbreviation or
    name), lower case, once, not in the title, not proposed by the paper, and with a
    modifier that SciREX's technique and task names do not use (``technical``, from
    ``scirex_modifiers.txt``): "beam search" and "legal text classification" stay,
    "successful matching" goes. With a head of ``weak_heads`` ("complex reasoning")
    such a phrase goes whatever its modifiers."""

    def passing(g: Group) -> bool:
        if g.type not in (EntityType.TASK, EntityType.METHOD) or g.introduced:
            return False
        if not g.sources <= {"head", "repeat"} or len(g.mentions) != 1:
            return False
        s, e = g.mentions[0]
        if s <= title_end or not text[s].islower():
            return False
        words = text[s:e].lower().split()
        modifiers = words[:-1]
        if words and words[-1] in weak_heads:
            return True
        return not all(
            w in technical or all(_technical_part(p, technical) for p in w.split("-"))
            for w in modifiers
        )

    return {k: g for k, g in groups.items() if not passing(g)}


_DIGIT_RE = re.compile(r"\d")
_COMPOUND_GLUE = frozenset({"to", "of", "and", "the", "in", "on", "for"})


def _technical_part(part: str, technical: frozenset[str]) -> bool:
    """A part of a hyphenated modifier that SciREX names use, a dimension ("3d") or the
    glue of a compound ("text-to-3d")."""
    return part in technical or part in _COMPOUND_GLUE or bool(_DIM_RE.match(part))


_PLAIN_WORD_RE = re.compile(r"^[A-Za-z][a-z]+$")
#: Last words of generic model classes: a plain word before one stays generic
#: ("multilingual large language models"); not so for fields ("... machine learning").
_CLASS_NOUNS = ("model", "network", "transformer", "llm", "mllm", "vlm")
_YEAR_TAIL_RE = re.compile(r"[\s'-]+(?:19|20)?\d\d$")  # "NeurIPS 2023", "ICLR'24"


@lru_cache(maxsize=1 << 16)
def is_generic(name: str, stop_terms: frozenset[str]) -> bool:
    """A stop term, or a plain word joined to one ("Video-LLMs", "image-LLM")."""
    # As written and lower-cased: stop_terms.txt is lower case, and plural stripping
    # depends on case ("NeurIPS" must meet "neurips", "GPUs" must meet "gpu").
    bare = _YEAR_TAIL_RE.sub("", name)
    if any(normalize_name(n) in stop_terms for n in (name, name.lower(), bare, bare.lower())):
        return True
    norm = normalize_name(name)
    words = norm.split(" ")
    plain = all(_PLAIN_WORD_RE.match(p) for p in name.split(" ")[0].split("-"))
    for i in range(1, len(words) - 1):  # "multilingual large language models"
        tail = " ".join(words[i:])
        if plain and tail in stop_terms and tail.endswith(_CLASS_NOUNS):
            return True
    parts = name.split("-")
    return (
        len(parts) > 1
        and normalize_name(parts[-1].lower()) in stop_terms
        and all(_PLAIN_WORD_RE.match(p) for p in parts[:-1])
    )


def drop_stops(
    text: str,
    cands: list[Candidate],
    stop_terms: frozenset[str],
    pairs: list[tuple[int, int, int, int]] = (),
) -> list[Candidate]:
    """Remove generic names (never gazetteer entries), and the abbreviations of
    generic long forms ("masked language models (MLMs)")."""
    generic = {text[ss:se] for ls, le, ss, se in pairs if is_generic(text[ls:le], stop_terms)}
    return [
        c
        for c in cands
        if c.source == "gaz"
        or not (is_generic(text[c.start : c.end], stop_terms) or text[c.start : c.end] in generic)
    ]


def drop_title_task_variants(
    text: str, title_end: int, groups: dict[str, Group]
) -> dict[str, Group]:
    """Drop a task only the title names whose last words are a task the abstract names:
    "Distant Supervision Relation Extraction with ..." is about relation extraction,
    "Neural Chinese Word Segmentation" about Chinese word segmentation (the title's
    capitals join a technique to the task)."""
    abstract_tasks = {
        g.name.lower()
        for g in groups.values()
        if g.type is EntityType.TASK and any(s > title_end for s, _ in g.mentions)
    }
    if not abstract_tasks:
        return groups

    def variant(g: Group) -> bool:
        if g.type is not EntityType.TASK or g.introduced:
            return False
        if any(s > title_end for s, _ in g.mentions) or "gaz" in g.sources:
            return False
        words = g.name.lower().split()
        return any(" ".join(words[i:]) in abstract_tasks for i in range(1, len(words)))

    return {k: g for k, g in groups.items() if not variant(g)}


def drop_weak_groups(
    text: str,
    title_end: int,
    sentences: list[tuple[int, int]],
    groups: dict[str, Group],
    res: Resources,
    rules: dict[str, str] | None = None,
) -> dict[str, Group]:
    """The group-level filters of the entity step, in order: capitalised words nothing
    supports, title-only task variants, metrics no result is reported with, phrases
    mentioned in passing; then the learned keep/type step (``rules``: the proposal rule
    of each introduced group; ``None``: no learned step)."""
    groups = drop_unsupported_capitalised(text, groups)
    groups = drop_title_task_variants(text, title_end, groups)
    groups = drop_unreported_metrics(
        fold_case(text), sentences, groups, res.trigger_regex("result", folded=True)
    )
    groups = drop_passing_phrases(text, title_end, groups, res.technical_modifiers, res.weak_heads)
    if rules is None:
        return groups
    return apply_model(text, title_end, groups, rules, res.entity_model, res.cue_nouns)
