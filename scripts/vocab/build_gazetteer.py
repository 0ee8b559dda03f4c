"""Rebuild ``kg/data/gazetteer.tsv`` and ``scripts/vocab/scirex_mention_phrases.tsv``.

    python -m venv /tmp/vocab && /tmp/vocab/bin/pip install wordfreq==3.1.1
    /tmp/vocab/bin/python scripts/vocab/build_gazetteer.py [--check]

Sources, in priority order (the first spelling of a name wins; types and aliases are merged):

1. ``scripts/vocab/curated.tsv``: hand-kept entries, each with a reference: the work that
   introduced the name or a standard reference that defines it ("Author et al. YEAR", "A & B
   YEAR", or a vendor's report "OpenAI 2023, ..."; the source column keeps the part up to the
   year, ``curated:Vaswani et al. 2017``), "-" when a package list or SciREX below also gives
   it, or ``scirex-phrases`` when it is a phrase of ``scripts/vocab/scirex_mention_phrases.tsv``;
2. SciREX result-tuple entities (:mod:`scirex`);
3. dataset/benchmark catalogues (:mod:`datasets`), model lists (:mod:`models`), metric lists
   (:mod:`metrics`), technique names (:mod:`techniques`: trl, peft, imitation;
   :mod:`estimators`: scikit-learn; :mod:`diffusion`: diffusers), task names (:mod:`tasks`:
   huggingface_hub, transformers pipelines), each read from a pinned wheel (``_common.PINS``);
4. ``scripts/vocab/glossary/*.tsv``: cited glossaries of established names, one file an area,
   written from general knowledge without any annotation file in view (``curated.tsv``'s
   format; every line cites a work). Merged last, they add entries and spellings only: never
   a type, another entry's spelling, or a family member as a spelling ("ResNet-50").

Generated names are dropped when listed in ``exclude.txt`` (generic classes and words, with the
guideline rule that excludes them), when shorter than 3 letters/digits, or, for catalogue ids,
when they are a single common English word or a code identifier made of common words. A
generated name that is a common English word (wordfreq's 30,000 most frequent) is matched
case-sensitively (flag ``cs``). Output columns: ``TYPE[|TYPE...]<TAB>name<TAB>aliases<TAB>
flags<TAB>source``, sorted by type then name, so the same sources give the same bytes.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import datasets
import diffusion
import estimators
import metrics
import models
import scirex
import tasks
import techniques
from _common import REPO, TYPES, Row, key

HERE = Path(__file__).resolve().parent
GAZETTEER = REPO / "kg" / "data" / "gazetteer.tsv"
PHRASES = HERE / "scirex_mention_phrases.tsv"  # tracing evidence, not shipped
GLOSSARY = HERE / "glossary"  # cited glossaries of established names, one file an area
ARCHITECTURE_SOURCES = ("timm==", "torchvision==")
CATALOGUES = ("tensorflow-datasets==", "lm_eval==", "torchmetrics==", "scikit-learn==")
# Technique and task lists: names written for people ("LoHa", "ControlNet" are not class names).
NAME_LISTS = ("trl==", "peft==", "imitation==", "diffusers==", "huggingface_hub==")


@dataclass
class Entry:
    types: list[str]
    name: str
    aliases: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    sources: list[str] = field(default_factory=list)


def common_words(n: int = 30000) -> frozenset[str]:
    from wordfreq import top_n_list  # wordfreq==3.1.1 (Apache-2.0 code, CC-BY-SA data)

    return frozenset(top_n_list("en", n))


#: A curated reference: who and when, then optional detail ("Vaswani et al. 2017 (arXiv:...)",
#: "OpenAI 2023, GPT-4 Technical Report"). The part up to the year is the source tag.
CITATION = re.compile(r"(?P<short>[A-Za-z][^;,()\t]*? (?:1[89]|20)\d\d)(?:$|[ ,][^;\t]*$)")


def reference_tag(ref: str, prefix: str = "curated") -> str | None:
    """The source tag of a curated reference, or None when the reference is not one we accept
    (a glossary line must cite a work: no "-" or "scirex-phrases")."""
    if ref in ("-", "scirex-phrases"):
        return f"curated:{ref}" if prefix == "curated" else None
    m = CITATION.fullmatch(ref)
    return f"{prefix}:{m.group('short')}" if m else None


def read_curated(path: Path, prefix: str = "curated") -> list[Row]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 5:
            sys.exit(f"{path}:{lineno}: expected 5 tab-separated columns")
        types = tuple(cols[0].split("|"))
        if not set(types) <= set(TYPES):
            sys.exit(f"{path}:{lineno}: bad type {cols[0]!r} (allowed: {', '.join(TYPES)})")
        tag = reference_tag(cols[4].strip(), prefix)
        if tag is None:
            allowed = "'-', 'scirex-phrases' or " if prefix == "curated" else ""
            sys.exit(
                f"{path}:{lineno}: reference {cols[4]!r} is not {allowed}"
                "'Author et al. YEAR[ detail]'"
            )
        aliases = [a for a in cols[2].split("|") if a]
        flags = {f for f in cols[3].split(",") if f}
        rows.append(Row(types, cols[1], aliases, tag, flags))
    return rows


def read_exclude(path: Path) -> set[str]:
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        term = line.split("#", 1)[0].strip()
        if term:
            out.add(key(term))
    return out


def keep_generated(row: Row, excluded: set[str], common: frozenset[str]) -> bool:
    k = key(row.name)
    if len(k) < 3 or k in excluded or any(key(a) in excluded for a in row.aliases):
        return False
    if row.source.startswith(NAME_LISTS):
        # A name that is a plain word however written ("Shadow", "CARTRIDGE", "RoAd": it would
        # also merge with other things of that name) is dropped, unless it is an acronym of up
        # to 4 letters ("DEFT") or the docs define it by a long form ("DoRA"); those are
        # matched case-sensitively.
        name = row.name
        word = " " not in name and name.lower() in common
        return not word or (name.isupper() and len(k) <= 4) or bool(row.aliases)
    if row.source.startswith(CATALOGUES + ("scirex",)):
        if row.name.lower() in common and " " not in row.name and not row.name.isupper():
            return False  # "Titanic", "Beans": a catalogue id that is a plain word
        parts = re.findall(r"[A-Z][a-z]+", row.name)
        if re.fullmatch(r"(?:[A-Z][a-z]+){2,}", row.name) and all(
            p.lower() in common for p in parts
        ):
            return False  # "AnswerEquivalence": a builder's class name, not a dataset's name
    return True


def merge(rows: list[Row], common: frozenset[str]) -> list[Entry]:
    entries: list[Entry] = []
    by_key: dict[str, Entry] = {}
    for row in rows:
        keys = [key(row.name)] + [key(a) for a in row.aliases]
        # a glossary line joins an entry by its name only: its short form may name another
        # thing ("FiD" is Fusion-in-Decoder there, the FID metric elsewhere)
        # (or its plural/singular: the matcher treats them as one name)
        glossary = row.source.startswith("glossary:")
        name_key = keys[0]
        found = (
            [name_key, name_key[:-1] if name_key.endswith("s") else name_key + "s"]
            if glossary
            else keys
        )
        entry = next((by_key[k] for k in found if k in by_key), None)
        if entry is None:
            flags = set(row.flags)
            curated = glossary or row.source.startswith("curated:")
            if not curated and (row.name.lower() in common or len(key(row.name)) <= 3):
                flags.add("cs")
            entry = Entry(list(row.types), row.name, [], flags, [])
            entries.append(entry)
        elif not glossary:
            entry.types += [t for t in row.types if t not in entry.types]
        elif (  # a glossary adds names, not types; but a known evaluation suite is a
            # BENCHMARK first (guideline A3)
            row.types[0] == "BENCHMARK"
            and entry.types[0] == "DATASET"
            and set(entry.types) <= {"DATASET", "BENCHMARK"}
            and key(row.name) == key(entry.name)
        ):
            entry.types = ["BENCHMARK", "DATASET"]
        for s in [row.name, *row.aliases]:
            if glossary and by_key.get(key(s), entry) is not entry:
                continue  # another entry's name ("ResNet-50" is not a spelling of "ResNet")
            if s != entry.name and s not in entry.aliases and "\t" not in s and "|" not in s:
                entry.aliases.append(s)
        tag = row.source
        if tag not in entry.sources and tag != "curated:-":
            entry.sources.append(tag)
        for k in keys:
            by_key.setdefault(k, entry)
    for entry in entries:
        # An architecture family is METHOD first (guideline rule 6), MODEL when context says so.
        if any(s.startswith(ARCHITECTURE_SOURCES) for s in entry.sources) and (
            "METHOD" in entry.types
        ):
            entry.types = ["METHOD"] + [t for t in entry.types if t != "METHOD"]
        # Aliases that differ from the name only by case add nothing unless matched exactly.
        if "cs" not in entry.flags:
            seen = {entry.name.lower()}
            entry.aliases = [
                a for a in entry.aliases if not (a.lower() in seen or seen.add(a.lower()))
            ]
    return entries


_SIZE_VARIANT_RE = re.compile(r"[- ][A-Za-z0-9]{1,2}")


def glossary_variants_dropped(row: Row) -> Row:
    """A glossary alias with a number that its name lacks, or a size letter after it, is
    another thing of the family ("ResNet-50", "BLEU-4", "ETTh1", "ML-1M", "ViT-B"): dropped,
    so it is matched as its own name."""
    if not re.search(r"\d", row.name):
        row.aliases = [a for a in row.aliases if not re.search(r"\d", a)]
    # a size or variant letter after another of its spellings: "ViT-B", "Swin-L"
    surfaces = [row.name, *row.aliases]
    row.aliases = [
        a
        for a in row.aliases
        if not any(a.startswith(b) and _SIZE_VARIANT_RE.fullmatch(a[len(b) :]) for b in surfaces)
    ]
    return row


def render(entries: list[Entry]) -> str:
    head = [
        "# Gazetteer of widely known ML entities. GENERATED by scripts/vocab/build_gazetteer.py:",
        "# do not edit; change scripts/vocab/curated.tsv, glossary/ or the scripts and rerun.",
        "# Columns: TYPE[|TYPE...] (first = default, the others when context says so) <TAB> name",
        "#   <TAB> other surface forms, '|'-separated <TAB> flags ('cs' = match case-sensitively)",
        "#   <TAB> sources (';'-separated: pinned package, scirex:df=N, curated:<reference>).",
        "# Sources and licences: kg/data/VOCAB_SOURCES.md.",
    ]
    order = {t: i for i, t in enumerate(TYPES)}
    lines = [
        "\t".join(
            [
                "|".join(e.types),
                e.name,
                "|".join(e.aliases),
                ",".join(sorted(e.flags)),
                ";".join(e.sources) or "-",
            ]
        )
        for e in sorted(entries, key=lambda e: (order[e.types[0]], e.name.lower(), e.name))
    ]
    return "\n".join(head + lines) + "\n"


def render_phrases(rows: list[tuple[str, str, int]]) -> str:
    head = [
        "# Lower-case Method/Task/Metric mention phrases of SciREX (Jain et al. 2020, Apache-2.0),",
        "# GENERATED by scripts/vocab/build_gazetteer.py (scirex.phrases): phrase <TAB> majority",
        "# SciREX type mapped to kg's (Method->METHOD, Task->TASK, Metric->METRIC) <TAB> number of",
        "# the 261 papers using it (>= 2). SciREX labels generic phrases too: candidate material,",
        "# not a list of entities.",
    ]
    return "\n".join(head + [f"{p}\t{t}\t{df}" for p, t, df in rows]) + "\n"


def build() -> tuple[str, str]:
    common = common_words()
    excluded = read_exclude(HERE / "exclude.txt")
    curated = read_curated(HERE / "curated.tsv")
    generated = [
        r
        for r in scirex.rows()
        + datasets.rows()
        + models.rows()
        + metrics.rows()
        + techniques.rows()
        + estimators.rows()
        + diffusion.rows()
        + tasks.rows()
        if keep_generated(r, excluded, common)
    ]
    phrases = scirex.phrases()
    known = {key(p) for p, _, _ in phrases}
    for r in curated:  # "scirex-phrases" promises the phrase is in scirex_mention_phrases.tsv
        if r.source == "curated:scirex-phrases":
            if not any(key(s) in known for s in [r.name, *r.aliases]):
                sys.exit(f"curated entry {r.name!r} says scirex-phrases but SciREX lacks it")
            r.source = "scirex-phrases"
    glossary = [
        glossary_variants_dropped(r)
        for path in sorted(GLOSSARY.glob("*.tsv"))
        for r in read_curated(path, "glossary")
    ]
    entries = merge(curated + generated + glossary, common)
    traced = {id(e) for e in entries if any(not s.startswith("curated:") for s in e.sources)}
    for e in entries:  # a curated "-" reference promises a package or SciREX source
        if id(e) not in traced and not e.sources:
            sys.exit(f"curated entry {e.name!r} says '-' but no source list gives it")
    return render(entries), render_phrases(phrases)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if the files are out of date")
    args = ap.parse_args()
    gaz, phrases = build()
    for path, text in ((GAZETTEER, gaz), (PHRASES, phrases)):
        if args.check:
            if path.read_text(encoding="utf-8") != text:
                sys.exit(f"{path} is out of date: rerun {Path(__file__).name}")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path} ({text.count(chr(10)) - 6} lines)")


if __name__ == "__main__":
    main()
