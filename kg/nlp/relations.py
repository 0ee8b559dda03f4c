"""Sentence-level relation rules over typed entity mentions (plain functions).

Reads the entity groups of :mod:`kg.nlp.resolve` and the trigger patterns of
``kg/data/triggers.jsonl``; every relation carries its evidence sentence and
the id of the rule that made it.

* proposes - the title prefix "X: ..."; "we propose/introduce/present ... X"
  (the first name after the verb and names coordinated with it); "called /
  dubbed / named X"; "our X" for a name no gazetteer knows.
* outperforms - "X outperforms/surpasses/beats Y", "better than Y",
  "improvement over Y", "+8.9% over Y"; never "comparable to", "on par with"
  (guideline A7). The head is the last model/method before the cue, or the
  paper's own proposal when the subject is "our method"/"we"/"it".
* evaluates_on - a sentence with an evaluation cue that names datasets or
  benchmarks: the models/methods of the sentence (else the paper's
  proposals) -> each dataset/benchmark.
* uses_metric - a metric named in a sentence with models, methods, datasets
  or benchmarks: each of them -> the metric.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.nlp.resolve import Group
from kg.nlp.resources import Resources
from kg.records import PAPER_HEAD, RELATION_SIGNATURES, EntityType, RelationType

MM = frozenset({EntityType.MODEL, EntityType.METHOD})
DB = frozenset({EntityType.DATASET, EntityType.BENCHMARK})
NAME_SOURCES = frozenset({"shape", "named", "title-colon", "abbr-short", "abbr-long", "repeat"})

_OUR_RE = re.compile(r"\bour\s+$", re.IGNORECASE)
_SUBJECT_RE = re.compile(
    r"\b(?:our|we|it|this (?:model|method|approach|framework|work)|the proposed)\b", re.IGNORECASE
)
_CLAUSE_END_RE = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|\bhowever\b", re.IGNORECASE)
_COORD_RE = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+&\s+|\s+as well as\s+)$")


@dataclass(frozen=True)
class Rel:
    """A relation found in one paper: group keys (``PAPER`` head for proposes)."""

    type: RelationType
    head: str
    tail: str
    sentence: tuple[int, int]
    rule: str
    confidence: float
    value: str | None = None
    metric: str | None = None


def _in(mentions, lo: int, hi: int):
    return [m for m in mentions if lo <= m[0] and m[1] <= hi]


def find_introduced(
    text: str,
    title_end: int,
    sentences: list[tuple[int, int]],
    mentions: list[tuple[int, int, str]],
    groups: dict[str, Group],
    res: Resources,
) -> dict[str, tuple[str, tuple[int, int]]]:
    """Groups the paper proposes: key -> (rule id, evidence sentence)."""
    found: dict[str, tuple[str, tuple[int, int]]] = {}

    def add(key: str, rule: str, sent: tuple[int, int]) -> None:
        found.setdefault(key, (rule, sent))

    propose_re = res.trigger_regex("proposes")
    named_re = res.trigger_regex("named")
    for sent in sentences:
        lo, hi = sent
        ms = _in(mentions, lo, hi)
        if not ms:
            continue
        if lo == 0 and title_end:
            first = ms[0]
            if first[0] <= 1 and text[first[1] : title_end].lstrip().startswith(":"):
                add(first[2], "title-colon", sent)
        for m in named_re.finditer(text, lo, hi):
            nxt = [x for x in ms if x[0] >= m.end() and x[0] - m.end() <= 3]
            if nxt:
                add(nxt[0][2], "named", sent)
        for m in propose_re.finditer(text, lo, hi):
            after = [x for x in ms if x[0] >= m.end()]
            named = [
                x
                for x in after
                if groups[x[2]].sources & NAME_SOURCES
                and "gaz" not in groups[x[2]].sources
                and x[0] - m.end() <= 150
            ]
            phrases = [
                x
                for x in after
                if "head" in groups[x[2]].sources
                and "gaz" not in groups[x[2]].sources
                and x[0] - m.end() <= 60
            ]
            pick = named[:1] or phrases[:1]
            if not pick:
                continue
            chosen = pick[0]
            add(chosen[2], "propose-we", sent)
            idx = after.index(chosen)
            prev = chosen
            for x in after[idx + 1 :]:
                if not _COORD_RE.match(text[prev[1] : x[0]]):
                    break
                add(x[2], "propose-we", sent)
                prev = x
        for s, _e, key in ms:
            g = groups[key]
            if (
                _OUR_RE.search(text, max(lo, s - 6), s)
                and "gaz" not in g.sources
                and (g.sources & NAME_SOURCES)
            ):
                add(key, "our-x", sent)
    return found


def _pick_value(text: str, lo: int, hi: int, value_re: re.Pattern) -> str | None:
    m = value_re.search(text, lo, hi)
    return m.group().strip() if m else None


def find_relations(
    text: str,
    sentences: list[tuple[int, int]],
    mentions: list[tuple[int, int, str]],
    groups: dict[str, Group],
    introduced: dict[str, tuple[str, tuple[int, int]]],
    res: Resources,
) -> list[Rel]:
    """All relations of one paper, in text order, without duplicates."""
    rels: list[Rel] = []
    for key, (rule, sent) in introduced.items():
        rels.append(Rel(RelationType.PROPOSES, PAPER_HEAD, key, sent, rule, 0.9))
    own_mm = [k for k in introduced if groups[k].type in MM]
    own_bench = [k for k in introduced if groups[k].type is EntityType.BENCHMARK]
    eval_re = res.trigger_regex("evaluates_on")
    out_re = res.trigger_regex("outperforms")
    neg_re = res.trigger_regex("negation")
    value_re = res.trigger_regex("value")
    for sent in sentences:
        lo, hi = sent
        ms = _in(mentions, lo, hi)
        if not ms:
            continue
        typed = [(s, e, k, groups[k].type) for s, e, k in ms]
        mm = [x for x in typed if x[3] in MM]
        db = [x for x in typed if x[3] in DB]
        metrics = [x for x in typed if x[3] is EntityType.METRIC]
        has_eval = bool(eval_re.search(text, lo, hi))
        metric_name = groups[metrics[0][2]].name if metrics else None
        # outperforms
        negs = [(m.start(), m.end()) for m in neg_re.finditer(text, lo, hi)]
        for m in out_re.finditer(text, lo, hi):
            if any(s <= m.start() < e for s, e in negs):
                continue
            before = [x for x in mm if x[1] <= m.start()]
            gap_from = before[-1][1] if before else lo
            heads = [before[-1][2]] if before else []
            if (not heads or _SUBJECT_RE.search(text, gap_from, m.start())) and own_mm:
                heads = own_mm[:1] if not heads else heads
                if not before:
                    heads = own_mm
            clause = _CLAUSE_END_RE.search(text, m.end(), hi)
            stop = clause.start() if clause else hi
            tails = [x[2] for x in mm if x[0] >= m.end() and x[1] <= stop]
            value = _pick_value(text, lo, hi, value_re)
            for h in heads:
                for t in tails:
                    if h != t:
                        rels.append(
                            Rel(
                                RelationType.OUTPERFORMS,
                                h,
                                t,
                                sent,
                                "outperforms",
                                0.7,
                                value,
                                metric_name if value else None,
                            )
                        )
        # evaluates_on
        if has_eval and db:
            heads = [x[2] for x in mm] or own_mm
            for h in heads:
                for x in db:
                    if h != x[2]:
                        rels.append(Rel(RelationType.EVALUATES_ON, h, x[2], sent, "eval-on", 0.6))
        elif has_eval and own_bench and mm:
            for x in mm:
                if x[2] not in introduced:
                    for b in own_bench:
                        rels.append(
                            Rel(RelationType.EVALUATES_ON, x[2], b, sent, "eval-own-benchmark", 0.5)
                        )
        # uses_metric
        if metrics:
            heads = [x[2] for x in typed if x[3] in MM | DB] or (own_mm if has_eval else [])
            for h in heads:
                for x in metrics:
                    value = _pick_value(text, x[1], min(hi, x[1] + 40), value_re)
                    rels.append(
                        Rel(
                            RelationType.USES_METRIC,
                            h,
                            x[2],
                            sent,
                            "metric-in-sentence",
                            0.5,
                            value,
                            groups[x[2]].name if value else None,
                        )
                    )
    return _dedupe(rels, groups)


def _dedupe(rels: list[Rel], groups: dict[str, Group]) -> list[Rel]:
    seen, out = set(), []
    for r in rels:
        key = (r.type, r.head, r.tail)
        if key in seen or not _signature_ok(r, groups):
            continue
        seen.add(key)
        out.append(r)
    return out


def _signature_ok(r: Rel, groups: dict[str, Group]) -> bool:
    heads, tails = RELATION_SIGNATURES[r.type]
    head_type = PAPER_HEAD if r.head == PAPER_HEAD else groups[r.head].type
    return head_type in heads and groups[r.tail].type in tails
