"""Candidates found in lists and by capitalisation (plain functions over text).

* :func:`listed_names` - plain capitalised words listed with name-shaped ones
  ("ETTh1, ETTm2, Weather and Electricity");
* :func:`evaluation_lists` - plain capitalised words listed as evaluation data
  ("Experiments on Yoochoose, Diginetica and Tmall");
* :func:`capitalised_names` - capitalised words that are no ordinary word ("Loki");
* :func:`such_as_lists` - lower-case phrases listed after a cue noun ("tasks such as
  function calling, tool use and code completion").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from spacy.lang.en.stop_words import STOP_WORDS

from kg.nlp.candidates import _sentence_initial, is_name_shaped
from kg.records import EntityType

_ITEM = r"[A-Z][\w@+\-/]*(?:\.\d+)*(?:\s[A-Z0-9][\w@+\-/]*(?:\.\d+)*)?"
_SEP = r"(?:,\s+(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
#: Between two items of a list that may also sit tight on its comma ("A,B and C"): the
#: measures of a result sentence, the parts a counted plural lists.
ITEM_SEP_RE = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_CAP_NEXT_RE = re.compile(r" [A-Z]")
# Sentence adverbs and function words ("However", "Compared"), never listed names.
_FUNCTION_WORDS = frozenset(STOP_WORDS) | {"compared", "unlike", "specifically", "finally"}
_NEXT_ITEM_RE = re.compile(rf"{_SEP}({_ITEM})(?![\w-])")
_PREV_ITEM_RE = re.compile(rf"(?<![\w-])({_ITEM}){_SEP}$")


def _after_separator(text: str, pos: int) -> bool:
    """Whether ``pos`` follows a list separator (", ", " and ", " or ")."""
    if not pos or not text[pos - 1].isspace():
        return False
    return text[max(0, pos - 8) : pos].rstrip().endswith((",", " and", " or"))


_LIST_GLUE = frozenset({"On", "In", "For", "The", "We", "Our", "Both", "With", "From", "At", "To"})


def listed_names(
    text: str, names: Iterable[tuple[int, int]], title_end: int = 0
) -> list[tuple[int, int]]:
    """Capitalised words listed with a name-shaped one (``names``): "ETTh1, ETTm2,
    Weather and Electricity", "FEMNIST and Shakespeare" (the plain words are names
    too). Not in the title (it capitalises every word), nor the start of a longer
    capitalised phrase ("Advanced Training Strategies")."""
    found: dict[tuple[int, int], None] = {}

    def consider(start: int, end: int) -> None:
        if start < title_end or _CAP_NEXT_RE.match(text, end):
            return
        words = text[start:end].split(" ")
        if len(words) == 2 and words[0] in _LIST_GLUE:  # "On FEMNIST"
            start += len(words[0]) + 1
            words = words[1:]
        if (
            not any(is_name_shaped(w) for w in words)
            and all(w[:1].isupper() and w[1:].islower() and len(w) >= 4 for w in words)
            and words[0] not in _LIST_GLUE
            and words[0].lower() not in _FUNCTION_WORDS
            and not words[-1].endswith("ly")
            and not _sentence_initial(text, start)
        ):
            found[start, end] = None

    for s, e in names:
        pos = e
        while m := _NEXT_ITEM_RE.match(text, pos):
            consider(*m.span(1))
            pos = m.end()
        pos = s
        while _after_separator(text, pos) and (
            m := _PREV_ITEM_RE.search(text, max(0, pos - 40), pos)
        ):
            consider(*m.span(1))
            pos = m.start(1)
    return sorted(found)


# "Experiments on Yoochoose, Diginetica and Tmall": three or more plain capitalised
# words listed after an evaluation word and "on"/"across" are data names. The list
# is found first (a literal start is cheap), then the evaluation word before it.
_EVAL_LIST_RE = re.compile(
    r" (?:on|across) (?:the )?((?:[A-Z][a-z]{3,}(?:, |,? and )){2,}[A-Z][a-z]{3,})\b(?![\w-])"
)
_EVAL_WORD_RE = re.compile(
    r"\b(?:[Ee]xperiments?|[Ee]valuat\w+|[Rr]esults|tested|[Dd]atasets?|[Bb]enchmarks?)\b"
    r"[^.;:()]{0,40}$"
)
_ITEM_RE = re.compile(r"[A-Z][a-z]{3,}")
# Languages are listed the same way ("on English, German and French").
_LANGUAGE_RE = re.compile(r"(?:ish|ese|ian|ch|an|ic|ean)$")


def evaluation_lists(text: str, title_end: int = 0) -> list[tuple[int, int]]:
    """Plain capitalised words listed as evaluation data: "Experiments on Yoochoose,
    Diginetica and Tmall show" (not in the title, not language names)."""
    found = []
    for m in _EVAL_LIST_RE.finditer(text, title_end):
        if not _EVAL_WORD_RE.search(text, max(title_end, m.start() - 60), m.start()):
            continue
        items = [(w.start(), w.end()) for w in _ITEM_RE.finditer(text, *m.span(1))]
        if not any(_LANGUAGE_RE.search(text[a:b]) for a, b in items):
            found.extend(items)
    return found


#: A result or comparison verb right after a name: "Loki outperforms", "Loki achieves".
RESULT_VERB_AFTER_RE = re.compile(
    r"\s+(?:(?:also|further|consistently|significantly|substantially|clearly|still)\s+)?"
    r"(?:outperform|surpass|beat|exceed|achiev|obtain|reach|attain|improv|scor|outscor)\w*\b"
)
_CAPITALISED_RE = re.compile(r"(?<![\w-])[A-Z][a-z]{2,}(?:-[A-Z]?[a-z]+)*(?![\w-])")
_NOT_NAME_BEFORE_RE = re.compile(
    r"(?:Figure|Fig\.|Table|Section|Sec\.|Eq\.|Equation|Appendix|Algorithm|Theorem|Lemma)\s*$"
)
_CAP_BEFORE_RE = re.compile(r"[A-Z][\w-]* $")


def capitalised_names(
    text: str,
    common: frozenset[str],
    stops: frozenset[str],
    title_end: int = 0,
    languages: frozenset[str] = frozenset(),
) -> list[tuple[int, int]]:
    """Capitalised words in the abstract that are no ordinary word (``common``, learned
    from SciREX: "Loki", "Cambrian", "Minitron"): not at a sentence start (unless a result
    verb follows: "Loki outperforms ..."), not in the
    title (which capitalises every word), not a function word, stop term, language or
    country (``languages``), a figure/table label, or a surname before "et al."."""
    out = []
    for m in _CAPITALISED_RE.finditer(text, title_end):
        word = m.group()
        low = word.lower()
        if low in common or low in stops or low in _FUNCTION_WORDS or "-" in low:
            continue
        if _CAP_NEXT_RE.match(text, m.end()) or _CAP_BEFORE_RE.search(text, 0, m.start()):
            continue  # part of a capitalised run ("Harry Potter", "Hutter Prize")
        if low in languages:
            continue
        if _sentence_initial(text, m.start()) and not RESULT_VERB_AFTER_RE.match(text, m.end()):
            continue  # a sentence start, unless a result verb follows ("Loki outperforms")
        if _NOT_NAME_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue
        if (
            text.startswith(" et al", m.end())
            or text.startswith(" and ", m.end())
            and (text.find(" et al", m.end(), m.end() + 40) > 0)
        ):
            continue
        out.append((m.start(), m.end()))
    return out


# "tasks such as A, B and C": the cue (a literal, found first: cheap), the cue noun right
# before it, then the list after it.
_SUCH_AS_CUE_RE = re.compile(r"\b(?:such as|including|like|e\.g\.,?|namely)\s+")
_CUE_NOUN_BEFORE_RE = re.compile(r"\b([A-Za-z]+)\s*,?\s+$")
_SUCH_AS_LIST_RE = re.compile(
    r"((?:[a-z][a-z-]*(?: [a-z][a-z-]*){0,3}(?:,? and |,? or |, )){1,7}"
    r"[a-z][a-z-]*(?: [a-z][a-z-]*){0,3}?)(?=[.;:,)]| (?:and|or|to|in|on|for|with|as|at|by|of|"
    r"show|shows|are|is|was|were|can|could|may|have|has|help|helps|improve|improves|remain|"
    r"remains|require|requires|perform|performs|achieve|achieves|yield|yields|lead|leads)\b)"
)
_LIST_SPLIT_RE = re.compile(r",? and |,? or |, ")
_LIST_GENERIC = frozenset(
    "data text texts information inputs outputs settings scenarios domains languages "
    "modalities tasks methods models".split()
)
_ADJECTIVE_RE = re.compile(r"(?:al|ive|ous|ic|able|ible|ful|less|ary)$")


def such_as_lists(
    text: str, cue_nouns: Mapping[str, EntityType], stops: frozenset[str], title_end: int = 0
) -> list[tuple[int, int, EntityType]]:
    """Lower-case phrases listed after a cue noun: "tasks such as function calling, tool
    use and code completion" are tasks, "techniques including pruning and quantization"
    methods. Items of more than four words, or that are a stop term, are not taken."""
    out = []
    for cue in _SUCH_AS_CUE_RE.finditer(text, title_end):
        noun = _CUE_NOUN_BEFORE_RE.search(text, max(title_end, cue.start() - 40), cue.start())
        etype = cue_nouns.get(noun.group(1).lower()) if noun else None
        if etype not in (EntityType.TASK, EntityType.METHOD):
            continue  # named models and data are found by their names
        m = _SUCH_AS_LIST_RE.match(text, cue.end())
        if not m:
            continue
        pos = m.start(1)
        for item in _LIST_SPLIT_RE.split(m.group(1)):
            start = text.find(item, pos)
            pos = start + len(item)
            words = item.split()
            if not words or words[0] in _FUNCTION_WORDS or words[-1] in _LIST_GENERIC:
                continue
            if len(words) > 1 and words[0].endswith("ing"):  # "handling longer texts"
                continue
            if len(words) == 1 and _ADJECTIVE_RE.search(item):  # "multilingual"
                continue
            if item.lower() in stops or len(item) < 4:
                continue
            out.append((start, start + len(item), etype))
    return out
