"""Technique names of scikit-learn's estimators (read from the wheel, not imported).

The public classes (``__all__``) of the estimator subpackages (clustering, decomposition,
ensembles, linear models, manifold learning, mixtures, neighbours, neural networks, SVMs, trees,
covariance), named by the first line of their docstring, as the docs write them:

1. a long form with its abbreviation ("Principal component analysis (PCA).") -> both;
2. the class name as the line writes it ("Mean shift clustering using ..." -> "Mean shift",
   "Ridge regression with built-in cross-validation." -> "Ridge regression"): the shortest
   form that is a name, tried with "regression", "classification", "clustering", "analysis"
   after (a line that is only the name and "estimation" or "clustering" is the name: "K-Means
   clustering.", "Kernel Density Estimation.");
3. an all-caps class whose line spells it out ("Canonical Correlation Analysis, ..." for
   ``CCA``) -> the long form.

Only names of several words, or one word written like a name (two capitals, a hyphen or a
digit: "FastICA", "DBSCAN", "Theil-Sen"), are kept: "Lasso", "Perceptron" or "Bagging" alone
are plain words. Type METHOD (a technique, guideline rule 6).
"""

from __future__ import annotations

import ast
import re

from _common import (
    Row,
    best_form,
    defined_abbreviations,
    display_forms,
    key,
    long_start,
    print_rows,
    prose,
    read,
    source_tag,
    wheel,
)

SUBPACKAGES = (
    "cluster covariance cross_decomposition decomposition ensemble gaussian_process "
    "linear_model manifold mixture neighbors neural_network semi_supervised svm tree"
).split()
_SUFFIX = re.compile(r"(CV|Classifier|Regressor|Estimator|Transformer)$")
_SKIP = re.compile(r"^Base|Mixin$|Display$|^[A-Z_]+S$")
_GENERIC_TAIL = re.compile(r"\s+(?:estimator|model|algorithm|classifier|regressor)$", re.I)
_TECHNIQUE_TAIL = re.compile(r" (?:[Ee]stimation|[Cc]lustering)")
_TRIES = ("", "regression", "classification", "clustering", "analysis")


def name_like(form: str) -> bool:
    """Several words, or one written like a name ("FastICA", "DBSCAN", "Theil-Sen")."""
    return " " in form or sum(c.isupper() for c in form) >= 2 or bool(re.search(r"[-\d]", form))


def estimator_names(cls: str, line: str, module_prose: str = "") -> list[str]:
    """[name, aliases...] of estimator class ``cls`` from its docstring's first ``line``."""
    pairs = defined_abbreviations(line)
    if pairs:
        long, short = pairs[0]
        return [_GENERIC_TAIL.sub("", long)] + ([short] if len(key(short)) >= 3 else [])
    base = cls
    while _SUFFIX.search(base) and _SUFFIX.sub("", base):
        base = _SUFFIX.sub("", base)
    for tail in _TRIES:
        form = best_form(display_forms(key(base) + tail, line)) or ""
        if form and name_like(form):
            whole = line.strip().rstrip(".")
            if whole.startswith(form) and _TECHNIQUE_TAIL.fullmatch(whole[len(form) :]):
                return [whole]  # "Kernel Density Estimation.": the line is the name
            return [form]
    if cls.isupper() and len(cls) >= 3:
        head = _GENERIC_TAIL.sub("", re.split(r"[,.:;(]", line, maxsplit=1)[0].strip())
        start = long_start(cls, head)
        if start == 0 and " " in head:
            written = best_form(display_forms(key(cls), module_prose))
            return [head] + ([written] if written else [])
    return []


def _exported(pkg: str) -> list[str]:
    for node in ast.parse(read("scikit-learn", f"sklearn/{pkg}/__init__.py")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            return [n for n in ast.literal_eval(node.value) if n[:1].isupper()]
    return []


def sklearn_rows() -> list[Row]:
    names = wheel("scikit-learn").namelist()
    rows, seen = [], set()
    for pkg in SUBPACKAGES:
        exported = {c for c in _exported(pkg) if not _SKIP.search(c)}
        files = sorted(
            n
            for n in names
            if n.startswith(f"sklearn/{pkg}/") and n.endswith(".py") and "/tests/" not in n
        )
        for f in files:
            src = read("scikit-learn", f)
            for cls in ast.parse(src).body:
                if not (isinstance(cls, ast.ClassDef) and cls.name in exported):
                    continue
                line = (ast.get_docstring(cls) or "").split("\n")[0]
                found = estimator_names(cls.name, line, prose(src))
                if found and key(found[0]) not in seen:
                    seen.add(key(found[0]))
                    rows.append(Row(("METHOD",), found[0], found[1:], source_tag("scikit-learn")))
    return rows


def rows() -> list[Row]:
    return sklearn_rows()


if __name__ == "__main__":
    print_rows(rows())
