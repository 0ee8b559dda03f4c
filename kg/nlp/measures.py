"""Evaluation measures named where the text puts a measure.

A result sentence names what it measures in a few fixed places: "in terms of
naturalness and speaker similarity", "outperforms the baselines in motion realism and
controllability", "reduces token usage and inference time by 50%", "achieves superior
temporal coherence", "a 2.1x decoding speedup", "26% smaller model size", "running at
5 fps", "metrics such as ...". A phrase in such a slot whose last word is a measure
noun (``measure_heads.txt``: "naturalness", "latency", "audio quality") is a METRIC
candidate; so is a short capitalised name right after "in terms of" ("in terms of
SSIM"). Nowhere else: "quality" or "speed" in running text is not a measure, and a
task name before the measure noun stays the task ("relation extraction accuracy").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from kg.nlp.lists import ITEM_SEP_RE

# What opens a list of measures, with the stems it starts with: each is found by plain
# substring search (fast), then matched there. All lower case, run over the case-folded
# text (same offsets); every repeat bounded.
_OUT_STEMS = (
    "outperform",
    "surpass",
    "improv",
    "enhancement",
    "gain",
    "advantage",
    "degradation",
    "superior",
    "better",
    "excel",
    "lead",
)
_ACHIEVE_STEMS = (
    "achiev",
    "obtain",
    "attain",
    "reach",
    "report",
    "show",
    "exhibit",
    "deliver",
    "yield",
)
# A list that must end in "by": "reduces token usage and inference time by 50%".
_BY_STEMS = ("improv", "reduc", "cut", "lower", "increas", "boost", "decreas", "halv", "doubl")


def _alt(stems: tuple[str, ...]) -> str:
    return "(?:" + "|".join(stems) + ")"


_OPENERS = tuple(
    (kind, re.compile(rx), stems)
    for kind, rx, stems in (
        ("lst", r"in terms of\s+", ("in terms of",)),
        (
            "lst",
            _alt(_OUT_STEMS) + r"\w*\b[^.;:()]{0,60}?\bin\s+(?!terms of)(?:both\s+)?",
            _OUT_STEMS,
        ),
        ("lst", r"(?:balance|trade-?off)\s+between\s+", ("balance", "trade")),
        (
            "lst",
            _alt(_ACHIEVE_STEMS) + r"\w*\s+(?:a\s+|an\s+)?"
            r"(?:superior|higher|better|improved|lower|stronger|greater|faster|competitive)\s+",
            _ACHIEVE_STEMS,
        ),
        (
            "lst",
            r"(?:metrics?|measures?)\s*(?:,\s*|:\s*|\(\s*)?(?:such as|including|like|namely)?\s*",
            ("metric", "measure"),
        ),
        ("lst", r"evaluat\w*\s+(?:\w+\s+){0,2}?(?:along|by|regarding)\s+", ("evaluat",)),
        (
            "by",
            _alt(_BY_STEMS) + r"\w*\s+(?:the\s+|both\s+|its\s+|their\s+|overall\s+)?",
            _BY_STEMS,
        ),
    )
)
# One measure after a number: "57% attack success", "2.1x decoding speedup", "5 fps".
_NUMBER_RE = re.compile(
    r"\d[\d.,]*\s?(?:%|\\%|x|×|-fold)?\s?"
    r"(?:(?:relative\s+)?(?:higher|lower|better|smaller|larger|less|more|fewer|faster"
    r"|(?:improvement|reduction|gains?|increase|decrease|drop)\s+in)\s+)?"
)


def _openers(low: str, start: int) -> list[tuple[str, re.Match]]:
    """Every opener match after ``start``, in text order."""
    found = []
    for kind, rx, stems in _OPENERS:
        for stem in stems:
            i = low.find(stem, start)
            while i >= 0:
                if not (i and low[i - 1].isalnum()):
                    m = rx.match(low, i)
                    if m:
                        found.append((kind, m))
                i = low.find(stem, i + 1)
    found.extend(("num", m) for m in _NUMBER_RE.finditer(low, start))
    found.sort(key=lambda km: (km[1].start(), km[0]))
    return found


_WORD_RE = re.compile(r"[A-Za-z][\w/\-]{0,40}")
_LEADING = frozenset(
    "the a an both its their our overall higher lower better superior improved enhanced "
    "greater smaller larger less more fewer reduced strong stronger faster".split()
)
_ENDERS = frozenset(
    "on for with while when compared than by over under at across in of to from as which "
    "that and or but is are was were be been also only while using via within".split()
)
_UNITS = frozenset("ms s sec k m b kb mb gb tb x".split())
_DROPPED_FIRST = _LEADING | _UNITS
_NAME_RE = re.compile(r"[A-Z][A-Za-z0-9]{2,10}$")
_SETTING_RE = re.compile(r"(?:zero|few|one|\d+|k|n)-shot$", re.IGNORECASE)
_GLUED_RE = re.compile(r"\d[a-zA-Z]")
_MAX_WORDS = 4
_MAX_ITEMS = 6


def _item(text: str, pos: int, stops: frozenset[str]) -> tuple[int, int, list[str]] | None:
    """The phrase at ``pos``: words up to the first ending word, leading qualifiers and
    units off ("the overall tagging accuracy", "150ms inference time")."""
    words: list[tuple[int, int]] = []
    while len(words) < _MAX_WORDS + 2:
        m = _WORD_RE.match(text, pos)
        if not m:
            break
        w = m.group().lower()
        if w in _ENDERS or (w in stops and w not in _LEADING):
            break
        words.append(m.span())
        if m.end() >= len(text) or text[m.end()] != " ":
            break
        pos = m.end() + 1
    while words and (
        text[words[0][0] : words[0][1]].lower() in _DROPPED_FIRST
        or _SETTING_RE.match(text, words[0][0], words[0][1])
    ):
        words.pop(0)  # "64.2% zero-shot accuracy": a setting, not the measure's name
    if not words or len(words) > _MAX_WORDS:
        return None
    return words[0][0], words[-1][1], [text[s:e] for s, e in words]


def _measure(words: list[str], heads: Mapping[str, int], names_ok: bool) -> bool:
    last = words[-1].lower()
    need = heads.get(last, heads.get(last[:-1]) if last.endswith("s") else None)
    if need is not None:
        return len(words) > need
    return names_ok and len(words) == 1 and bool(_NAME_RE.match(words[0]))


def metric_slots(
    text: str,
    low: str,
    title_end: int,
    heads: Mapping[str, int],
    stops: frozenset[str],
    task_spans: Iterable[tuple[int, int]] = (),
) -> Iterator[tuple[int, int]]:
    """(start, end) of every measure named in a measure slot of the abstract (``low``:
    :func:`kg.nlp.resources.fold_case` of ``text``)."""
    tasks = {}  # start -> ends of the task names there ("relation extraction accuracy")
    for s, e in task_spans:
        tasks.setdefault(s, []).append(e)
    seen: set[tuple[int, int]] = set()  # two openers may lead to one measure
    for kind, m in _openers(low, title_end):
        if (
            kind == "num"
            and m.start()
            and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_.-")
        ):
            continue  # "GPT-4", "F1", "0.5": a digit inside a name or a number
        glued = kind == "num" and bool(_GLUED_RE.match(text, m.end() - 1))
        unit = _WORD_RE.match(text, m.end()) if glued else None
        if unit and unit.group().lower() in _UNITS:
            glued = False  # "150ms inference time": a unit, then the measure
        elif kind == "num" and not glued and not text[m.end() - 1].isspace():
            continue  # "GPT-4o": a number inside a name
        pos, found = m.end(), []
        while len(found) < (1 if kind == "num" else _MAX_ITEMS):
            item = _item(text, pos, stops)
            if item is None:
                break
            found.append(item)
            sep = ITEM_SEP_RE.match(text, item[1])
            if not sep or kind == "num":
                break
            pos = sep.end()
        if kind == "by" and not (found and text.startswith(" by ", found[-1][1])):
            continue
        names_ok = m.group().startswith("in terms")
        for s, e, words in found:
            if glued and (len(words) > 1 or heads.get(words[0].lower()) != 0):
                continue  # "120fps" yes; "3D errors" no
            if any(t < e for t in tasks.get(s, ())):
                continue
            if _measure(words, heads, names_ok) and (s, e) not in seen:
                seen.add((s, e))
                yield s, e


def slot_candidates(doc, text: str, low: str, title_end: int, res, found: list) -> list[tuple]:
    """Candidate rows (start, end, "METRIC", "metric-slot") of :func:`metric_slots`;
    ``found`` holds the candidate rows so far, whose task names a slot does not swallow."""
    tasks = [(s, e) for s, e, label, _ in found if label == "TASK"]
    tasks += [
        (sp.start_char, sp.end_char)
        for sp in doc.spans.get("kg_gazetteer", ())
        if sp.label_ == "TASK"
    ]
    return [
        (s, e, "METRIC", "metric-slot")
        for s, e in metric_slots(text, low, title_end, res.measure_heads, res.modifier_stops, tasks)
    ]
