"""The parts a paper builds, named by a lower-case phrase (plain functions).

Abstracts name their own components in lower case right where they introduce them:
"we design a disparity sampler", "we propose an occlusion-aware reprojection loss",
"RE-Net consists of a recurrent event encoder and a neighborhood aggregator". Such a
phrase is a METHOD the paper introduces (guideline: a named technique; rule 7), though
no list knows it. :func:`own_parts` finds them: after a building cue (``part``
triggers of ``triggers.jsonl``), past articles and evaluative words ("a novel",
"a simple yet effective", "a GCN-based"), one to four modifier words and then a part
noun (``part_heads.txt``: module, sampler, loss, encoder ...). A part noun with no
specific modifier ("a novel module", "a new loss") is a description, not a name; so is
one of the nouns that need two ("a reflection strategy", not "a subgraph partitioning
algorithm").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.nlp.candidates import is_modifier
from kg.nlp.lists import ITEM_SEP_RE

_WORD_RE = re.compile(r"[^\s,;:.()\[\]]+")
# Skipped before the phrase besides ``part_skips.txt``: an "-ly" adverb ("carefully
# designed") and a qualifier naming another thing ("a GCN-based graph revision module").
_ADVERB_RE = re.compile(r"^[a-z]+ly$")
_QUALIFIER_RE = re.compile(r"^\S+-(?:based|driven|guided|powered|inspired)$")
_MAX_SKIP = 5
_MAX_MODS = 4


def own_parts(
    text: str,
    low: str,
    title_end: int,
    cues: tuple[re.Pattern, re.Pattern],
    part_heads: Mapping[str, tuple[int, bool]],
    skips: frozenset[str],
    stops: frozenset[str],
    phrase_heads: Mapping[str, object],
) -> list[tuple[int, int]]:
    """``(start, end)`` of the part phrases the abstract introduces (not the title's).

    ``low`` is :func:`kg.nlp.resources.fold_case` of ``text``; ``cues`` the ``part`` and
    ``part-after`` trigger regexes compiled for folded text (a cue before the phrase, "we
    design a ...", and after it, "... is proposed"); ``part_heads`` maps a part noun to the
    modifiers it needs and whether the name leaves it out ("a cross-modal retrieval
    mechanism" names "cross-modal retrieval"); ``skips`` the words passed over before the
    phrase (``part_skips.txt``), ``stops`` the words no modifier can be, ``phrase_heads``
    the head nouns of technique phrases (``heads.tsv``: before a noun that needs two
    modifiers, such a head ends the name: "a token merging strategy" -> "token merging").
    """
    before_re, after_re = cues
    args = (part_heads, stops, phrase_heads)
    out: list[tuple[int, int]] = []
    for m in before_re.finditer(low, title_end):
        pos = m.end()
        while True:
            words = _words_after(low, pos)
            i = 0
            while i < min(len(words), _MAX_SKIP) and _skippable(words[i].group(), skips):
                i += 1
            items = _enumerated(text, low, words[i:], part_heads, stops)
            if items:  # "two feature fusion modules, concatenation module and ..."
                out.extend(items)
                break
            span, end = _name(text, words[i:], *args)
            if span is None or _CALLED_RE.match(low, end):
                break  # "a mixed fusing approach called Vote fusion": the name follows
            out.append(span)
            # "a recurrent event encoder and a neighborhood aggregator"
            link = _LINK_RE.match(low, end)
            if link is None:
                break
            pos = link.end()
    for m in after_re.finditer(low, title_end):
        # "a GCN-based graph revision module is introduced": back to the first modifier
        words = list(_WORD_RE.finditer(low, max(title_end, m.start() - 120), m.start()))
        if not words or low[words[-1].end() : m.start()].strip():
            continue
        k = len(words) - 1
        while (
            k > 0
            and len(words) - k <= _MAX_MODS
            and not low[words[k - 1].end() : words[k].start()].strip()
        ):
            if not is_modifier(text[words[k - 1].start() : words[k - 1].end()], stops):
                break
            k -= 1
        span, _ = _name(text, words[k:], *args)
        if span is not None and span[1] == words[-1].end():
            out.append(span)
    return out


# "two feature fusion modules, concatenation module and element-sum module", "three
# alignment mechanisms including structure-aware alignment, ...": a plural noun, then the
# parts it counts.
_ENUM_NOUNS = frozenset(
    "methods strategies techniques mechanisms modules components approaches variants "
    "losses stages blocks objectives schemes".split()
)
_ENUM_INTRO_RE = re.compile(
    r"\s*(?:,\s*(?:(?:i\.e\.|namely|including|such as)\s*,?\s*)?|:\s*|\(\s*|"
    r"\s+(?:including|namely|such as)\s+)"
)
_ITEM_STOPS = frozenset(
    "and or the a an of for to in on with which that by from is are was were be been can "
    "will its their our this these those respectively".split()
)
_ITEM_RE = re.compile(r"[a-z][a-z0-9-]*(?:\s+[a-z][a-z0-9-]*){0,4}")


def _enumerated(
    text: str,
    low: str,
    words: list[re.Match],
    part_heads: Mapping[str, tuple[int, bool]],
    stops: frozenset[str],
) -> list[tuple[int, int]]:
    """The parts a counted plural noun lists right after a building cue (two at least,
    each of two words or ending in a part noun), else ``[]``."""
    for w in words[: _MAX_MODS + 1]:
        word = w.group()
        if word in _ENUM_NOUNS or (word.endswith("s") and word[:-1] in part_heads):
            break
        if not is_modifier(text[w.start() : w.end()], stops):
            return []
    else:
        return []
    intro = _ENUM_INTRO_RE.match(low, w.end())
    if not intro:
        return []
    items, pos = [], intro.end()
    while len(items) < 6:
        m = _ITEM_RE.match(text, pos)
        if not m:
            break
        parts = m.group().split()
        for k, part in enumerate(parts):  # up to the first word no name can hold
            if part in _ITEM_STOPS:
                parts = parts[:k]
                break
        if not parts or not (len(parts) > 1 or parts[-1].rstrip("s") in part_heads):
            break
        end = m.start() + len(" ".join(parts))
        if text[m.start() : end] != " ".join(parts):
            break  # spacing not single: leave it
        items.append((m.start(), end))
        sep = ITEM_SEP_RE.match(text, end)
        if not sep:
            break
        pos = sep.end()
    return items if len(items) >= 2 else []


_CALLED_RE = re.compile(r"\s*,?\s*(?:called|named|dubbed|termed|coined)\b")
_LINK_RE = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+)")


def _words_after(low: str, pos: int) -> list[re.Match]:
    """The words from ``pos`` up to the first punctuation between two words."""
    words: list[re.Match] = []
    for w in _WORD_RE.finditer(low, pos, min(len(low), pos + 160)):
        if words and low[words[-1].end() : w.start()].strip():
            break
        words.append(w)
        if len(words) > _MAX_SKIP + _MAX_MODS + 2:
            break
    return words


def _skippable(word: str, skips: frozenset[str]) -> bool:
    return word in skips or bool(_ADVERB_RE.match(word) or _QUALIFIER_RE.match(word))


def _name(
    text: str,
    words: list[re.Match],
    part_heads: Mapping[str, tuple[int, bool]],
    stops: frozenset[str],
    phrase_heads: Mapping[str, object],
) -> tuple[tuple[int, int] | None, int]:
    """The part's name (span) in ``words`` (modifiers then a part noun), and the end of
    the phrase; ``(None, -1)`` when the words are no such phrase."""
    if not words or not text[words[0].start()].islower():
        return None, -1  # a capitalised name is found by the name rules
    for j, w in enumerate(words[: _MAX_MODS + 1]):
        word = w.group()
        head = word if word in part_heads else word[:-1] if word.endswith("s") else ""
        if head in part_heads:
            need, drop = part_heads[head]
            end = j
            # "loss function", "fusion module"; not "alignment strategy", "... technique"
            while end + 1 < len(words) and part_heads.get(words[end + 1].group()) == (1, False):
                end += 1
            last = j - 1 if drop else end
            if j < need:
                return None, -1
            if end == j and need > 1 and words[j - 1].group() in phrase_heads:
                last = j - 1  # "a phoneme monotonic alignment strategy": the alignment
            if _QUALIFIER_RE.match(words[last].group()):
                return None, -1  # "a knowledge graph-based approach": a description
            return (words[0].start(), words[last].end()), words[end].end()
        if not is_modifier(text[w.start() : w.end()], stops):
            return None, -1
    return None, -1
