"""Entity candidates beyond the gazetteer, as plain functions over text.

Three families, each returning character spans (lists and capitalised words are in
:mod:`kg.nlp.lists`):

* :func:`name_spans` - name-shaped words: CamelCase, acronyms, letters mixed
  with digits, carets and Greek letters (GPT-4o, SEED-Bench-2, γ-MoD, E^2-LLM),
  with a following size or version ("Mistral 7B", "Llama 3 8B", "TyDi QA");
* :func:`head_phrases` - established technique, task and metric phrases
  driven by their head noun ("whole slide image classification",
  "backdoor poisoning attack", "hallucination rate", "top-1 accuracy");
* :func:`cued_names` - capitalised names given by context: "called X",
  "X, a new benchmark", a title "X: A ...", "the DeepMind Control Suite".

:func:`type_evidence` reads the words around a span (cue nouns, spelling)
for the typing step in :mod:`kg.nlp.resolve`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from functools import lru_cache

from kg.nlp.titles import _SUBTITLE_NAME_RE, title_prefix_name
from kg.records import EntityType

_WORD_RE = re.compile(r"\S+")
# Words with two capitals, a capital and a digit, or a Greek letter and a hyphen: the only
# ones :func:`is_name_shaped` can accept (a C-speed pre-filter).
# Bounded repeats: no quadratic work on a long run of digits in untrusted text.
_NAMEISH_RE = re.compile(
    r"(?<!\S)(?=\S{0,60}?(?:[A-Z]\S{0,60}?[A-Z0-9]|[0-9]\S{0,60}?[A-Z]|[\u0370-\u03ff]-))\S+"
)
_STRIP_LEFT = "\"'([{\u201c\u2018*"
_STRIP_RIGHT = "\"'.,;:!?)]}\u201d\u2019*"
_GREEK = "\u0370-\u03ff"
_SIZE_RE = re.compile(
    r"\s(?:\d+(?:\.\d+)?[BMKk]|\d+x\d+[BM]|[vV]\d+(?:\.\d+)*|(?:19|20)\d\d|XX?L)(?![\w-]|\.\d)"
)
# A one-digit version after a known name ("AlpacaEval 2", "Tacotron 2"), not a count.
_VERSION_DIGIT_RE = re.compile(
    r"\s[1-9](?:\.\d)?(?![\w.%\u00d7-]|\s*(?:%|points?\b|pp\b|times\b|x\b|fold\b|of\b))"
)
_UNIT_RE = re.compile(r"^\d+(?:\.\d+)?[A-Za-z]{1,2}$|^\d+[kKmMbB]?\+?$|^[IVX]+$")
_DESCRIPTIVE_TAIL_RE = re.compile(
    r"-(?:based|like|style|specific|only|level|aware|free|guided|driven|powered|enhanced|centric|"
    r"oriented|scale|sized|size|generated|augmented|tuned|trained|inspired|agnostic|dependent|"
    r"independent|related|friendly|efficient|intensive|wise|type|annotated|labeled|labelled|"
    r"supervised|written|authored|produced|as|to|of|and|or|in|on|for|[a-z]{3,}ed|parameters?|"
    r"params?|layers?|tokens?|shot|dimensional|bit|bits|hours?|days?)$"
)
_TITLE_COMPOUND_RE = re.compile(r"^[A-Z][a-z]+(?:-[A-Za-z][a-z]*)+$|^[A-Z][a-z]+(?:-[a-z]+)*$")
# A capitalised compound with an article inside names a thing ("Needle-in-a-Haystack",
# "Agent-as-a-Judge"); "State-of-the-Art" does not.
_ARTICLE_COMPOUND_RE = re.compile(r"^[A-Z][a-z]+(?:-[a-z]+)*-(?:a|an|the)-(?!Art\b)[A-Z][a-z]+$")
_MATH_RE = re.compile(r"[()=<>{}|\\$]")
_PLACEHOLDER_RE = re.compile(r"^(?:Our|My|The|This)[A-Z]|_|^\\")
_POSSESSIVE_RE = re.compile(r"(?:'s|\u2019s|')$")
# URLs and e-mail addresses (not "ViT-B/16", "Recall@10").
_URLISH_RE = re.compile(r"https?:|www\.|\.com|\.org|\.io|//|/[a-z]|@[\w-]+\.[A-Za-z]")
# Words glued together by a PDF extraction ("CenterforDataScience", "NewYorkUniversity",
# "W.Xiong"): a lower-case glue word between capitals, three or more long capitalised
# words run together, or initials glued to a surname. Real names rarely look so.
_GLUED_RE = re.compile(
    r"[A-Z][a-z]{3,}(?:of|by|and|for|with|the)[A-Z][a-z]{2,}|^(?=.{15})(?:[A-Z][a-z]{2,}){3,}$"
    r"|^[A-Z]\.[A-Z][a-z]"
)
# Upper-case words that are ordinary English when shouted in a title ("ALL You Need").
_SHOUTED = frozenset(
    "A AN THE ALL AND OR OF FOR TO IN ON AT BY WITH FROM IS ARE BE WE OUR YOU YOUR IT ITS "
    "NOT NO YES NEW ONE TWO HOW WHY WHAT WHEN CAN DO".split()
)


def _strip_word(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip brackets, quotes, trailing punctuation and a possessive from a word span."""
    while start < end and text[start] in _STRIP_LEFT:
        start += 1
    while end > start and (text[end - 1] in _STRIP_RIGHT or text[end - 1] == "-"):
        end -= 1
    m = _POSSESSIVE_RE.search(text, start, end)
    if m and end - start > 3:
        end = m.start()
    # An unbalanced "(" inside ("GPT-4V(ision"): keep the name before it.
    paren = text.find("(", start, end)
    if paren > start and text.find(")", paren, end) < 0:
        end = paren
    return start, end


@lru_cache(maxsize=1 << 16)
def is_name_shaped(word: str) -> bool:
    """Whether a single word looks like a proper name of a model, dataset, method...

    >>> [is_name_shaped(w) for w in ("GPT-4o", "ImageNet", "γ-MoD", "Loki", "7B", "ALL")]
    [True, True, True, False, False, False]
    >>> [is_name_shaped(w) for w in ("CenterforDataScience", "NewYorkUniversity", "W.Xiong")]
    [False, False, False]
    >>> [is_name_shaped(w) for w in ("HeronNet", "InceptionNet", "HandNet", "ProofNet")]
    [True, True, True, True]
    """
    if not 2 <= len(word) <= 60 or _UNIT_RE.match(word) or word in _SHOUTED:
        return False
    if _PLACEHOLDER_RE.search(word):
        return False
    if _TITLE_COMPOUND_RE.match(word):  # "Label-Efficient"; but "Needle-in-a-Haystack"
        return bool(_ARTICLE_COMPOUND_RE.match(word))
    if _MATH_RE.search(word) or ("^" in word and len(word) <= 3):  # "O(N^2)", "R^2"
        return False
    if _URLISH_RE.search(word) or _GLUED_RE.search(word):
        return False
    upper = sum(1 for c in word if c.isupper())
    if not any(c.isalpha() for c in word):
        return False
    if upper >= 2:
        return True
    has_digit = any(c.isdigit() for c in word)
    if upper and has_digit:
        return True
    if "^" in word and upper:
        return True
    return bool(re.match(rf"^[{_GREEK}]-", word))


def _trim_descriptive_tail(text: str, start: int, end: int) -> int:
    """Drop lower-case descriptive hyphen tails: "BERT-based" -> "BERT",
    "0.4B-parameter" -> "0.4B" (then no name)."""
    while True:
        m = _DESCRIPTIVE_TAIL_RE.search(text, start, end)
        if not m or m.start() == start:
            return end
        end = m.start()


def name_spans(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Character spans of name-shaped words in ``text[lo:hi]``, each extended by a
    following model size or version ("Mistral-7B", "RLAIF-V 7B", "Llama 3 8B") and by
    a two-capital last word ("TyDi QA", "MVTec AD")."""
    hi = len(text) if hi is None else hi
    spans = []
    for m in _NAMEISH_RE.finditer(text, lo, hi):
        if m.group().startswith("[") and "]" in m.group():  # "[MASK]", "[CLS]": tokens, not names
            continue
        start, end = _strip_word(text, m.start(), m.end())
        if end - start < 2:
            continue
        parts = _slash_parts(text, start, end)
        if parts:  # "LoRA/QLoRA": two names; "ViT-B/16", "CNN/DailyMail" stay one
            spans.extend(parts)
            continue
        end = _trim_descriptive_tail(text, start, end)
        if not is_name_shaped(text[start:end]):
            continue
        end = extend_with_size(text, end)
        tail = _CAPS_TAIL_RE.match(text, end)
        # "TyDi QA", "MVTec AD" (not "EN DE" or "MFA EM": the name has lower case).
        if tail and tail.group(1) not in _SHOUTED and not text[start:end].isupper():
            end = tail.end()
        spans.append((start, end))
    return spans


def _slash_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The two names of "A/B" when both sides are names of their own and one extends
    the other ("LoRA/QLoRA", "GPT-4/GPT-4o"); else nothing."""
    word = text[start:end]
    if word.count("/") != 1:
        return []
    a, b = word.split("/")
    if len(a) < 2 or len(b) < 2 or not (is_name_shaped(a) and is_name_shaped(b)):
        return []
    if not (a in b or b in a or a.split("-")[0] == b.split("-")[0]):
        return []
    return [(start, start + len(a)), (end - len(b), end)]


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:\n\"'\u201c("


_CAPS_TAIL_RE = re.compile(r" ([A-Z]{2})(?![\w-])")


def extend_with_size(text: str, end: int, known: bool = False) -> int:
    """Extend a name ending at ``end`` over a following size, version or year
    ("7B", "v1.5", "VOC 2012", "XL"); a ``known`` name also over one digit
    ("AlpacaEval 2")."""
    m = _SIZE_RE.match(text, end) or (_VERSION_DIGIT_RE.match(text, end) if known else None)
    return m.end() if m else end


# letters and hyphens; digits only inside a hyphenated compound ("text-to-3D")
_MODIFIER_RE = re.compile(r"^[A-Za-z][A-Za-z-]*[A-Za-z]$|^[A-Za-z]+(?:-[A-Za-z0-9]+)+$")
_LY_KEEP = frozenset({"anomaly", "early", "family", "assembly"})
_DIMENSION_RE = re.compile(r"^[1-4][Dd]$")


@lru_cache(maxsize=1 << 16)
def is_modifier(word: str, stops: frozenset[str]) -> bool:
    """Whether a word can sit before a head noun in a technique/task phrase: letters
    and hyphens, not a stop word, verb form or ``-ly`` adverb, at most one capital
    (title-case compounds such as "Label-Efficient" are mostly adjectives); or a
    dimension ("3D")."""
    if _DIMENSION_RE.match(word):  # "3D instance segmentation"
        return True
    if not _MODIFIER_RE.match(word):
        return False
    low = word.lower()
    if low in stops or (low.endswith("ly") and low not in _LY_KEEP):
        return False
    return sum(1 for c in word if c.isupper()) < 2


_DIGITS_RE = re.compile(r"\d+")


def metric_modifier(word: str, metric_modifiers: frozenset[str]) -> bool:
    """Whether ``word`` belongs to a metric's name: "top-1", "Top-5", "macro"."""
    return _DIGITS_RE.sub("k", word.lower()) in metric_modifiers


def _phrase_start(
    text: str,
    head_start: int,
    floor: int,
    stops: frozenset[str],
    max_mods: int,
    title_end: int = 0,
    head_end: int = 0,
) -> tuple[int, int]:
    """Walk back over adjacent modifier words before a head; return (start, count).
    In the title, a title-cased compound ("Low-Resource") is a modifier when the
    abstract writes the phrase from it in lower case ("low-resource language
    translation")."""
    start, n = head_start, 0
    lo = max(floor, head_start - 90)
    words = list(_WORD_RE.finditer(text, lo, head_start))
    if words and lo > floor and words[0].start() == lo and not text[lo - 1].isspace():
        words = words[1:]  # cut by the window, not a whole word
    for w in reversed(words):
        gap = text[w.end() : start]
        if n >= max_mods or not gap or len(gap) > 2 or not gap.isspace():
            break
        if not is_modifier(w.group(), stops):
            if n and _ACRONYM_MODIFIER_RE.match(w.group()):  # "KV cache compression"
                start, n = w.start(), n + 1
            elif head_start < title_end and _written_lower(text, w, head_end, title_end, stops):
                start, n = w.start(), n + 1
                continue
            break
        start, n = w.start(), n + 1
    return start, n


def _written_lower(text: str, w: re.Match, head_end: int, title_end: int, stops) -> bool:
    """Whether a title-cased title word before a head ("Single-View" in "Single-View View
    Synthesis") is a modifier the abstract writes in lower case with the same phrase."""
    word = w.group()
    if "-" not in word or not is_modifier(word.lower(), stops):
        return False
    pos = text.lower().find(text[w.start() : head_end].lower(), title_end)
    return pos >= 0 and text[pos].islower()


# A short acronym before a lower-case modifier is part of the phrase ("KV cache
# compression"); right before the head it stays a name ("BERT fine-tuning").
_ACRONYM_MODIFIER_RE = re.compile(r"^[A-Z]{2,3}$")


def head_phrases(
    text: str,
    heads: Mapping[str, tuple[EntityType, bool]],
    stops: frozenset[str],
    floors: list[int],
    hits: Iterable[tuple[int, int, str]],
    max_mods: int = 3,
    metric_modifiers: frozenset[str] = frozenset(),
    title_end: int = 0,
) -> list[tuple[int, int, EntityType]]:
    """Technique/task/metric phrases: up to ``max_mods`` modifier words, then a head noun.

    ``hits`` are ``(start, end, head)`` of head words (from :func:`head_hits`
    or a PhraseMatcher); ``floors`` are sentence starts (a phrase never
    crosses one). A bare head counts only when ``heads`` marks it so; a metric
    that is a metric on its own keeps only a modifier of its name
    (``metric_modifiers``: "top-1 accuracy", not "zero-shot accuracy").
    """
    out = []
    for hs, he, head in hits:
        if not _whole_word(text, hs, he):
            continue
        etype, bare = heads[head]
        floor = floors[bisect_right(floors, hs) - 1] if floors else 0
        # A metric takes one modifier at most ("hallucination rate"), none when the head is
        # a metric on its own ("accuracy", not "zero-shot accuracy").
        limit = (0 if bare else 1) if etype is EntityType.METRIC else max_mods
        start, n = _phrase_start(text, hs, floor, stops, limit, title_end, he)
        if n == 0 and not bare:
            continue
        if etype is EntityType.METRIC and bare and metric_modifiers:
            start = _metric_name_start(text, hs, floor, metric_modifiers)
        out.append((start, he, etype))
    return out


def _metric_name_start(text: str, head_start: int, floor: int, modifiers: frozenset[str]) -> int:
    """Start of "top-1 accuracy": the word before the head when it is a metric modifier."""
    if head_start - floor < 2 or text[head_start - 1] != " ":
        return head_start
    cut = text.rfind(" ", max(floor, head_start - 24), head_start - 1)
    start = max(cut + 1, floor) if cut >= 0 else max(floor, head_start - 24)
    word = text[start : head_start - 1]
    return start if word and metric_modifier(word, modifiers) else head_start


def _whole_word(text: str, start: int, end: int) -> bool:
    """Not part of a longer or hyphenated word ("learning" in "learning-based")."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "-" or after.isalnum() or after == "-")


def head_regex(heads: Iterable[str]) -> re.Pattern:
    """A regex matching any head word (case-insensitive)."""
    alts = "|".join(sorted((re.escape(h) for h in heads), key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b", re.IGNORECASE)


def head_hits(text: str, head_re: re.Pattern) -> list[tuple[int, int, str]]:
    """``(start, end, head)`` of head words found with :func:`head_regex` (the
    pipeline uses a PhraseMatcher instead; this is the plain-text equivalent)."""
    return [(m.start(), m.end(), m.group().lower()) for m in head_re.finditer(text)]


_CAP_WORD = rf"[A-Z{_GREEK}][\w{_GREEK}^@+%\\-]*(?:\.\w+)*"  # "v1.5" but not "Name. Next"
_NAMED_AFTER_RE = re.compile(
    rf"\s*(?:[\"\u201c\u2018']([^\"\u201d\u2019'\n]{{1,60}}?)\s*(?:\([^)\n]*\))?[\"\u201d\u2019']"
    rf"|({_CAP_WORD}(?:\s+(?:{_CAP_WORD}|\d+(?:\.\d+)?[BM]?))*))"
)
_CUE_AFTER_CAPS_RE = re.compile(
    r"\b(datasets?|benchmarks?|corpus|corpora|Datasets?|Benchmarks?|Corpus|Suite)\b"
)
_CAPS_BEFORE_RE = re.compile(r"(?<![\w-])((?:[A-Z][\w+-]*(?:\.\w+)*\s+){1,4})$")
_CAPS_GLUE = frozenset({"The", "A", "An", "Our", "We", "This", "These", "On", "In", "For"})


def cued_names(
    text: str,
    named_re: re.Pattern,
    title_end: int,
    cue_nouns: Mapping[str, EntityType] | None = None,
    scan_text: str | None = None,
    stops: frozenset[str] = frozenset(),
    heads: Mapping[str, tuple[EntityType, bool]] | None = None,
) -> list[tuple[int, int, str, EntityType | None]]:
    """Capitalised names introduced by context.

    ``named_re`` matches a naming cue ("called", "dubbed", "which we call");
    the capitalised word(s) right after it are a name. The title prefix before
    a colon ("Lawma: The Power of ...") is a name when it is one to three words;
    otherwise a subtitle "A Capitalised Words Method" names the proposal
    (guideline A8). Capitalised words before "dataset(s)"/"benchmark(s)" are
    a name when one of them is name-shaped ("the TCGA Lung Cancer datasets").
    ``named_re`` runs over ``scan_text`` when given (the case-folded text, for a
    case-sensitive ``named_re``; same offsets). Returns ``(start, end, rule id,
    type or None)``.
    """
    out: list[tuple[int, int, str, EntityType | None]] = []
    for cue in _CUE_AFTER_CAPS_RE.finditer(text) if cue_nouns else ():
        m = _CAPS_BEFORE_RE.search(text, max(0, cue.start() - 80), cue.start())
        if not m:
            continue
        words = m.group(1).split()
        s, e = m.start(1), m.start(1) + len(m.group(1).rstrip())
        etype = cue_nouns[cue.group(1).lower()]
        if cue.group(1)[0].isupper():
            # "the DeepMind Control Suite", "the Genomic Benchmarks": the capitalised cue
            # is part of the name (in the abstract; a title capitalises every word).
            while words and words[0] in _CAPS_GLUE:
                s += len(words.pop(0)) + 1
            if words and s > title_end:
                out.append((s, cue.end(), "cue-noun", etype))
        elif (
            len(words) >= 2
            and any(map(is_name_shaped, words))
            and not all(map(is_name_shaped, words))
        ):
            out.append((s, e, "cue-noun", etype))
    for m in named_re.finditer(text if scan_text is None else scan_text):
        if m.group().lower().startswith("namely"):
            continue  # "namely English, Japanese": lists, not new names
        n = _NAMED_AFTER_RE.match(text, m.end())
        if n:
            group = 1 if n.group(1) else 2
            s, e = _strip_word(text, n.start(group), n.end(group))
            if e > s and len(text[s:e].split()) <= 6:
                out.append((s, e, "named", None))
    if title_end > 0:
        prefix = title_prefix_name(text, title_end, stops, heads)
        if prefix is not None:
            out.append((*prefix, "title-colon", None))
        else:
            sub = _SUBTITLE_NAME_RE.search(text, 0, title_end)
            if sub:
                out.append((sub.start(1), sub.end(1), "title-colon", EntityType.METHOD))
    return out


def is_descriptive(long_form: str) -> bool:
    """A lower-case long form ending in an adjective or a plural noun ("long-tailed",
    "partial labels") describes rather than names."""
    last = long_form.split()[-1] if long_form.split() else ""
    if not long_form[:1].islower():
        return False
    return last.endswith("ed") or (last.endswith("s") and not last.endswith("ss"))


@lru_cache(maxsize=1 << 14)
def suffix_type(name: str, affixes: tuple[tuple[str, str, EntityType], ...]) -> EntityType | None:
    """Type evidence from the spelling of a name ("SEED-Bench-2" -> BENCHMARK); a
    parameter count makes a model ("xLAM-2-8B", "Qwen3 0.5B")."""
    core = re.sub(r"[-\s]?(?:v?\d+(?:\.\d+)*[BMK]?)$", "", name) or name
    for kind, affix, etype in affixes:
        if kind == "suffix" and core.endswith(affix) and len(core) > len(affix):
            return etype
        if kind == "stem" and affix in name and name != affix:
            return etype
    return EntityType.MODEL if _PARAMS_RE.search(name) else None


_PARAMS_RE = re.compile(r"\w[-\s]\d+(?:\.\d+)?B$")


def has_param_count(name: str) -> bool:
    """ "Qwen3 0.5B", "BlueLM-V-3B": a name ending in a parameter count (a trained model)."""
    return bool(_PARAMS_RE.search(name))


_NEXT_WORDS_RE = re.compile(r"[\s-]*([A-Za-z]+)(?:\s+([A-Za-z]+))?")
# "<cue>[,:] [called] ["]" right before a span, matched on the reversed text (a
# match at the start is much cheaper than a search anchored at the end).
# Groups: the separator, the cue word, the word before the cue (all reversed).
_PREV_CUE_REVERSED_RE = re.compile(
    r"[\"'\u201c\u2018]?(?:\s+(?:dellac|deman|debbud|demret))?([\s,:]*)([A-Za-z]+)(?:\s+(\S+))?"
)


_SUBJECTS = frozenset({"we", "they", "to", "also", "then", "further", "can", "i"})


def _owned(before_reversed: str | None) -> bool:
    """Whether the word before a cue noun (reversed) is a name that owns the cue."""
    return bool(before_reversed) and is_name_shaped(before_reversed[::-1].strip(_STRIP_LEFT))


def type_evidence(
    text: str, start: int, end: int, cue_nouns: Mapping[str, EntityType]
) -> EntityType | None:
    """The type a cue noun right after ("X dataset", "X-based model" no) or right
    before ("the benchmark X", "a dataset called X") a span gives it."""
    if text[end : end + 2] == ") ":  # "the Long Name (LN) benchmark"
        end += 1
    m = _NEXT_WORDS_RE.match(text, end)
    if m and text[end : end + 1] in (" ", "-"):
        w1 = m.group(1).lower()
        if w1 in cue_nouns:
            return cue_nouns[w1]
        w2 = (m.group(2) or "").lower()
        if w2 in cue_nouns and w1 in ("large", "language", "vision", "new", "base", "family"):
            return cue_nouns[w2]
    p = _PREV_CUE_REVERSED_RE.match(text[max(0, start - 40) : start][::-1])
    # "On the D4RL benchmark, X outperforms": a cue after a name and before a comma
    # is that name's, not X's ("a new benchmark, X" is X's).
    if p and not ((sep := p.group(1)) and ("," in sep or ":" in sep) and _owned(p.group(3))):
        w = p.group(2)[::-1].lower()
        as_verb = (p.group(3) or "")[::-1].lower() in _SUBJECTS  # "we test X", "to benchmark X"
        if w in cue_nouns and cue_nouns[w] is not EntityType.TASK and not as_verb:
            return cue_nouns[w]
    return None
