"""What a title says by its shape (plain functions).

* :func:`title_names` - the proposal's name a title gives by its shape: the noun phrase
  before its first preposition ("Key-Value Memory Networks for ..."), a whole short title
  ("Dual Path Networks"), or what a verb-led title works with ("... via Z");
* :func:`title_methods` - a capitalised technique a title says the work is done with
  ("... via Function Aggregation with Diffusion Models", "... with Iterative Refinement
  Encoders"): the paper's own, besides any name it gives its system;
* :func:`title_prefix_name` - a one-to-three-word prefix before a colon ("Lawma: ...");
* :func:`shouted` and :func:`title_prefix_end` for titles written in capitals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kg.records import EntityType

_TITLE_PREFIX_RE = re.compile(r"^\s*([^:?!]{1,40}?)\s*:\s+\S")
_TITLE_GLUE = frozenset(
    {"and", "or", "of", "the", "a", "an", "in", "on", "for", "to", "is", "are", "as", "at", "based"}
)
_GREEK_CHARS = frozenset(chr(c) for c in range(0x370, 0x400))
_SUBTITLE_NAME_RE = re.compile(
    r":\s+An?\s+((?:[A-Z][\w-]*\s+){1,4}(?:Method|Framework|Approach|Algorithm))\b"
)


def title_names(
    text: str,
    title_end: int,
    head_re: re.Pattern,
    whole_re: re.Pattern,
    tail_re: re.Pattern,
    heads: Mapping[str, tuple[EntityType, bool]] | None = None,
    stops: frozenset[str] = frozenset(),
    cue_nouns: Mapping[str, EntityType] | None = None,
) -> list[tuple[int, int, str, EntityType | None]]:
    """Names a title without a "X:" prefix gives its proposal by its shape: the noun
    phrase before its first preposition ("Key-Value Memory Networks for ..."), the whole
    title when it is one short noun phrase ("Dual Path Networks"), or what a title
    built on a verb does its work with ("Compressing Word Embeddings via Deep
    Compositional Code Learning"). The lead words and connectors are trigger data
    (kinds "title-head", "title-whole", "title-tail"); no glue word may occur inside,
    and a phrase ending in a task or metric head noun ("... Retinopathy Grading") is
    no proposal's name."""
    if title_end <= 0 or ":" in text[:title_end]:  # "X: ..." titles: title_prefix_name
        return []
    title = text[:title_end].rstrip()
    out: list[tuple[int, int, str, EntityType | None]] = []
    m = head_re.match(title) or whole_re.match(title)
    if m and _task_headed(m.group(1), heads, cue_nouns):
        return []
    if m and not _glued(m.group(1), stops):
        out.append((m.start(1), m.end(1), "title-head", None))
    elif not m or not m.group(1).split()[0].endswith("ing"):
        t = tail_re.search(title)
        if (
            t
            and not _glued(t.group(1), stops)
            and not _task_headed(t.group(1), heads, cue_nouns)
            and not t.group(1).split()[0].lower().endswith("ing")
            and all(w[0].isupper() or w[0].isdigit() for w in t.group(1).split())
            and title.split()[0].endswith("ing")
        ):
            out.append((t.start(1), t.end(1), "title-head", EntityType.METHOD))
    return out


_TITLE_METHOD_RE = re.compile(
    r"\s(?:via|with|using|through|by)\s+(?:(?:[Aa]n?|[Tt]he)\s+)?"
    r"((?:[A-Z0-9][\w'\u2019.+-]*\s+){1,5}[A-Z0-9][\w'\u2019.+-]*)"
    r"(?=\s+(?:for|in|on|and|to|from|with|under)\s|\s*$|\s*[:,])"
)


def title_methods(
    text: str,
    title_end: int,
    heads: Mapping[str, tuple[EntityType, bool]],
    part_heads: Mapping[str, object],
    stops: frozenset[str] = frozenset(),
) -> list[tuple[int, int, str, EntityType | None]]:
    """Techniques a title says the work is done with: two to six capitalised words after
    "via", "with", "using", "through" or "by", ending in a technique's head noun
    (a METHOD head of ``heads`` or a part noun: "Distillation", "Encoders", "Loss") not led by a
    verb form ("by Refining Shape Priors"): "FunEditor: ... via Function Aggregation",
    "Sentence Embeddings in NLI with Iterative Refinement Encoders"."""
    out: list[tuple[int, int, str, EntityType | None]] = []
    for m in _TITLE_METHOD_RE.finditer(text, 0, title_end):
        phrase = m.group(1)
        words = phrase.lower().split()
        last = words[-1]
        if (
            words[0].endswith("ing")
            or _glued(phrase, stops)
            or _task_headed(phrase, heads)
            or not (
                _method_head(last, heads, part_heads) or _method_head(last[:-1], heads, part_heads)
            )
        ):
            continue
        out.append((m.start(1), m.end(1), "title-method", EntityType.METHOD))
    return out


def _method_head(word: str, heads, part_heads) -> bool:
    head = heads.get(word)
    return word in part_heads or (head is not None and head[0] is EntityType.METHOD)


def _task_headed(
    phrase: str,
    heads: Mapping[str, tuple[EntityType, bool]] | None,
    cue_nouns: Mapping[str, EntityType] | None = None,
) -> bool:
    """ "Unsupervised Anomaly Detection" ends in a task (or metric) head noun, "Public
    Social Media Data" in a cue noun for data: no technique's name."""
    words = phrase.lower().split()
    if (
        words
        and cue_nouns
        and cue_nouns.get(words[-1]) in (EntityType.DATASET, EntityType.BENCHMARK)
    ):
        return True
    head = heads.get(words[-1]) if heads and words else None
    return head is not None and head[0] in (EntityType.TASK, EntityType.METRIC)


def _glued(phrase: str, stops: frozenset[str] = frozenset()) -> bool:
    """A glue word or (of several words) a verb form or stop word inside a phrase."""
    words = [w.lower() for w in phrase.split()]
    return any(w in _TITLE_GLUE for w in words) or (
        len(words) > 1 and any(w in stops for w in words)
    )


def shouted(text: str, title_end: int) -> bool:
    """Whether the title is written in capitals (most of its letters upper case): then
    its words are not acronyms, and only a prefix before a colon can be a name."""
    letters = [c for c in text[:title_end] if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def title_prefix_end(text: str, title_end: int) -> int:
    """End of a title's prefix before its colon ("LLAMA-OMNI: ..." -> 10), else 0."""
    colon = text.find(":", 0, title_end)
    return colon if 0 < colon <= 40 else 0


def title_prefix_name(
    text: str,
    title_end: int,
    stops: frozenset[str] = frozenset(),
    heads: Mapping[str, tuple[EntityType, bool]] | None = None,
) -> tuple[int, int] | None:
    """The span of a title prefix that is a name: one to three words before a colon,
    capitalised, no glue words ("Lawma: ...", not "Pooling And Attention: ..."); several
    words are no name when one is a verb form or stop word (``stops``: "Quantization
    Meets Reasoning") or the last is a task head ("Preemptive Hallucination Reduction")."""
    t = _TITLE_PREFIX_RE.match(text, 0, title_end)
    if not t:
        return None
    prefix = t.group(1).strip()
    words = prefix.split()
    if any(w.lower() in _TITLE_GLUE for w in words) or not 1 <= len(words) <= 3:
        return None
    if len(words) > 1 and (
        words[0].lower().endswith("ing")  # "Maintaining MTEB: ..."
        or any(w.lower() in stops for w in words)
        or _task_headed(prefix, heads)
    ):
        return None
    if not (prefix[:1].isupper() or prefix[:1] in _GREEK_CHARS):
        return None
    return t.start(1), t.start(1) + len(prefix)
