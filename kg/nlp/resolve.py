"""From overlapping candidates to the entities of one paper (plain functions).

The steps, run in this order by the ``kg_entities`` component:

1. :func:`kg.nlp.filters.drop_stops` - drop generic names (``stop_terms.txt``;
   guideline rule 4, A1, A2), and :func:`kg.nlp.filters.prefer_known_inner`;
2. :func:`find_repeats` - further exact occurrences of name-like surfaces;
3. :func:`select_spans` - non-overlapping spans, longest first, then by
   source priority; :func:`merge_metric_names` joins a name to the metric
   right after it ("CHAIR hallucination rate");
4. :func:`group_mentions` - mentions of the same thing become one group:
   same :func:`kg.link.link_key` (case, hyphens, spacing, plural), the same
   gazetteer entry, a long form and its abbreviation, an acronym and the name
   it abbreviates; different versions keep different keys (GPT-4 / GPT-4o);
5. :func:`type_groups` - a type per group by weighted evidence: gazetteer,
   cue nouns, the head noun of a phrase or long form, spelling, the title's
   subtitle, context; then the filters of :mod:`kg.nlp.filters` drop what the
   text does not support.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from kg.link import link_key as _raw_link_key
from kg.link import normalize_name as _raw_normalize_name
from kg.nlp.candidates import has_param_count, is_name_shaped, suffix_type, type_evidence
from kg.nlp.resources import Resources
from kg.records import EntityType

# Names repeat across papers; the normalisers are pure, so cache them.
link_key = lru_cache(maxsize=1 << 16)(_raw_link_key)
normalize_name = lru_cache(maxsize=1 << 16)(_raw_normalize_name)

#: Source -> priority when two spans of equal length overlap (lower wins).
PRIORITY = {
    "gaz": 0,
    "title-colon": 1,
    "title-head": 5,
    "title-method": 5,
    "named": 1,
    "abbr-long": 2,
    "abbr-short": 2,
    "head": 3,
    "own-part": 3,
    "metric-slot": 3,
    "lex": 3,
    "cue-list": 3,
    "cue-noun": 3,
    "shape": 4,
    "listed": 4,
    "capitalised": 4,
    "repeat": 5,
}
#: Sources that make a candidate a name (not a phrase or a known entity).
NAME_SOURCES = frozenset(
    {
        "shape",
        "named",
        "title-colon",
        "title-head",
        "title-method",
        "abbr-short",
        "abbr-long",
        "repeat",
        "cue-noun",
        "listed",
        "capitalised",
    }
)
#: Evidence weights of the typing step.
W_GAZ, W_TITLE, W_CUE, W_HEAD, W_SUFFIX, W_CONTEXT, W_DEFAULT = 10, 6, 5, 4, 3, 2, 0.5


@dataclass
class Candidate:
    """A possible entity mention ``text[start:end]`` with what suggested it."""

    start: int
    end: int
    source: str
    etype: EntityType | None = None
    canonical: str | None = None


@dataclass
class Group:
    """One entity of the paper: its mentions, name, type and evidence."""

    key: str
    mentions: list[tuple[int, int]] = field(default_factory=list)
    canonical: str | None = None
    votes: Counter = field(default_factory=Counter)
    type: EntityType | None = None
    name: str = ""
    introduced: bool = False
    sources: set[str] = field(default_factory=set)


def select_spans(cands: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates: longest first, then by source priority, then leftmost."""
    order = sorted(cands, key=lambda c: (-(c.end - c.start), PRIORITY[c.source], c.start))
    taken = bytearray(max((c.end for c in cands), default=0))
    kept = []
    for c in order:
        if 1 in taken[c.start : c.end]:
            continue
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


_WORDCHAR = re.compile(r"[\w^@+]")


_NEXT_WORD_RE = re.compile(r" ([a-z]+)\b(?!-)")


def merge_metric_names(
    text: str, kept: list[Candidate], metric_heads: frozenset[str] = frozenset()
) -> list[Candidate]:
    """A name right before a metric or a metric head word, and nowhere else in the
    text, names that metric: "CHAIR hallucination rate", "RadGraph F1", "FactCC
    score" are one METRIC ("BERT accuracy" with BERT mentioned elsewhere stays two
    things). ``kept`` is sorted and disjoint."""
    out: list[Candidate] = []
    i = 0
    while i < len(kept):
        c = kept[i]
        d = kept[i + 1] if i + 1 < len(kept) else None
        # a known metric's name too, before a metric of several words ("CHAIR hallucination
        # rate"; "CIDEr score" stays CIDEr)
        known = c.source == "gaz" and c.etype is EntityType.METRIC
        name_like = c.source in ("shape", "abbr-short") or known
        single = name_like and text.count(text[c.start : c.end]) == 1
        if (
            single
            and d is not None
            and d.etype is EntityType.METRIC
            and (not known or " " in text[d.start : d.end])
            and d.start == c.end + 1
            and text[c.end] == " "
        ):
            out.append(Candidate(c.start, d.end, "head", EntityType.METRIC))
            i += 2
            continue
        w = _NEXT_WORD_RE.match(text, c.end) if single and not known and metric_heads else None
        if w and w.group(1) in metric_heads and (d is None or d.start >= w.end()):
            out.append(Candidate(c.start, w.end(), "head", EntityType.METRIC))
            i += 1
            continue
        out.append(c)
        i += 1
    return out


def find_repeats(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Further exact, word-bounded occurrences of name-like candidate surfaces
    (not at a place where the same surface is already a candidate)."""
    taken = {(c.start, c.end) for c in cands}
    out = []
    surfaces = {text[c.start : c.end] for c in cands if c.source not in ("head", "gaz")}
    for surface in sorted(surfaces):
        pos = text.find(surface)
        while pos >= 0:
            end = pos + len(surface)
            before = text[pos - 1] if pos else " "
            after = text[end] if end < len(text) else " "
            bounded = not _WORDCHAR.match(before) and not _WORDCHAR.match(after)
            bounded = (
                bounded
                and before != "-"
                and not (after == "-" and end + 1 < len(text) and text[end + 1].isalnum())
            )
            if bounded and (pos, end) not in taken:
                out.append(Candidate(pos, end, "repeat"))
                taken.add((pos, end))
            pos = text.find(surface, pos + 1)
    return out


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


_GREEK_NAMES = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "π": "pi",
    "σ": "sigma",
    "τ": "tau",
    "φ": "phi",
    "ω": "omega",
}
_GREEK_RE = re.compile("|".join(_GREEK_NAMES))


_GENERIC_TAIL_RE = re.compile(
    r"(?<=\S)\s+(?:method|framework|approach|algorithm|technique)s?$", re.I
)


def _key(text: str, cand: Candidate) -> str:
    """Within-paper identity: :func:`kg.link.link_key`, Greek letters spelled out, a
    generic last word dropped ("Divergence-based Calibration Method" == "divergence-based
    calibration")."""
    return _name_key(cand.canonical or text[cand.start : cand.end], cand.source == "gaz")


@lru_cache(maxsize=1 << 16)
def _name_key(name: str, known: bool) -> str:
    if not known and " " in name.strip():
        name = _GENERIC_TAIL_RE.sub("", name)
    key = link_key(name)
    return _GREEK_RE.sub(lambda m: _GREEK_NAMES[m.group()], key)


_ACRONYM_RE = re.compile(r"^([A-Z][A-Z0-9]{1,7})(?:-[A-Z0-9]+)?$")
_SMALL_WORDS = frozenset({"of", "for", "and", "the", "a", "an", "in", "on", "to", "with", "via"})


_SPLIT_RE = re.compile(r"[\s-]+")


@lru_cache(maxsize=1 << 14)
def initials(name: str) -> tuple[str, str]:
    """The capital letters of a name and the first letters of its words (small words
    skipped): "DataComp for Language Models" -> ("DCLM", "DFLM")."""
    capitals = "".join(c for c in name if c.isupper())
    words = [w for w in _SPLIT_RE.split(name) if w and w.lower() not in _SMALL_WORDS]
    return capitals, "".join(w[0] for w in words).upper()


def link_acronyms(text: str, kept: list[Candidate], keys: list[str], uf: _UnionFind) -> None:
    """Join an acronym (or an acronym compound, "MHIM-MIL") to the longer name whose
    capitals or word initials spell it ("Masked Hard Instance Mining", "DataComp-LM"),
    unless that name starts with the acronym ("GPT" is not "GPT-4")."""
    surfaces: dict[str, str] = {}
    for c, k in zip(kept, keys, strict=True):
        if c.source != "gaz":
            surfaces.setdefault(text[c.start : c.end], k)
    acronyms = [(m.group(1), k) for s, k in surfaces.items() if (m := _ACRONYM_RE.match(s))]
    if not acronyms:
        return
    # Names that can expand an acronym: several words or several capitals.
    longs = [
        (long, lkey, long.upper(), initials(long))
        for long, lkey in surfaces.items()
        if len(_SPLIT_RE.split(long)) >= 2 or sum(c.isupper() for c in long) >= 2
    ]
    for acro, skey in acronyms:
        for long, lkey, upper, inits in longs:
            if lkey == skey or len(long) < len(acro) + 3 or upper.startswith(acro):
                continue
            if acro in inits:
                uf.union(skey, lkey)


_SOURCE_WEIGHT = {
    "gaz": W_GAZ,
    "head": W_HEAD,
    "own-part": W_HEAD,
    "metric-slot": W_HEAD,
    "lex": W_HEAD + 1,
    "cue-list": W_HEAD,
    "abbr-long": W_HEAD,
}


def group_mentions(
    text: str,
    kept: list[Candidate],
    pairs: list[tuple[int, int, int, int]],
    gaz_keys: dict[str, str],
) -> dict[str, Group]:
    """Group kept candidates into entities (see module doc, step 4).

    ``gaz_keys`` maps the link key of every gazetteer surface to the key of
    its canonical name, so "GPT4" and "GPT-4" become one entity.
    """
    uf = _UnionFind()
    keys = []
    for c in kept:
        k = _key(text, c)
        k = gaz_keys.get(k, k)
        keys.append(k)
        uf.find(k)
    spans = [(c.start, c.end, k) for c, k in zip(kept, keys, strict=True)]
    link_acronyms(text, kept, keys, uf)
    for ls, le, ss, se in pairs:
        # The kept span holding the long form ("Visual [instruction fine-tuning] (IFT)").
        a = next((k for s, e, k in spans if s <= ls and le <= e), None)
        b = next((k for s, e, k in spans if (s, e) == (ss, se)), None)
        if a and b:
            uf.union(a, b)
    groups: dict[str, Group] = {}
    for c, k in zip(kept, keys, strict=True):
        root = uf.find(k)
        g = groups.get(root)
        if g is None:
            g = groups[root] = Group(key=root)
        g.mentions.append((c.start, c.end))
        g.sources.add(c.source)
        if c.canonical and not g.canonical:
            g.canonical = c.canonical
        if c.etype is not None:
            weight = _SOURCE_WEIGHT.get(c.source, W_CUE)
            g.votes[c.etype] += weight
    return groups


_SUBTITLE_RE = re.compile(
    r":\s*(?:An?|The)\s+((?:[\w-]+\s+){0,7}?[\w-]+)(?:\s+(?:for|of|to|with|on|in|that|via)\b|$)",
    re.IGNORECASE,
)
_BENCH_VERB_RE = re.compile(
    r"^\s*(?:Benchmarking|Evaluating|Assessing|Measuring|(?:Towards? )?An? (?:\S+ ){0,3}Benchmark)",
    re.IGNORECASE,
)


def title_type(text: str, title_end: int, cue_nouns) -> EntityType | None:
    """Type a title's subtitle gives its prefix: "X: A Vision Language Model for ..." -> MODEL,
    "X: Benchmarking ..." -> BENCHMARK."""
    colon = text.find(":", 0, title_end)
    if colon < 0:
        return None
    rest = text[colon + 1 : title_end]
    if _BENCH_VERB_RE.match(rest):
        return EntityType.BENCHMARK
    m = _SUBTITLE_RE.match(text, colon, title_end)
    if m:  # the first cue noun: "A Large-scale ... Corpus", "A Dataset and Evaluation Framework"
        for word in m.group(1).split():
            if word.lower() in cue_nouns:
                return cue_nouns[word.lower()]
    return None


# "on|across|including|such as|dataset(s)|benchmark(s)" then a list of up to eight
# items ("X, Y and "; a two-word item is capitalised, "Amazon Beauty", "APTOS 2019"
# but not "outperforms Medusa"), ending where the name starts; matched on the reversed
# window (a match at the start is much cheaper than a search anchored at the end).
# "extracted/collected/... from" is data context too; "such as" after a cue noun
# ("methods such as X") gives that noun's type instead (group "cue", reversed).
_ON_CONTEXT_REVERSED_RE = re.compile(
    r"(?:\s+(?i:,|dna ,?|ro ,?)(?:[\w^@+.\-]*[A-Z0-9] [\w^@+.\-]*[A-Z]|[\w^@+.\-]+)){0,8}"
    r"(?i:\s+eht)?[\s,:]+(?i:no|ssorca|gnidulcni|sa hcus(?:\s+(?P<cue>[a-z]+))?|s?tesatad|"
    r"s?kramhcneb|morf\s+(?:detcartxe|detcelloc|delpmas|nward|denim|delwarc|decruos|"
    r"devired|detaruc))\b"
)


def context_type(text: str, start: int, cue_nouns) -> EntityType | None:
    """The type a listing context gives the name at ``start``: DATASET after "on",
    "across", "such as", "extracted from"...; the cue noun's model/method type after
    "methods such as", "retrievers such as"."""
    m = _ON_CONTEXT_REVERSED_RE.match(text[max(0, start - 160) : start][::-1])
    if not m:
        return None
    cue = cue_nouns.get(m.group("cue")[::-1].lower()) if m.group("cue") else None
    if cue in (EntityType.MODEL, EntityType.METHOD):
        return cue
    return EntityType.DATASET


_APPOSITION_RE = re.compile(
    r"\)?\s*(?:,|:|\bis|\bas)\s+(?:a|an|the|our)\s+((?:(?:[\w-]+|\([^()\s]{1,12}\))\s+){0,5})"
    r"([\w-]+)\b",
    re.IGNORECASE,
)
_TITLE_MODEL_RE = re.compile(r"\bModel\b(?!s)")
_TYPE_ORDER = {t: i for i, t in enumerate(EntityType)}


_PHRASE_END = frozenset(
    "that which who whose where for of with to on in from by via using and or than as at into "
    "over across under built based trained designed".split()
)


def apposition_type(text: str, end: int, cue_nouns) -> EntityType | None:
    """ "X, a new benchmark ...", "X: a framework ...": the head of the noun phrase, that
    is the last cue noun before a function word, within six words, an abbreviation in
    parentheses included ("X, a new tool retrieval dataset that ..." is a dataset, not a
    tool; "X, a novel visual question answering (VQA) benchmark")."""
    m = _APPOSITION_RE.match(text, end)
    if not m:
        return None
    found = None
    for word in [*m.group(1).split(), m.group(2)]:
        low = word.lower()
        if low in _PHRASE_END:
            break
        found = cue_nouns.get(low, found)
    return found


def type_groups(
    text: str, title_end: int, groups: dict[str, Group], res: Resources, introduced: set[str]
) -> None:
    """Give every group a type and a name (in place).

    Names (not gazetteer entries or head phrases) also take evidence from
    their context: cue nouns, appositions, the title's subtitle, a list after
    "on"/"such as", and a compound ending in another entity of the paper.
    """
    t_type = title_type(text, title_end, res.cue_nouns)
    by_surface = {link_key(text[s:e]): g for g in groups.values() for s, e in g.mentions}
    siblings = _sibling_types(text, groups)
    own_types: set[EntityType] = set()
    # The paper's own proposals first: names without evidence are typed like them.
    for g in sorted(groups.values(), key=lambda g: g.key not in introduced):
        surfaces = [text[s:e] for s, e in g.mentions]
        g.introduced = g.key in introduced
        name_like = bool(g.sources & NAME_SOURCES) and not g.sources & {
            "gaz",
            "head",
            "own-part",
            "lex",
            "cue-list",
        }
        for s, e in g.mentions if name_like else ():
            ctx = None if g.introduced else context_type(text, s, res.cue_nouns)
            cue = type_evidence(text, s, e, res.cue_nouns)
            if cue is None and ctx is None:  # "On A and B, the model reaches": no apposition
                cue = apposition_type(text, e, res.cue_nouns)
            if cue is not None:
                g.votes[cue] += W_CUE
            if s == 0 and t_type is not None and text[e : e + 3].strip().startswith(":"):
                g.votes[t_type] += W_TITLE
            if ctx is not None:
                g.votes[ctx] += W_CONTEXT
            sib = siblings.get((s, e))
            if sib is not None:
                g.votes[sib] += W_SUFFIX + 1
        for surface in set(surfaces):
            st = suffix_type(surface, res.affixes)
            if st is not None:
                # a parameter count ("BlueLM-V-3B") outweighs a subtitle's "Algorithm"
                g.votes[st] += W_TITLE + 1 if has_param_count(surface) else W_SUFFIX
        if name_like:
            _vote_compound(g, surfaces, by_surface)
            if g.introduced and _TITLE_MODEL_RE.search(text, 0, title_end):
                g.votes[EntityType.MODEL] += W_DEFAULT * 2
        if not g.votes:
            g.votes[_default_type(g, surfaces, own_types)] += W_DEFAULT
        g.type = max(g.votes.items(), key=lambda kv: (kv[1], -_TYPE_ORDER[kv[0]]))[0]
        g.name = g.canonical or _best_name(surfaces)
        mm = g.type in (EntityType.MODEL, EntityType.METHOD)
        if mm and g.introduced and "own-part" not in g.sources:
            own_types.add(g.type)  # (a part, "a disparity sampler", says nothing of names)
        if g.type is EntityType.DATASET and _called_benchmark(text, g):
            g.type = EntityType.BENCHMARK  # guideline rule 6: the text calls it a benchmark


_LIST_GOES_ON_RE = re.compile(r"\s*(?:[,;.)]|and\b|or\b|$)")
_SIBLING_GAP_RE = re.compile(r"^\)?(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s*/\s*)$")


def _sibling_types(text: str, groups: dict[str, Group]) -> dict[tuple[int, int], EntityType]:
    """Mentions listed next to a known (gazetteer) entity, "GSM8k, MultiArith" or
    "Switchboard and CallHome": the kind of their known neighbour (a list holds things
    of one kind). Maps mention span -> that type."""
    table = sorted((s, e, g) for g in groups.values() for s, e in g.mentions)
    out: dict[tuple[int, int], EntityType] = {}
    for (s1, e1, g1), (s2, e2, g2) in zip(table, table[1:], strict=False):
        gap = text[e1:s2]
        if g1 is g2 or not _SIBLING_GAP_RE.match(gap):
            continue
        if gap.strip() == "," and not _LIST_GOES_ON_RE.match(text, e2):
            continue  # "On D1 and D2, X improves": a clause, not a list
        for known, other, span in ((g1, g2, (s2, e2)), (g2, g1, (s1, e1))):
            if "gaz" in known.sources and known.votes and "gaz" not in other.sources:
                out.setdefault(span, max(known.votes.items(), key=lambda kv: kv[1])[0])
    return out


def _vote_compound(g: Group, surfaces: list[str], by_surface: dict[str, Group]) -> None:
    """A compound ending in another entity of the paper is of its kind:
    "PLT-MLC" after "Multi-Label Classification (MLC)" is a TASK."""
    for surface in set(surfaces):
        parts = surface.rsplit("-", 1)
        other = by_surface.get(link_key(parts[-1])) if len(parts) == 2 else None
        if other is not None and other is not g:
            for etype, w in list(other.votes.items()):
                if w >= W_HEAD:
                    g.votes[etype] += W_SUFFIX + 1


_BARE_ACRONYM_RE = re.compile(r"^[A-Z]{2,6}s?$")


def _default_type(g: Group, surfaces: list[str], own_types=frozenset()) -> EntityType:
    """No evidence: an abbreviated lower-case phrase is a TASK ("multi-image instruction
    (MII)"), an abbreviated capitalised one a METHOD; a name the paper proposes or a
    bare acronym ("MLE") is a METHOD; any other name is of the kind the paper
    proposes (baselines are compared like with like: a new algorithm against
    "FedProx", a new model against "Nemotron-4"), else a MODEL."""
    if "abbr-long" in g.sources:
        lower = any(s[:1].islower() for s in surfaces)
        # "persona hredGAN (phredGAN)": a long form built on a name is a variant of it
        named = any(is_name_shaped(w) for s in surfaces if " " in s for w in s.split())
        return EntityType.TASK if lower and not named else EntityType.METHOD
    if g.introduced or any(_BARE_ACRONYM_RE.match(s) for s in surfaces):
        return EntityType.METHOD
    if len(own_types) == 1:
        return next(iter(own_types))
    return EntityType.METHOD


# "the D4RL benchmark", "Weibo, PKU and MSRA benchmark datasets" (the list's cue noun)
_CALLED_BENCHMARK_RE = re.compile(
    r"(?:\s*(?:,|,?\s+and|,?\s+or)\s+[\w.\-]+(?:\s[A-Z0-9][\w.\-]*)?){0,6}[\s-]+"
    r"(?:benchmarks?|suites?)\b(?![\s-]+(?:datasets?|data)\b)",
    re.IGNORECASE,
)
# "benchmarks, including A, B", "benchmarks such as A", "benchmarks: A and B", "on the
# benchmarks A, B": the list's cue noun before it (see context_type for the list itself)
_BENCHMARK_LIST_BEFORE_RE = re.compile(
    r"\bbenchmarks?\s*(?:[,:(]\s*)?(?:(?:such as|including|like|e\.g\.,?)\s*)?$", re.IGNORECASE
)


_BENCHMARK_DATA_RE = re.compile(r"benchmarks?[\s-]+data", re.IGNORECASE)


def _called_benchmark(text: str, g: Group) -> bool:
    """Whether the text calls a mention a benchmark: followed by "benchmark" or "suite",
    itself or as the last of a list ("the D4RL benchmark"), or listed after
    "benchmarks" ("face recognition benchmarks, LFW, CFP and AgeDB")."""
    for s, e in g.mentions:
        if _CALLED_BENCHMARK_RE.match(text, e):
            return True
        m = _ON_CONTEXT_REVERSED_RE.match(text[max(0, s - 160) : s][::-1])
        if m is not None:
            kw = s - m.end()
            word = text[kw : kw + 10].lower()
            if (word.startswith("benchmark") and not _BENCHMARK_DATA_RE.match(text, kw)) or (
                word.startswith(("including", "such as", "like"))
                and _BENCHMARK_LIST_BEFORE_RE.search(text, max(0, kw - 40), kw)
            ):
                return True
    return False


def _best_name(surfaces: list[str]) -> str:
    """The most frequent surface; ties go to the first seen."""
    if len(surfaces) == 1:
        return surfaces[0]
    counts = Counter(surfaces)  # ordered by first appearance; max keeps the first of a tie
    return max(counts, key=counts.__getitem__)


def gazetteer_keys(res: Resources) -> dict[str, str]:
    """Link key of every gazetteer surface -> link key of its canonical name (per type)."""
    out: dict[str, str] = {}
    for entry in res.gazetteer:
        canon = link_key(entry.name)
        for s in entry.surfaces:
            out.setdefault(link_key(s), canon)
    return out


def mention_table(groups: dict[str, Group]) -> list[tuple[int, int, str]]:
    """All mentions as sorted ``(start, end, group key)``."""
    return sorted((s, e, g.key) for g in groups.values() for s, e in g.mentions)
