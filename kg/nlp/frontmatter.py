"""Author and affiliation lines after an abstract (plain functions).

Abstracts cut from PDFs (SciREX's first section among them) often end with the paper's
front matter: author names glued together ("TomSercu ChristianPuhrsch"), footnote marks
("1] BoleiZhou2] ..."), affiliations, e-mail addresses, keywords, copyright lines. Names
found there are people and places, not entities. :func:`front_matter_start` finds where
such a tail begins: the end of the last sentence before a strong marker (an e-mail
address, a footnote mark before a name, "Corresponding author", "Keywords") or before two
weak ones (University, Institute, Inc., "SchoolofComputerScience"), in the abstract's
second half. The markers are layout, not vocabulary: they stay here, case-sensitive.
"""

from __future__ import annotations

import re
from itertools import islice

_SENTENCE_END_RE = re.compile(r"[.!?]\s")
# e-mail, "{tsercu, bedk} @us.ibm.com"; bounded, from a run's start (a 200k-character word
# must not cost quadratic time). Searched only when the text has an "@" (it tries every word).
_EMAIL_RE = re.compile(r"(?:(?<![\w.+-])[\w.+-]{1,64}|[}\]]) ?@ ?[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_STRONG_RE = re.compile(
    r"\b(?:KEYWORDS|Keywords\s*:|Index Terms\s*[:\u2014-])"
    r"|(?<!\S)\[?\d{1,2}\*?\] ?[A-Z][a-z]+(?:[A-Z][a-z]+|\s[A-Z][a-z]+)"  # "1] BoleiZhou"
    r"|[Cc]orresponding author|TechnicalReport"
)
_WEAK_RE = re.compile(
    r"University|Institute|\bInc\.|Laborator(?:y|ies)|School ?of|Department ?of"
    r"|[a-z](?:of|and)(?:Computer|Science|Technology|Engineering|Informatics)"
    r"|[a-z]{3}(?:for|of|and)[A-Z][a-z]"  # glued words: "CenterforDataScience"
)


def front_matter_start(text: str, title_end: int) -> int:
    """Offset where trailing front matter starts (``len(text)`` when there is none)."""
    half = title_end + (len(text) - title_end) * 2 // 5
    strong = [_STRONG_RE.search(text, half)]
    if text.find("@", half) >= 0:
        strong.append(_EMAIL_RE.search(text, half))
    weak = list(islice(_WEAK_RE.finditer(text, half), 2))
    marks = [m.start() for m in strong if m]
    if len(weak) == 2:
        marks.append(weak[0].start())
    if not marks:
        return len(text)
    first = min(marks)
    ends = [m.end() for m in _SENTENCE_END_RE.finditer(text, half, first)]
    return ends[-1] if ends else len(text)
