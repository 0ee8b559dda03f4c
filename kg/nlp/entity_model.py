"""A learned last word on the rules' entities: keep or drop, and which type.

The rules find an entity's span and a type by evidence; whether guideline annotators
count it (a real task mentioned in passing is no entity; "domain adaptation" is a TASK
where the paper addresses it) depends on many weak signals at once. A multinomial
logistic regression over those signals (the rule sources that found the entity, its
type and proposal rule, mentions, title, shape, the lower-case head noun, the words
around its first mention, and the kind of the nearest cue noun around its first mentions:
"X, a lightweight network", "the X benchmark") predicts the annotators' type or NONE. An
entity whose NONE probability reaches the model's threshold goes; one kept takes the most
probable type.

The weights are data (``kg/data/entity_model.json``), trained by
``scripts/train_entity_model.py`` on the guideline-annotated sets in
``tests/nlp/fixtures`` with this module's :func:`features`; a file without classes
turns the step off (the training run itself uses that).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import DataFileError
from kg.records import EntityType

if TYPE_CHECKING:  # resolve imports resources, which reads this module's files
    from kg.nlp.resolve import Group

NONE = "NONE"
#: The weights file in the data folder.
MODEL_FILE = "entity_model.json"
_WORD_RE = re.compile(r"[\w-]+")
_LOWER_WORD_RE = re.compile(r"[a-z][a-z-]*$")


@dataclass(frozen=True)
class EntityModel:
    """Per-feature weight rows (one weight a class), intercepts and the drop threshold."""

    classes: tuple[str, ...] = ()
    weights: dict[str, tuple[float, ...]] = field(default_factory=dict)
    intercept: tuple[float, ...] = ()
    threshold: float = 1.0

    def probabilities(self, feats: dict[str, float]) -> dict[str, float]:
        weights = self.weights
        rows = [self.intercept]
        for name, value in feats.items():
            row = weights.get(name)
            if row is not None and value:
                rows.append(row if value == 1.0 else tuple(w * value for w in row))
        scores = [sum(column) for column in zip(*rows, strict=True)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def decide(self, feats: dict[str, float]) -> str:
        """NONE when its probability reaches the threshold, else the most probable type."""
        probs = self.probabilities(feats)
        if probs.get(NONE, 0.0) >= self.threshold:
            return NONE
        return max((c for c in self.classes if c != NONE), key=lambda c: (probs[c], c))


def read_model(path: Path) -> EntityModel:
    """The model file; a missing one is a reinstall, a malformed one names what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: data file missing; reinstall kg or fix --data-dir") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(
            f"{path}: not a JSON model file ({exc}); rebuild it with scripts/train_entity_model.py"
        ) from None
    try:
        classes = tuple(data["classes"])
        n = len(classes)
        weights = {k: tuple(float(x) for x in v) for k, v in data["weights"].items()}
        intercept = tuple(float(x) for x in data["intercept"])
        threshold = float(data["threshold"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFileError(
            f"{path}: bad model file ({exc!r}); rebuild it with scripts/train_entity_model.py"
        ) from None
    if len(intercept) != n or any(len(v) != n for v in weights.values()):
        raise DataFileError(f"{path}: weight rows do not match the {n} classes")
    if classes and (
        NONE not in classes or not set(classes) - {NONE} <= {t.value for t in EntityType}
    ):
        raise DataFileError(f"{path}: classes must be entity types and {NONE}")
    return EntityModel(classes, weights, intercept, threshold)


def features(
    text: str, title_end: int, g: Group, rule: str, cues: Mapping[str, EntityType] | None = None
) -> dict[str, float]:
    """The signals the model weighs for one entity (see the module doc); ``cues`` are the
    cue nouns of ``cue_nouns.tsv`` (word -> the type it marks)."""
    etype = g.type.value if g.type else ""
    mentions = sorted(g.mentions)
    a, b = mentions[0]
    f = {  # a feature that is off is left out (the same as 0 for the model, and faster)
        "type=" + etype: 1.0,
        "rule=" + rule: 1.0,
        f"mentions={min(len(mentions), 3)}": 1.0,
        "sources": float(len(g.sources)),
        "position": a / max(1, len(text)),
    }
    if g.introduced:
        f["intro"] = 1.0
    if a < title_end:
        f["in_title"] = 1.0
        if all(s < title_end for s, _ in mentions):
            f["only_title"] = 1.0
    for s in g.sources:
        f["src=" + s] = 1.0
        f[f"src={s}|{etype}"] = 1.0
    name = g.name
    words = name.split() or [name]
    f[f"words={min(len(words), 4)}"] = 1.0
    for flag, on in (
        ("lower", name[:1].islower()),
        ("digit", any(c.isdigit() for c in name)),
        ("caps", sum(c.isupper() for c in name) >= 2),
        ("hyphen", "-" in name),
    ):
        if on:
            f[flag] = 1.0
    head = words[-1]
    if _LOWER_WORD_RE.match(head):  # a common noun, never a name
        f["head=" + head] = 1.0
        f[f"head={head}|{etype}"] = 1.0
    before = _WORD_RE.findall(text, max(0, a - 30), a)
    after = _WORD_RE.findall(text, b, min(len(text), b + 30))
    f["prev=" + (before[-1].lower() if before else "")] = 1.0
    f["next=" + (after[0].lower() if after else "")] = 1.0
    if cues:
        _cue_features(text, mentions[:_CUE_MENTIONS], cues, f)
    return f


#: How many mentions the cue features look at, and how far after / before each (words, chars).
_CUE_MENTIONS, _CUE_AFTER, _CUE_BEFORE = 4, (6, 50), (4, 35)
_PUNCT = ".,;:!?()[]{}\"'\u201c\u201d\u2018\u2019"


def _cue_features(
    text: str, mentions: list, cues: Mapping[str, EntityType], f: dict[str, float]
) -> None:
    """The kind of the nearest cue noun after and before each mention ("KITTI, a driving
    benchmark"; "the network LiteFlowNet"): the word the guideline types by. Words are
    split at white space (a slice of the text, cut to whole words), punctuation stripped."""
    n_after, c_after = _CUE_AFTER
    n_before, c_before = _CUE_BEFORE
    size = len(text)
    for s, e in mentions:
        words = text[e : e + c_after].split()
        if e + c_after < size and not text[e + c_after].isspace() and words:
            words.pop()  # cut inside a word
        _add_first_cue(words[:n_after], cues, "cue_after=", f)
        lo = max(0, s - c_before)
        words = text[lo:s].split()
        if lo > 0 and not text[lo - 1].isspace() and words:
            words.pop(0)
        _add_first_cue(reversed(words[-n_before:]), cues, "cue_before=", f)


def _add_first_cue(
    words: Iterable[str], cues: Mapping[str, EntityType], prefix: str, f: dict[str, float]
) -> None:
    """Mark the kind of the first cue noun of ``words`` (nearest first) as ``prefix`` + type."""
    for w in words:
        cue = cues.get(w.strip(_PUNCT).lower())
        if cue is not None:
            f[prefix + cue.value] = 1.0
            return


def apply_model(
    text: str,
    title_end: int,
    groups: dict[str, Group],
    rules: dict[str, str],
    model: EntityModel,
    cues: Mapping[str, EntityType] | None = None,
) -> dict[str, Group]:
    """Drop the entities the model calls NONE; retype the others (in place)."""
    if not model.classes:
        return groups
    out = {}
    for key, g in groups.items():
        decided = model.decide(features(text, title_end, g, rules.get(key, ""), cues))
        if decided != NONE:
            g.type = EntityType(decided)
            out[key] = g
    return out
