"""Metric names from torchmetrics, scikit-learn and nltk (read from the wheels, not imported).

- torchmetrics: the public metric classes (task-specific ``Binary*``/``Multiclass*``/
  ``Multilabel*`` variants, wrappers and base classes skipped); the name is what the class
  docstring's first line calls it: "Long Name (ABBR)" or the "`Name`_" link text.
- scikit-learn: the ``*_score``/``*_error`` functions of ``sklearn.metrics.__all__``
  (``f1_score`` -> "F1"), written as their docstrings write them.
- nltk: the ``nltk/translate/*_score.py`` modules (BLEU, METEOR, chrF, GLEU, NIST, RIBES).

Losses are skipped (guideline addendum A5: a training loss is METHOD).
"""

from __future__ import annotations

import ast
import re

from _common import (
    Row,
    abbreviation,
    best_form,
    display_forms,
    key,
    print_rows,
    read,
    source_tag,
    wheel,
)

_VARIANT = re.compile(r"^(Binary|Multiclass|Multilabel)[A-Z]")
_SKIP_FILES = ("utilities", "wrappers", "aggregation.py", "metric.py", "collections.py")
_SKIP_CLASS = re.compile(r"(Results|Backend|Metric|Curve|Matrix|Loss|Scores)$|^NoTrain|^Retrieval$")
_LINK = re.compile(r"`([^`]+?)`_")
_PAREN = re.compile(r"([A-Za-z][\w'-]*(?:[ -][\w'-]+){0,6})\s*\(`?([A-Za-z][\w-]{1,9})`?_?\)")
_VERB = re.compile(r"^(?:compute|calculate)s?\s+", re.I)


def _metric_names(cls_name: str, first_line: str) -> list[str]:
    """[name, aliases...] from a torchmetrics class docstring's first line."""
    target = key(re.sub(r"^Retrieval", "", cls_name))
    for m in _PAREN.finditer(first_line):
        words = _VERB.sub("", m.group(1)).split()
        for i in range(len(words)):  # the shortest tail whose initials fit the abbreviation
            long = " ".join(words[i:]).strip("`_")
            ab = abbreviation(f"{long} ({m.group(2)})")
            if ab and key(ab[0])[:4] == target[:4]:
                return [ab[0], ab[1]]
    for m in _LINK.finditer(first_line):
        text = _VERB.sub("", m.group(1)).strip()
        if key(text)[:4] == target[:4] and len(text) <= 40:
            return [text]
    return []


_JUNK = re.compile(r"_|Metric|\bloss\b|training|^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")


# "CLIP Score" is a metric named after a model: stripping "Score" would name the model.
_MODEL_SCORES = frozenset({"CLIP", "BERT"})


def _clean(names: list[str]) -> list[str]:
    """Drop code-like or non-metric forms; "BLEU score" -> ["BLEU", "BLEU score"]."""
    if not names or _JUNK.search(names[0]):
        return []
    m = re.fullmatch(r"(\S+) [Ss]core", names[0])
    if (
        m
        and m.group(1) not in _MODEL_SCORES
        and (sum(c.isupper() for c in m.group(1)) >= 2 or len(m.group(1)) <= 5)
    ):
        return [m.group(1), *names]
    return names


def torchmetrics_rows() -> list[Row]:
    z = wheel("torchmetrics")
    rows = []
    for name in sorted(z.namelist()):
        parts = name.split("/")
        if not (name.endswith(".py") and parts[0] == "torchmetrics") or "functional" in parts:
            continue
        if any(p in _SKIP_FILES for p in parts):
            continue
        for cls in ast.parse(read("torchmetrics", name)).body:
            if not isinstance(cls, ast.ClassDef) or cls.name.startswith("_"):
                continue
            if _VARIANT.match(cls.name) or _SKIP_CLASS.search(cls.name):
                continue
            doc = (ast.get_docstring(cls) or "").split("\n\n")[0].replace("\n", " ")
            names = _clean(_metric_names(cls.name, doc))
            if names:
                rows.append(Row(("METRIC",), names[0], names[1:], source_tag("torchmetrics")))
    return rows


_SK_SKIP = re.compile(r"curve|matrix|report|scorer|pairwise|distances|samples|display|loss|_count")


def sklearn_rows() -> list[Row]:
    src = read("scikit-learn", "sklearn/metrics/__init__.py")
    exported: list[str] = []
    for node in ast.parse(src).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            exported = list(ast.literal_eval(node.value))
    docs: dict[str, str] = {}
    z = wheel("scikit-learn")
    for name in z.namelist():
        if name.startswith("sklearn/metrics/") and name.endswith(".py") and "tests" not in name:
            for fn in ast.parse(read("scikit-learn", name)).body:
                if isinstance(fn, ast.FunctionDef) and fn.name in exported:
                    docs[fn.name] = (ast.get_docstring(fn) or "").split("\n\n")[0]
    rows = []
    for fn in exported:
        if not re.search(r"_(score|error)$", fn) or _SK_SKIP.search(fn):
            continue
        phrase = re.sub(r"_score$", "", fn).replace("_", " ")
        doc = docs.get(fn, "")
        form = best_form(display_forms(key(phrase), doc))
        if form and not _JUNK.search(form):
            rows.append(Row(("METRIC",), form, [], source_tag("scikit-learn")))
    return rows


def nltk_rows() -> list[Row]:
    rows = []
    for name in sorted(wheel("nltk").namelist()):
        m = re.fullmatch(r"nltk/translate/([a-z]+)_score\.py", name)
        if m:
            form = best_form(display_forms(m.group(1), read("nltk", name)))
            if form:
                rows.append(Row(("METRIC",), form, [], source_tag("nltk")))
    return rows


def rows() -> list[Row]:
    return torchmetrics_rows() + sklearn_rows() + nltk_rows()


if __name__ == "__main__":
    print_rows(rows())
