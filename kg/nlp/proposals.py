"""What a paper proposes: the entities it introduces (plain functions).

:func:`find_introduced` reads the naming and proposing cues of each sentence ("we
propose X", "called X", "a novel ... (X)", enumerations "(1) X, (2) Y"), the title's
"X: ..." prefix, and the variants of a proposal ("X-base", "X-large"). A known
(gazetteer) name is proposed only by the paper whose title names it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from kg.nlp.candidates import is_name_shaped
from kg.nlp.relations import _COORD_RE, _NAMED_CHAR_RE, _in
from kg.nlp.resolve import NAME_SOURCES, Group
from kg.nlp.resources import Resources, fold_case
from kg.records import EntityType

_PREP_BEFORE_RE = re.compile(
    r"\b(?:on|for|to|of|with|from|in|into|than|over|by|via|using|between|against|under|"
    r"beyond|like|as|about|toward|towards|and)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
_DESCRIPTOR_BEFORE_RE = re.compile(r"\b(?:a|an|new|novel)\s+$", re.IGNORECASE)
_ENUM_BEFORE_RE = re.compile(r"(?:\(\s*(?:\d+|[ivx]+|[a-e])\s*\)|\b(?:\d|[ivx]+)\))\s*$")
_NEW_BEFORE_RE = re.compile(r"\b(?:[Aa]n?|[Oo]ur)\s+(?:[a-z][\w-]*\s+){0,3}$")
# "we present a Multi-Task Deep Neural Network (MT-DNN) for ...": an article, a capitalised
# long form and its abbreviation, which ends the noun phrase; a lower-case long form only as
# "a novel" one ("we propose a novel gradient harmonizing mechanism (GHM) to ...").
_LONG_FORM_RE = re.compile(
    r"\s+(?:(?:a|an|the)\s+(?:(?:new|novel|simple)\s+)?)?(?:[A-Z][\w-]*\s+){1,6}\("
    r"|\s+(?:a|an)\s+(?:new|novel)\s+(?:(?!(?:to|of|for|with|and|or|the|in|on|by|that|which|"
    r"from)\s)[a-z][\w-]*\s+){1,6}\("
)
_DEFINED_NP_RE = re.compile(r"\)(?:\s*[,.;:]|\s+(?:that|which|for|to|with|in|on|and)\b)")
_WE_TRAIN_RE = re.compile(r"\bwe (?:\w+ )?(?:train|pre-train|pretrain)\b")
_PHRASE_TYPES = frozenset({EntityType.TASK, EntityType.METRIC})
MM_TYPES = frozenset({EntityType.MODEL, EntityType.METHOD, None})


def _top_type(g: Group) -> EntityType | None:
    return max(g.votes.items(), key=lambda kv: kv[1])[0] if g.votes else g.type


def _proposable(
    text: str, x: tuple[int, int, str], groups: dict[str, Group], cue_nouns, title_end: int = 0
) -> bool:
    """Whether a mention right after "we propose" can be the proposal: not a known
    (gazetteer) entity unless the title names it too (the paper that introduced a
    well-known name: "Bi-Directional Attention Flow ..." introduces BiDAF), not a
    task/metric phrase, not the object of a preposition, not a descriptor ("a new IFT
    dataset")."""
    g = groups[x[2]]
    if "own-part" in g.sources:
        return False  # a part the paper builds: proposed by its own rule (after the title's)
    # the title names it as its subject: at its start ("Bi-Directional Attention Flow for
    # ..."), not inside ("Cheap Lunch ... by Fine-tuning SAM", "MA-SAM: ... SAM Adaptation")
    known = "gaz" in g.sources and not (
        _title_openings(text, g) and _written_as_name(text, g, title_end)
    )
    if known or (g.sources & {"head", "repeat", "gaz"} and _top_type(g) in _PHRASE_TYPES):
        return False
    before = text[max(0, x[0] - 30) : x[0]]
    if _PREP_BEFORE_RE.search(before):
        return False
    after = text[x[1] : x[1] + 20].split()
    surface = text[x[0] : x[1]]
    return not (
        " " not in surface
        and _DESCRIPTOR_BEFORE_RE.search(before)
        and after
        and after[0].lower() in cue_nouns
    )


#: Substrings one of which every "named" trigger contains (see triggers.jsonl).
_NAMED_HINTS = (
    "call",
    "name",
    "dub",
    "term",
    "coin",
    "denot",
    "refer",
    "our ",
    "resulting",
    "propos",
    "introduc",
    "present",
)


def find_introduced(
    text: str,
    title_end: int,
    sentences: list[tuple[int, int]],
    mentions: list[tuple[int, int, str]],
    groups: dict[str, Group],
    res: Resources,
    title_spans: frozenset[tuple[int, int]] = frozenset(),
) -> dict[str, tuple[str, tuple[int, int]]]:
    """Groups the paper proposes: key -> (rule id, evidence sentence). ``title_spans``
    are the title's shape names (:func:`kg.nlp.titles.title_names`): the proposal
    when no cue of the abstract names one."""
    found: dict[str, tuple[str, tuple[int, int]]] = {}

    def add(key: str, rule: str, sent: tuple[int, int]) -> None:
        found.setdefault(key, (rule, sent))

    # Case-sensitive regexes over the case-folded text: same offsets, faster.
    propose_re = res.trigger_regex("proposes", folded=True)
    named_re = res.trigger_regex("named", folded=True)
    novelty_re = res.trigger_regex("novelty", folded=True)
    out_re = res.trigger_regex("outperforms", folded=True)
    low = fold_case(text)
    for sent in sentences:
        lo, hi = sent
        ms = _in(mentions, lo, hi)
        if not ms:
            continue
        # Cheap substring tests first: most sentences hold no cue at all (speed).
        ls = low[lo:hi]
        may_name = any(k in ls for k in _NAMED_HINTS)
        may_propose = "we " in ls or "this " in ls
        may_novel = "new" in ls or "novel" in ls
        if lo == 0 and title_end:
            first = ms[0]
            if first[0] <= 1 and text[first[1] : title_end].lstrip().startswith(":"):
                add(first[2], "title-colon", sent)
            for x in ms:  # "...: A Divergence-based Calibration Method"
                if x[1] <= title_end and "title-colon" in groups[x[2]].sources:
                    add(x[2], "title-colon", sent)

        named_here = False
        for m in named_re.finditer(low, lo, hi) if may_name else ():
            nxt = [x for x in ms if x[0] >= m.end() and x[0] - m.end() <= 3]
            # a known name is named as new only with "we propose" ("we propose a ... task
            # called replaced token detection", "we propose TuckER, a ...": the paper that
            # introduced it) or as "our model, X" / "the resulting X"
            if nxt and (
                "gaz" not in groups[nxt[0][2]].sources
                or (may_propose and propose_re.search(low, lo, m.end()))
                or _WE_TRAIN_RE.search(low, lo, m.start())  # "we train a ... (called VALL-E)"
                or low.startswith(("our ", "the resulting"), m.start())
            ):
                add(nxt[0][2], "named", sent)
                named_here = True
                for x in _coordinated(text, ms, nxt[0]):  # "namely X and Y"
                    add(x[2], "named", sent)
        # "a novel MIL framework ... (X-Net)"
        for m in novelty_re.finditer(low, lo, hi) if may_novel else ():
            outs = out_re.search(low, m.end(), hi)
            limit = min(m.end() + 80, outs.start() if outs else hi)
            pick = [
                x
                for x in ms
                if m.end() <= x[0] < limit
                and groups[x[2]].sources & NAME_SOURCES
                and _proposable(text, x, groups, res.cue_nouns, title_end)
            ]
            if pick:
                add(pick[0][2], "novel-x", sent)
        for m in propose_re.finditer(low, lo, hi) if may_propose else ():
            after = [x for x in ms if x[0] >= m.end()]
            enumerated = [x for x in after if _ENUM_BEFORE_RE.search(text, m.end(), x[0])]
            for x in enumerated:
                if "gaz" not in groups[x[2]].sources and (
                    _proposable(text, x, groups, res.cue_nouns, title_end)
                    or _ENUM_BEFORE_RE.search(text, max(m.end(), x[0] - 8), x[0])
                ):
                    add(x[2], "propose-enum", sent)
            if enumerated:
                continue
            pick = [
                x
                for x in after
                if x[0] - m.end() <= 80
                and _proposable(text, x, groups, res.cue_nouns, title_end)
                # with "called X" in the sentence, only a name can be another proposal
                and not (named_here and not groups[x[2]].sources & NAME_SOURCES)
            ]
            if not pick:
                continue
            chosen = pick[0]
            add(chosen[2], "propose-we", sent)
            for x in _coordinated(text, ms, chosen):
                if "gaz" not in groups[x[2]].sources:
                    add(x[2], "propose-we", sent)
    # "a Dual-Style Encoding Network (DuSEN)", "an effective Motion Discrete Diffusion (MDD)
    # framework": a capitalised long form defined with an indefinite article or "our" is new
    # A known name defined right after "we propose" is the paper's own ("we present a
    # Multi-Task Deep Neural Network (MT-DNN) for ...": the paper that introduced it),
    # unless the definition only modifies the proposal ("a ... (CNN)-based approach").
    for key, g in groups.items():
        known = "gaz" in g.sources
        if key in found or not (known or "abbr-long" in g.sources):
            continue
        for s, e in g.mentions:
            if s <= title_end or not text[s].isupper():
                continue
            if not known and _NEW_BEFORE_RE.search(text, max(0, s - 40), s):
                add(key, "abbr-new", _sentence_at(sentences, s, e))
                break
            if known and text[s - 1] == "(" and _DEFINED_NP_RE.match(text, e):
                sent = _sentence_at(sentences, s, e)
                verbs = list(propose_re.finditer(low, max(sent[0], s - 100), s))
                if verbs and _LONG_FORM_RE.fullmatch(text, verbs[-1].end(), s):
                    add(key, "abbr-new", sent)
                    break
    if not found and sentences:  # the title's shape names the proposal (fallback)
        for key, g in groups.items():
            if (
                ("title-head" in g.sources or title_spans.intersection(g.mentions))
                and ("gaz" not in g.sources or _starts_title(text, g, title_end))
                and _top_type(g) in MM_TYPES
            ):
                add(key, "title-head", sentences[0])
    # "... via Function Aggregation": a technique the title says the work is done with;
    # "we design a disparity sampler": the parts the paper builds (kg.nlp.parts)
    for source in ("title-method", "own-part"):
        for key, g in groups.items():
            if source in g.sources and not g.sources & {"gaz", "lex"} and key not in found:
                add(key, source, _sentence_at(sentences, *g.mentions[0]))
    _add_variants(text, sentences, groups, found)
    return found


def _sentence_at(sentences: list[tuple[int, int]], s: int, e: int) -> tuple[int, int]:
    """The sentence holding offset ``s`` (the span itself when none does)."""
    i = bisect_right(sentences, (s, float("inf"))) - 1
    return tuple(sentences[i]) if i >= 0 and s < sentences[i][1] else (s, e)


def _starts_title(text: str, g: Group, title_end: int) -> bool:
    """The title starts with the name and either is the name ("Deformable Convolutional
    Networks") or the abstract writes it as a name ("Gated-Attention Readers for ..." and
    "the GA Reader"): the paper that introduced a known name ("Prompt Tuning for ..." is about
    a technique)."""
    ends = _title_openings(text, g)
    whole = any(not text[e:title_end].strip(" .") for e in ends)
    return bool(ends) and (whole or _written_as_name(text, g, title_end))


def _title_openings(text: str, g: Group) -> list[int]:
    """Ends of the mentions the title starts with (after "A"/"An"/"The", if any)."""
    return [e for s, e in g.mentions if text[:s].strip().lower() in ("", "a", "an", "the")]


def _written_as_name(text: str, g: Group, title_end: int) -> bool:
    """The abstract writes it with a capital, digit or Greek letter (a name, not a phrase),
    or only the title names it, with a name-shaped word ("Frustum PointNets for ...")."""
    if any(s >= title_end for s, _ in g.mentions):
        return any(s >= title_end and _NAMED_CHAR_RE.search(text, s, e) for s, e in g.mentions)
    return any(is_name_shaped(w) for s, e in g.mentions for w in text[s:e].split())


def _add_variants(
    text: str, sentences: list[tuple[int, int]], groups: dict[str, Group], found: dict
) -> None:
    """Variants of a proposal are proposed too: "WhisperLite-base", "RLAIF-V 7B"
    after "WhisperLite", "RLAIF-V" (a name that extends a proposed name)."""
    own = {text[s:e] for k in found for s, e in groups[k].mentions}
    if not own:
        return
    for key, g in groups.items():
        if key in found or "gaz" in g.sources or not g.sources & NAME_SOURCES:
            continue
        for s, e in g.mentions:
            surface = text[s:e]
            if any(_extends(surface, o) for o in own):
                found[key] = ("variant", _sentence_at(sentences, s, e))
                break


def _extends(surface: str, name: str) -> bool:
    """ "WhisperLite-base" extends "WhisperLite"; "WhisperLiteX" does not."""
    return len(surface) > len(name) + 1 and surface.startswith(name) and surface[len(name)] in "- "


def _coordinated(text: str, ms: list, first: tuple) -> list:
    """Mentions listed right after ``first``: "X, Y and Z"."""
    out, prev = [], first
    for x in ms[ms.index(first) + 1 :]:
        if not _COORD_RE.match(text[prev[1] : x[0]]):
            break
        out.append(x)
        prev = x
    return out
