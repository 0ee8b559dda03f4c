"""Rebuild kg/data/scirex_phrases.tsv: established lower-case technique, task and metric
phrases learned from the SciREX mentions (Jain et al., ACL 2020; Apache-2.0).

SciREX types every Method, Task, Metric and Material mention of 261 full papers, generic
phrases included ("deep neural networks", "training"). A phrase is kept when

* SciREX types it Method, Task or Metric (Material mentions are data descriptions; named
  datasets come from the gazetteer and the name rules),
* it is written in lower case in most of its mentions (names are found by their shape),
* at least ``--min-docs`` papers (default 3) mention it, and the type SciREX gives it most is
  at least 60% of its typings,
* SciREX tags at least half of its occurrences in the papers' text (``--min-tag-rate``;
  a phrase of several words: a tenth of that),
* it is no generic class or procedure (GUIDELINE rule 4 and addendum A1/A2): not a stop term
  of kg/data/stop_terms.txt, no generic head noun (``GENERIC_HEADS``: "network", "layer",
  "model", ...), no leading generic modifier (``GENERIC_MODIFIERS``: "deep", "neural",
  "proposed", ...), no resource quantity typed Metric (``RESOURCE_HEADS``: "computational
  cost", "model size"), and one-word phrases only for Method (single Task and Metric words are
  found by the head-noun rules, in context).

Columns: phrase (lower case), type (METHOD, TASK, METRIC), papers mentioning it, share of
its typings. Rerun after changing a filter:

    python scripts/vocab_scirex_phrases.py ../shared/data/scirex/scirex-train-docs.jsonl
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scirex_abstracts import detokenize, excluded_ids, iter_docs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kg" / "data" / "scirex_phrases.tsv"
MODIFIERS_OUT = ROOT / "kg" / "data" / "scirex_modifiers.txt"
TYPES = {"Method": "METHOD", "Task": "TASK", "Metric": "METRIC"}
#: Last words that make a phrase a generic part or class, not a named technique.
GENERIC_HEADS = frozenset(
    """network networks net nets model models layer layers architecture architectures method
    methods approach approaches framework frameworks system systems algorithm algorithms
    function functions representation representations process procedure procedures features
    feature filters filter classifier classifiers encoder encoders decoder decoders kernel
    kernels policy policies mapping mappings embedding embeddings task tasks problem problems
    community applications application module modules unit units block blocks component
    components structure structures design step steps operation operations technique techniques
    strategy strategies scheme schemes setting settings stage stages map maps vector vectors
    matrix space parameters parameter weights weight objective objectives term terms
    pipeline pipelines tool tools study studies analysis experiments evaluation pass
    baseline baselines detector detectors generator discriminator extractor regularizer
    training learning data set sets domain domains field fields area areas fashion manner
    part predictions prediction update updates distribution ablations agent annotation
    annotations solution solutions""".split()
)
#: Last words of resource and design quantities that SciREX types Metric but the guideline's
#: evaluation measures are not ("computational cost", "model size", "generalization ability").
RESOURCE_HEADS = frozenset(
    """cost costs complexity ability capability capacity efficiency overhead requirements
    consumption bottleneck footprint usage criterion criteria protocol protocols measure
    measures metric metrics significance curve curves schedule schedules size""".split()
)
#: First words that mark a description rather than a technique's name.
GENERIC_MODIFIERS = frozenset(
    """deep deeper neural proposed novel new our existing standard traditional conventional
    previous prior different various simple basic general generic typical common popular
    original final full overall whole single multiple other several this that these those
    the a an state-of-the-art large small high low better best good efficient effective
    recent modern current additional further main key first second same such
    convolutional recurrent""".split()
)
_WORD_RE = re.compile(r"^[a-z][a-z-]*(?: [a-z][a-z0-9-]*){0,3}$")


def read_stop_terms(path: Path) -> frozenset[str]:
    terms = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            terms.add(line.lower())
    return frozenset(terms)


def count_phrases(
    docs_path: Path, exclude: frozenset[str] = frozenset()
) -> tuple[dict, dict, Counter, list[str]]:
    """Papers per (phrase, SciREX type), lower-case share and mention count per phrase,
    and the lower-cased token text of every paper."""
    papers: dict[str, Counter] = defaultdict(Counter)
    lower: Counter = Counter()
    total: Counter = Counter()
    texts: list[str] = []
    for doc in iter_docs(docs_path, exclude):
        words = doc["words"]
        texts.append(" " + " ".join(words).lower() + " ")
        seen = set()
        for start, end, etype in doc["ner"]:
            phrase = detokenize(words[start:end])
            key = phrase.lower()
            total[key] += 1
            lower[key] += phrase == key
            if (key, etype) not in seen:
                seen.add((key, etype))
                papers[key][etype] += 1
    share = {k: lower[k] / total[k] for k in total}
    return papers, share, total, texts


def tag_rates(phrases: list[str], total: Counter, texts: list[str]) -> dict[str, float]:
    """Share of a phrase's occurrences in the SciREX text that SciREX tags as a mention:
    low for ordinary words that are sometimes part of a technique ("average", "noise")."""
    occurrences: Counter = Counter()
    for phrase in phrases:
        needle = " " + " ".join(_TOKEN_RE.findall(phrase)) + " "
        occurrences[phrase] = sum(t.count(needle) for t in texts)
    return {p: min(1.0, total[p] / occurrences[p]) if occurrences[p] else 0.0 for p in phrases}


_TOKEN_RE = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")


def technical_modifiers(
    docs_path: Path, min_docs: int, exclude: frozenset[str] = frozenset()
) -> list[str]:
    """Lower-case words that SciREX Method/Task mentions use before their last word in at
    least ``min_docs`` papers ("adversarial", "semantic", "beam"): a head phrase built from
    such words names a technique or task ("beam search"), one with an evaluative word before
    its head ("successful matching") does not."""
    papers: Counter = Counter()
    for doc in iter_docs(docs_path, exclude):
        words = doc["words"]
        seen = set()
        for start, end, etype in doc["ner"]:
            if etype not in ("Method", "Task") or end - start < 2:
                continue
            for word in words[start : end - 1]:
                if re.fullmatch(r"[a-z][a-z-]*[a-z]", word):
                    seen.add(word)
        papers.update(seen)
    return sorted(w for w, n in papers.items() if n >= min_docs and w not in GENERIC_MODIFIERS)


def keep(phrase: str, etype: str, stops: frozenset[str]) -> bool:
    """The filters of the module docstring, for one phrase of its majority type."""
    if not _WORD_RE.match(phrase) or phrase in stops:
        return False
    words = phrase.split(" ")
    if words[-1] in GENERIC_HEADS or words[0] in GENERIC_MODIFIERS:
        return False
    if len(words) == 1 and etype != "METHOD":
        return False
    if etype == "METRIC" and words[-1] in RESOURCE_HEADS:
        return False
    singular = re.sub(r"s$", "", phrase)
    return singular not in stops and len(phrase) >= 4


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", type=Path, help="scirex-train-docs.jsonl")
    parser.add_argument("--min-docs", type=int, default=3)
    parser.add_argument("--min-tag-rate", type=float, default=0.5)
    parser.add_argument(
        "--exclude",
        action="append",
        metavar="PAPERS.jsonl",
        help="leave out the SciREX papers of this kg input (for leave-out evaluation)",
    )
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    stops = read_stop_terms(ROOT / "kg" / "data" / "stop_terms.txt")
    exclude = excluded_ids(args.exclude)
    papers, share, total, texts = count_phrases(args.docs, exclude)
    rows = []
    candidates = []
    for phrase, by_type in papers.items():
        n = sum(by_type.values())
        scirex_type, top = by_type.most_common(1)[0]
        if n < args.min_docs or share[phrase] < 0.5 or scirex_type not in TYPES:
            continue
        if top / n < 0.6:
            continue
        etype = TYPES[scirex_type]
        if keep(phrase, etype, stops):
            candidates.append((phrase, etype, top, round(top / n, 2)))
    rates = tag_rates([c[0] for c in candidates], total, texts)
    for phrase, etype, top, frac in candidates:
        # several words are rarely used in passing: a lower bar than for a single word
        floor = args.min_tag_rate if " " not in phrase else args.min_tag_rate * 0.1
        if rates[phrase] >= floor:
            rows.append((phrase, etype, top, frac))
    rows.sort(key=lambda r: (r[1], r[0]))
    with args.output.open("w", encoding="utf-8") as out:
        out.write(
            "# Lower-case technique/task/metric phrases learned from SciREX (Apache-2.0).\n"
            "# Generated by scripts/vocab_scirex_phrases.py; do not edit by hand.\n"
            "# Columns: phrase <TAB> TYPE <TAB> SciREX papers typing it so <TAB> share\n"
        )
        for phrase, etype, n, frac in rows:
            out.write(f"{phrase}\t{etype}\t{n}\t{frac}\n")
    print(f"{len(rows)} phrases -> {args.output}", file=sys.stderr)
    mods = technical_modifiers(args.docs, args.min_docs, exclude)
    with (args.output.parent / MODIFIERS_OUT.name).open("w", encoding="utf-8") as out:
        out.write(
            "# Lower-case words SciREX Method/Task mentions use before their head, in at least\n"
            f"# {args.min_docs} papers. Generated by scripts/vocab_scirex_phrases.py.\n"
        )
        out.writelines(w + "\n" for w in mods)
    print(f"{len(mods)} modifiers -> {args.output.parent / MODIFIERS_OUT.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
