"""Rule-based sentence boundaries over raw text (no tagger, no parser).

A sentence ends at ``.``, ``!`` or ``?`` (optionally followed by a closing
quote or bracket) when whitespace and an upper-case letter, digit or opening
quote follow and the word before the stop is not a known abbreviation
("e.g.", "et al.", "Fig."); a blank line (the title/abstract separator kg
uses) always ends a sentence.
"""

from __future__ import annotations

import re

_END_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u0370-\u03ff])")
_BREAK_RE = re.compile(r"\n[ \t]*\n\s*|\n(?=\s*[A-Z])")
_ABBREV_RE = re.compile(
    r"\b(?:e\.g|i\.e|et al|etc|vs|cf|fig|figs|eq|eqs|sec|tab|no|approx|resp|incl|ca|viz|"
    r"[A-Z])\.$",
    re.IGNORECASE,
)


def sentence_starts(text: str) -> list[int]:
    """Return the character offsets where sentences start (always ``0`` first).

    >>> sentence_starts("We test GPT-4. It works, e.g. on COCO.\\n\\nNext one")
    [0, 15, 41]
    """
    starts = {0}
    for m in _END_RE.finditer(text):
        stop = m.start() + 1
        if text[m.start()] == "." and _ABBREV_RE.search(text, max(0, stop - 8), stop):
            continue
        starts.add(m.end())
    for m in _BREAK_RE.finditer(text):
        starts.add(m.end())
    return sorted(s for s in starts if s < len(text) or s == 0)


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` character ranges of the sentences, trailing space stripped."""
    starts = sentence_starts(text)
    bounds = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        stripped = text[start:end].rstrip()
        if stripped:
            bounds.append((start, start + len(stripped)))
    return bounds
