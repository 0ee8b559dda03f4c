"""Dataset and benchmark names from torchvision, tensorflow-datasets and lm-eval (files only).

- torchvision.datasets: the public dataset classes (``__all__``); the name is the link text of
  the class docstring ("`Caltech 101 <url>`_ Dataset"), kept when it spells the class name.
- tensorflow-datasets: the builder folders/modules; a builder gives a name only when its own
  README/description writes it (``cifar10`` -> "CIFAR-10"), so ids without a name are skipped.
- lm-eval: the task folders of ``lm_eval/tasks``; the name is the folder README's title or the
  README's own spelling of the folder name. Typed BENCHMARK (guideline addendum A3) when the
  README calls it a benchmark, evaluation suite or leaderboard; otherwise DATASET|BENCHMARK.
"""

from __future__ import annotations

import ast
import re
from collections import Counter

from _common import (
    Row,
    abbreviation,
    best_form,
    digit_variants,
    display_forms,
    key,
    print_rows,
    prose,
    read,
    source_tag,
    wheel,
)

_LINK = re.compile(r"`([^`<]+?)\s*<[^>]+>`__?")
_STRIP = re.compile(r"^(?:the|generic)\s+|\s+(?:data ?set|dataset|entities)$", re.I)


def torchvision_rows() -> list[Row]:
    z = wheel("torchvision")
    tree = ast.parse(read("torchvision", "torchvision/datasets/__init__.py"))
    exported: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            exported = set(ast.literal_eval(node.value))
    rows = []
    for name in sorted(z.namelist()):
        if not (name.startswith("torchvision/datasets/") and name.endswith(".py")):
            continue
        for cls in ast.parse(read("torchvision", name)).body:
            if not (isinstance(cls, ast.ClassDef) and cls.name in exported):
                continue
            m = _LINK.search(ast.get_docstring(cls) or "")
            if not m:
                continue
            text = _STRIP.sub("", m.group(1).strip())
            abbr = abbreviation(text)
            forms = [abbr[1], _STRIP.sub("", abbr[0])] if abbr else [text]
            ck = key(cls.name)
            if not any(ck.startswith(key(f)[:4]) or key(f) in ck for f in forms):
                continue  # the link text is not this dataset's name ("CREStereo github repo")
            aliases = [f for f in forms[1:]]
            for f in forms:
                aliases += digit_variants(f)
            rows.append(Row(("DATASET",), forms[0], aliases, source_tag("torchvision")))
    return rows


def _tfds_builders() -> dict[str, list[str]]:
    """Builder name -> the files that describe it (README, module source)."""
    out: dict[str, list[str]] = {}
    for name in wheel("tensorflow-datasets").namelist():
        parts = name.split("/")
        if parts[0] != "tensorflow_datasets" or "testing" in parts or "scripts" in parts:
            continue
        if len(parts) == 4 and parts[1] == "datasets" and parts[3] in ("README.md",):
            out.setdefault(parts[2], []).append(name)
        elif (
            len(parts) in (3, 4)
            and parts[-1].endswith(".py")
            and not parts[-1].endswith("_test.py")
        ):
            stem = parts[-1][:-3]
            if stem.startswith("_") or parts[1] in ("core", "proto", "datasets"):
                continue
            if len(parts) == 3 or parts[2] == stem:
                out.setdefault(stem, []).append(name)
    return out


def tfds_rows() -> list[Row]:
    rows = []
    for builder, files in sorted(_tfds_builders().items()):
        text = "\n".join(
            read("tensorflow-datasets", f)
            if f.endswith(".md")
            else prose(read("tensorflow-datasets", f))
            for f in files
        )
        forms: Counter = Counter()
        for target in {key(builder), key(re.sub(r"_?(dataset|subset|v\d+)$", "", builder))}:
            if len(target) >= 3:
                forms.update(display_forms(target, text))
        classes = {
            n.name
            for f in files
            if f.endswith(".py")
            for n in ast.walk(ast.parse(read("tensorflow-datasets", f)))
            if isinstance(n, ast.ClassDef)
        }
        form = best_form(Counter({f: n for f, n in forms.items() if _NAMELIKE.fullmatch(f)}))
        if form and form not in classes:  # a class name is code, not the dataset's name
            rows.append(Row(("DATASET",), form, digit_variants(form), source_tag(
                "tensorflow-datasets")))  # fmt: skip
    return rows


_NAMELIKE = re.compile(r"[\w.+' -]+")
_BENCH_WORDS = re.compile(r"\bbenchmark|\bevaluation suite|\bleaderboard", re.I)


def lm_eval_rows() -> list[Row]:
    z = wheel("lm_eval")
    folders = sorted(
        {
            n.split("/")[2]
            for n in z.namelist()
            if n.startswith("lm_eval/tasks/") and n.count("/") >= 3
        }
    )
    names = set(z.namelist())
    rows = []
    for folder in folders:
        readme = f"lm_eval/tasks/{folder}/README.md"
        if readme not in names:
            continue
        text = read("lm_eval", readme)
        title = re.match(r"\s*#\s+(.+)", text)
        fk = key(folder)
        forms = display_forms(fk, text)
        form = best_form(forms)
        if not form and title and key(title.group(1)) == fk:
            form = title.group(1).strip()
        if not form or len(fk) < 3:
            continue
        types = ("BENCHMARK",) if _BENCH_WORDS.search(text) else ("DATASET", "BENCHMARK")
        rows.append(Row(types, form, digit_variants(form), source_tag("lm_eval")))
    return rows


def rows() -> list[Row]:
    return torchvision_rows() + tfds_rows() + lm_eval_rows()


if __name__ == "__main__":
    print_rows(rows())
