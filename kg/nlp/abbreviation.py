"""Abbreviation definitions: "long form (SHORT)" and "SHORT (long form)".

The matching of a short form's characters against the preceding words is the
algorithm of Schwartz & Hearst (2003), "A simple algorithm for identifying
abbreviation definitions in biomedical text", PSB 2003: walk both strings
from the right, match each alphanumeric character of the short form in the
long form, the first one at the start of a word, and cut the long form at
that word. Two small changes for ML abstracts: a word starts only after
whitespace or an opening bracket/quote, so a hyphenated compound is kept
whole ("Semi-supervised machine learning (SSL)"), and an internal hyphen
or slash of the short form is ignored ("PLT-MLC").
"""

from __future__ import annotations

import re
from bisect import bisect_right

_PAREN_RE = re.compile(r"\(([^()\n]{1,60})\)")
_WORD_RE = re.compile(r"\S+")
_LAST_WORD_RE = re.compile(r"\S+(?=\s*$)")
_WORD_START_BEFORE = frozenset(" \t\n([{\"'\u201c\u2018")
_MAX_SHORT_CHARS = 12


def is_short_form(text: str) -> bool:
    """Whether ``text`` can be an abbreviation: 2-12 chars, one or two words,
    starts with a letter or digit, holds a letter and an upper-case letter or digit."""
    if not 2 <= len(text) <= _MAX_SHORT_CHARS or len(text.split()) > 2:
        return False
    if not text[0].isalnum() or not any(c.isalpha() for c in text):
        return False
    return any(c.isupper() or c.isdigit() for c in text)


def match_long_form(short: str, candidate: str) -> int | None:
    """Schwartz & Hearst's best long form: the start offset in ``candidate``
    of the long form for ``short``, or ``None`` when the characters do not match.

    >>> match_long_form("MoE", "A survey on Mixture of Experts")
    12
    """
    chars = [c.lower() for c in short if c.isalnum()]
    if not chars:
        return None
    li = len(candidate) - 1
    for si in range(len(chars) - 1, -1, -1):
        c = chars[si]
        while li >= 0:
            at_start = li == 0 or candidate[li - 1] in _WORD_START_BEFORE
            if candidate[li].lower() == c and (si > 0 or at_start):
                break
            li -= 1
        if li < 0:
            return None
        li -= 1
    return li + 1


def _window_start(text: str, end: int, n_words: int, floor: int) -> int:
    """Offset where the ``n_words`` words before ``end`` start (not before ``floor``)."""
    lo = max(floor, end - 40 * n_words)  # words are short; no need to scan the sentence
    starts = [m.start() for m in _WORD_RE.finditer(text, lo, end)]
    if lo > floor and starts and starts[0] == lo and not text[lo - 1].isspace():
        starts = starts[1:]  # a word cut by the window
    if len(starts) >= n_words:
        return starts[-n_words]
    return starts[0] if starts and lo > floor else floor


def _valid_pair(long_text: str, short: str) -> bool:
    long_words = long_text.split()
    if len(long_text) <= len(short) or not long_words:
        return False
    if short.lower() in (w.lower() for w in long_words):
        return False
    n = len([c for c in short if c.isalnum()])
    return len(long_words) <= min(n + 5, 2 * n)


def find_abbreviations(
    text: str, floors: list[int] | None = None
) -> list[tuple[int, int, int, int]]:
    """Find abbreviation definitions in ``text``.

    Parameters
    ----------
    text
        Any text.
    floors
        Sorted sentence start offsets; a long form never crosses one.

    Returns
    -------
    list of ``(long_start, long_end, short_start, short_end)`` character offsets.
    """
    out = []
    floors = floors or [0]
    for m in _PAREN_RE.finditer(text):
        inner_start = m.start(1)
        inner = m.group(1)
        floor = floors[max(0, bisect_right(floors, m.start()) - 1)]
        # "(SSL, ...)" / "(SSL; ...)": the part before the first separator.
        short = re.split(r"[,;]| or ", inner, maxsplit=1)[0].strip()
        s_start = inner_start + inner.index(short) if short else inner_start
        if short and is_short_form(short):
            n = len([c for c in short if c.isalnum()])
            before_end = m.start()
            while before_end > floor and text[before_end - 1] in " \t":
                before_end -= 1
            win = _window_start(text, before_end, min(n + 5, 2 * n), floor)
            cand = text[win:before_end]
            rel = match_long_form(short, cand)
            if rel is not None:
                long_start = win + rel
                long_text = text[long_start:before_end]
                if _valid_pair(long_text, short):
                    out.append((long_start, before_end, s_start, s_start + len(short)))
                    continue
        # "SHORT (long form)": the word before the bracket is the abbreviation.
        w = _LAST_WORD_RE.search(text, max(floor, m.start() - 60), m.start())
        if w and len(inner.split()) >= 2:
            wtext = w.group().strip(",;:")
            if is_short_form(wtext) and match_long_form(wtext, inner) == 0:
                if _valid_pair(inner, wtext):
                    out.append((inner_start, m.end(1), w.start(), w.start() + len(wtext)))
    return out
