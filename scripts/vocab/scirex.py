"""Names and phrases from SciREX (Jain et al., ACL 2020; Apache-2.0), ``../shared/data/scirex``.

Two products:

- :func:`rows` (gazetteer entries): the salient entities of each paper's result tuples
  (``n_ary_relations``: Method, Material, Metric, Task), written as the paper writes them (the
  mentions of the entity's ``coref`` cluster whose spelling is the entity's name or its acronym).
  SciREX also labels generic phrases, so a Method or Material must look like a name (a capital
  inside a word, an acronym or a digit; guideline rule 4), and a Task/Metric phrase must be the
  entity's own name. Material -> DATASET (BENCHMARK when the name says benchmark), Task -> TASK,
  Metric -> METRIC, Method -> METHOD.
- :func:`phrases` (``scripts/vocab/scirex_mention_phrases.tsv``): lower-case mention phrases
  (``ner``) with their majority type and document frequency (>= 2 papers), for candidate
  generation from head nouns and modifiers.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

from _common import SCIREX, Row, key, print_rows

TYPE_OF = {"Material": "DATASET", "Task": "TASK", "Metric": "METRIC", "Method": "METHOD"}
_DET = re.compile(
    r"^(?:the|a|an|our|their|its|this|these|those|such|each|all|both|other|any|his|her|"
    r"standard|proposed|existing|traditional|conventional|recent|novel|new)\s+",
    re.I,
)


def detok(words: list[str]) -> str:
    text = " ".join(words)
    text = re.sub(r"\s*([-/])\s*", r"\1", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+([),.:;'])", r"\1", text)
    return text.strip()


def _docs():
    with open(SCIREX, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def _is_acronym_of(short: str, name: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", short)
    initials = "".join(w[0] for w in re.split(r"[\s_-]+", name) if w)
    return len(letters) >= 2 and short.isupper() and initials.lower().startswith(letters.lower())


def _name_like(surface: str) -> bool:
    words = surface.split()
    return any(
        re.search(r"\d", w) or re.search(r"[A-Z]", w[1:]) or (w.isupper() and len(w) > 1)
        for w in words
    )


_CLEAN = re.compile(r"[\w][\w .@'-]*[\w]")


def _lower_title(phrase: str) -> str:
    """ "Face Alignment" -> "face alignment" (acronyms and mixed-case words kept)."""
    return " ".join(w.lower() if w[:1].isupper() and w[1:].islower() else w for w in phrase.split())


def rows() -> list[Row]:
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc in _docs():
        words = doc["words"]
        for rel in doc["n_ary_relations"]:
            for stype, entity in rel.items():
                if stype not in TYPE_OF or not entity or "___" in entity:
                    continue
                etype = TYPE_OF[stype]
                canon = entity.replace("_", " ").strip()
                for s, e in doc["coref"].get(entity, ()):
                    surface = _DET.sub("", detok(words[s:e]))
                    if not _CLEAN.fullmatch(surface) or len(surface.split()) > 6:
                        continue
                    own = key(surface) == key(canon) or _is_acronym_of(surface, canon)
                    if not own:
                        continue
                    if etype in ("METHOD", "DATASET") and not _name_like(surface):
                        continue
                    if etype == "DATASET" and re.search(r"bench", surface, re.I):
                        etype = "BENCHMARK"
                    found[etype, surface].add(doc["doc_id"])
    # One entry per (type, key): the most used spelling, the others as aliases.
    groups: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for (etype, surface), docs in found.items():
        groups[etype, key(surface)][surface] += len(docs)
    out = []
    for (etype, _), forms in sorted(groups.items()):
        ranked = sorted(forms, key=lambda f: (-forms[f], f))
        df = max(forms.values())
        if etype in ("TASK", "METRIC"):
            ranked = list(dict.fromkeys(_lower_title(f) for f in ranked))
            if " " not in ranked[0] and ranked[0].islower() and df < 2:
                continue  # one lower-case word used once ("average", "matched")
        out.append(Row((etype,), ranked[0], ranked[1:], f"scirex:df={df}"))
    return out


_PHRASE = re.compile(r"[a-z][a-z-]*(?: [a-z][a-z-]*){0,4}")


def phrases(min_df: int = 2) -> list[tuple[str, str, int]]:
    """(phrase, majority type, document frequency) of lower-case Method/Task/Metric mentions."""
    docs_of: dict[str, set[str]] = defaultdict(set)
    types: dict[str, Counter] = defaultdict(Counter)
    for doc in _docs():
        words = doc["words"]
        for s, e, stype in doc["ner"]:
            if stype not in ("Method", "Task", "Metric"):
                continue
            phrase = _DET.sub("", detok(words[s:e]))
            if not _PHRASE.fullmatch(phrase) or len(phrase) < 4:
                continue
            docs_of[phrase].add(doc["doc_id"])
            types[phrase][TYPE_OF[stype]] += 1
    out = []
    for phrase, docs in docs_of.items():
        if len(docs) >= min_df:
            etype = sorted(types[phrase].items(), key=lambda x: (-x[1], x[0]))[0][0]
            out.append((phrase, etype, len(docs)))
    return sorted(out, key=lambda x: (-x[2], x[0]))


if __name__ == "__main__":
    print_rows(rows())
