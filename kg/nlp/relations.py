"""Sentence-level relation rules over typed entity mentions (plain functions).

Reads the entity groups of :mod:`kg.nlp.resolve` and the trigger patterns of
``kg/data/triggers.jsonl``; every relation carries its evidence sentence and
the id of the rule that made it.

* proposes - the title prefix "X: ..." or subtitle "...: A Y Method";
  "we propose/introduce/present ... X" (the first mention after the verb that
  no gazetteer knows, that is not the object of a preposition nor a
  descriptor as in "a new IFT dataset", and the mentions listed with it);
  enumerations "(1) X ..., (2) Y"; "called / dubbed / namely X"; "a novel
  ... X"; variants of a proposed name ("X-base", "X 7B").
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
from bisect import bisect_left
from dataclasses import dataclass

from kg.nlp.candidates import is_name_shaped
from kg.nlp.metric_links import metric_attachments, metric_datasets, metric_value
from kg.nlp.resolve import Group
from kg.nlp.resources import Resources, fold_case
from kg.records import PAPER_HEAD, RELATION_SIGNATURES, EntityType, RelationType

MM = frozenset({EntityType.MODEL, EntityType.METHOD})
DB = frozenset({EntityType.DATASET, EntityType.BENCHMARK})
_SUBJECT_RE = re.compile(
    r"\b(?:our|we|it|this (?:model|method|approach|framework|work)|the proposed)\b", re.IGNORECASE
)
# "the proposed methods are applied to ... on D": every proposal, its parts too.
_OWN_PLURAL_RE = re.compile(
    r"\b(?:the proposed|our|both(?: proposed)?) "
    r"(?:methods|models|approaches|techniques|variants)\b",
    re.IGNORECASE,
)
_GENERIC_AFTER_RE = re.compile(
    r"[\s-]+(?:based\s+\w+|(?:baselines|methods|models|approaches|techniques|algorithms|"
    r"systems|variants|counterparts)\b)",
    re.IGNORECASE,
)


def _modifies_generic(text: str, end: int, start: int | None = None) -> bool:
    """A name used as a modifier of a generic plural or "-based" ("RL baselines",
    "CNN-based models") stands for a class of things; "a CLIP model" is CLIP, and so are
    "the hredGAN models" (a name-shaped word before a plural: the family of that name;
    give ``start`` to check the shape)."""
    m = _GENERIC_AFTER_RE.match(text, end)
    if m is None:
        return False
    if start is not None and m.group().strip().lower() == "models":
        return not is_name_shaped(text[start:end].split()[-1])
    return True


_WHERE_RE = re.compile(r"\s(?:on|in|across|at|for|using|under|with|while)\s", re.IGNORECASE)
_CLAUSE_END_RE = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|\bhowever\b", re.IGNORECASE)
_COORD_RE = re.compile(r"^(?:\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+&\s+|\s+as well as\s+)$")
# "outperforms them", "beats all of them", "surpasses these baselines": an anaphor.
_ANAPHOR_RE = re.compile(
    r"\s+(?:them(?! on\b)|(?:all|each|both|most)(?: of)? (?:them|these|those)|"
    r"(?:all |both )?(?:these|those|such) (?:baselines|methods|models|approaches|systems))\b"
)
_ANAPHOR_WORD_RE = re.compile(r"\b(?:them|these|those)\b")


def antecedents(mentions: list, before: int, heads: list[str]) -> list[str]:
    """Models/methods an anaphoric "them" after ``before`` refers to: those named
    before it (in the sentence, else the previous one), except the heads."""
    return list(dict.fromkeys(x[2] for x in mentions if x[1] <= before and x[2] not in heads))


#: Confidence of each rule: its precision on the development gold, rounded down
#: (rules not listed: 0.5).
RULE_CONFIDENCE = {
    "title-colon": 0.95,
    "title-head": 0.8,
    "abbr-new": 0.8,
    "propose-enum": 0.9,
    "named": 0.7,
    "propose-we": 0.65,
    "novel-x": 0.6,
    "outperform-verb": 0.85,
    "outperform-margin": 0.8,
    "outperform-than": 0.7,
    "outperform-over": 0.7,
    "outperform-fronted": 0.75,
    "metric-in-sentence": 0.8,
    "eval-on": 0.7,
}


def confidence(rule: str) -> float:
    return RULE_CONFIDENCE.get(rule, 0.5)


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
    """The mentions (sorted by start) inside ``[lo, hi)``."""
    i = bisect_left(mentions, (lo,))
    out = []
    while i < len(mentions) and mentions[i][0] < hi:
        if mentions[i][1] <= hi:
            out.append(mentions[i])
        i += 1
    return out


def _pick_value(text: str, lo: int, hi: int, value_re: re.Pattern) -> str | None:
    m = value_re.search(text, lo, hi)
    return m.group().strip() if m else None


_TAIL_CONTEXT_RE = re.compile(
    r"(?:\b(?:on|across|over|in|using|with|to|from|including|namely)|\bsuch as|"
    r"\be\.g\.,?|\bi\.e\.,?|\bfor (?:example|instance),?|\bresults\s+for|"
    r"\b(?:datasets?|benchmarks?|suites?|tasks?)\s*:|\b(?:datasets|benchmarks|suites)\s*,)"
    r"\s+(?:[\w-]+\s+){0,5}(?:(?<=datasets )\(|(?<=benchmarks )\()?$",
    re.IGNORECASE,
)
# "on D1 and closed-loop D2": a hyphenated qualifier may sit before the next item, an
# abbreviation after the previous one ("on Labeled Faces in the Wild (LFW), YTF and ...")
_LIST_GAP_RE = re.compile(
    r"^(?:\s*\([^()]{1,20}\))?\s*(?:,|and|or|&|,\s*and|,\s*or)\s*(?:the\s+)?"
    r"(?:[a-z]+-[a-z-]+\s+){0,2}$"
)
_NOT_ON_RE = re.compile(
    r"\b(?:based|relies|rely|relying|focus(?:es|ing)?|depend(?:s|ing)?|built|"
    r"conditioned|trained)\s+on\s+",
    re.IGNORECASE,
)


def _eval_tails(text: str, lo: int, db: list, metrics: list = ()) -> tuple[list, list]:
    """Datasets/benchmarks of a sentence that results are reported on: after "on",
    "across", "in"... (not "based on"), listed right after such a one, or naming
    the metric that follows ("the AlpacaEval 2 win rate"). Training data ("fine-tuned
    on D") only when the sentence names no other. Returns (tails, training data)."""
    tails, trained, prev_end = [], [], None
    metric_starts = {m[0] for m in metrics}
    for x in db:
        before = text[max(lo, x[0] - 60) : x[0]]
        listed = prev_end is not None and _LIST_GAP_RE.match(text[prev_end : x[0]])
        m = _TAIL_CONTEXT_RE.search(before)
        at = max(m.start(), _last_on(before)) if m else 0  # the nearest "on"
        if m and not listed and _trained_on(text, lo, x[0] - len(before) + at):
            trained.append(x)
        elif (
            listed
            or (m and not _NOT_ON_RE.search(before[max(0, at - 12) :]))
            or (x[1] + 1 in metric_starts and text[x[1]] == " ")
        ):
            tails.append(x)
            prev_end = x[1]
    return (tails, trained) if tails else (trained, [])


_TRAIN_VERB_RE = re.compile(
    r"\b(?:train(?:ed|ing)?|fine-?tun(?:ed|ing|e)|pre-?train(?:ed|ing)?|finetun(?:ed|ing|e))"
    r"\b(?:(?!\b(?:on|evaluat\w*|test\w*|validat\w*|assess\w*)\b)[^,;.()]){0,50}$",
    re.IGNORECASE,
)


def _last_on(before: str) -> int:
    """Offset of the last "on" in ``before`` (0 when there is none)."""
    pos = before.lower().rfind(" on ")
    return pos + 1 if pos >= 0 else 0


def _trained_on(text: str, lo: int, on_pos: int) -> bool:
    """ "Fine-tuning X and Y on D", "trained ... on D": training data, not an evaluation
    (the training verb within the same comma-free stretch before "on")."""
    return bool(_TRAIN_VERB_RE.search(text, max(lo, on_pos - 60), on_pos))


_OBJECT_PREP_RE = re.compile(
    r"\b(?:to|over|than|with|against|from|of|by|like|versus|vs\.?)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)


def _object_of(text: str, lo: int, x: tuple) -> bool:
    """Whether a mention is the object of a preposition ("relative to Y", "than Y")."""
    return bool(_OBJECT_PREP_RE.search(text, max(lo, x[0] - 30), x[0]))


_CLAUSE_SPLIT_RE = re.compile(
    r";|,\s*(?:while|whereas|but|and (?:it|they|we|on|in|for))\b|\bwhile\b|\bwhereas\b|"
    r"\b(?:show|shows|showed|demonstrate|demonstrates|indicate|indicates|reveal|reveals|"
    r"confirm|confirms) that\b",
    re.IGNORECASE,
)


def _clauses(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Clauses of the sentence ``[lo, hi)``: split at ";", ", while", ", and it", "show that"."""
    bounds, start = [], lo
    for m in _CLAUSE_SPLIT_RE.finditer(text, lo, hi):
        bounds.append((start, m.start()))
        start = m.end()
    bounds.append((start, hi))
    return bounds


# A fronted subordinate clause ("While GPT-4 performs best, X ...") or a coordinated one
# (", while X outperforms Y") ends where the main clause starts.
_SUBORDINATE_RE = re.compile(
    r"\s*(?:while|although|though|whereas|unlike|despite|because|since|when|after|before|"
    r"besides|among|beyond|in contrast to|apart from|using|with|given|by|built on|based on|"
    r"trained on|starting from)\b[^,;]*,",
    re.IGNORECASE,
)
_CLAUSE_START_RE = re.compile(r";|,?\s+(?:while|whereas|but)\s+|\bthat\s+", re.IGNORECASE)


def clause_start(text: str, lo: int, pos: int) -> int:
    """Start of the clause holding ``pos`` in the sentence starting at ``lo``."""
    start = lo
    sub = _SUBORDINATE_RE.match(text, lo, pos)
    if sub:
        start = sub.end()
    for m in _CLAUSE_START_RE.finditer(text, start, pos):
        start = m.end()
    return start


def _aside(text: str, start: int, pos: int) -> bool:
    """Whether ``pos`` lies in a parenthesis or a ", which/that/where ..." aside opened
    after ``start`` and not closed before ``pos``."""
    seg = text[start:pos]
    if seg.count("(") > seg.count(")"):
        return True
    opened = [m.end() for m in _ASIDE_RE.finditer(seg)]
    return bool(opened) and "," not in seg[opened[-1] :]


_ASIDE_RE = re.compile(r",\s*(?:which|that|who|where|built|based|trained|using)\b")


def fronted_comparisons(
    text: str,
    lo: int,
    hi: int,
    mm: list,
    own_mm: list[str],
    fronted_re: re.Pattern,
    superior_re: re.Pattern,
) -> list[tuple[list[str], list[str]]]:
    """``(heads, tails)`` of "Compared to Y1 and Y2, X achieves higher ..." in the
    sentence ``[lo, hi)``: the tails are the models/methods between the cue
    (``fronted_re``, triggers of kind "fronted") and the comma, the head the subject of the
    clause after it (the paper's own proposal for "our method", "we", "it"), when that
    clause states superiority (``superior_re``, kind "superior")."""
    out = []
    for m in fronted_re.finditer(text, lo, hi):
        before = text[lo : m.start()].rstrip()
        if before and before[-1] not in ",;:":
            continue  # "X is compared to Y": not a fronted phrase
        comma = text.find(",", m.end(), hi)
        if comma < 0:
            continue
        tails = [x[2] for x in mm if m.end() <= x[0] and x[1] <= comma]
        clause_end = _CLAUSE_END_RE.search(text, comma, hi)
        stop = clause_end.start() if clause_end else hi
        cue = superior_re.search(text, comma, stop)
        if not tails or not cue:
            continue
        subject = next(
            (x for x in mm if comma < x[0] < cue.start() and not _object_of(text, comma, x)),
            None,
        )
        if subject is not None:
            heads = [subject[2]]
        elif own_mm and _SUBJECT_RE.search(text, comma, cue.start()):
            heads = list(own_mm)
        else:
            continue
        out.append((heads, [t for t in tails if t not in heads]))
    return out


def _named(g: Group, text: str) -> bool:
    """A specific named thing (capital letter or digit in a surface), or the paper's own."""
    return g.introduced or any(_NAMED_CHAR_RE.search(text, s, e) for s, e in g.mentions)


_NAMED_CHAR_RE = re.compile(r"[A-Z0-9\u0370-\u03ff]")


_TITLE_RULES = frozenset({"title-colon", "title-head"})


def find_relations(
    text: str,
    sentences: list[tuple[int, int]],
    mentions: list[tuple[int, int, str]],
    groups: dict[str, Group],
    introduced: dict[str, tuple[str, tuple[int, int]]],
    res: Resources,
    title_end: int = 0,
) -> list[Rel]:
    """All relations of one paper, in text order, without duplicates."""
    rels: list[Rel] = []
    for key, (rule, sent) in introduced.items():
        rels.append(Rel(RelationType.PROPOSES, PAPER_HEAD, key, sent, rule, confidence(rule)))
    # The paper's own models/methods; "our method" is the one its title names when it
    # names one (its components, "a ... module (LASF)", are not what is evaluated).
    # (not the parts it builds, "a disparity sampler", unless it proposes nothing else)
    own_all = [k for k in introduced if groups[k].type in MM]
    own_all = [k for k in own_all if "own-part" not in groups[k].sources] or own_all
    own_mm = [k for k in own_all if introduced[k][0] in _TITLE_RULES] or own_all
    # Case-sensitive regexes over the case-folded text: same offsets, faster.
    eval_re = res.trigger_regex("evaluates_on", folded=True)
    out_re = res.trigger_regex("outperforms", folded=True)
    neg_re = res.trigger_regex("negation", folded=True)
    fronted_re = res.trigger_regex("fronted")
    superior_re = res.trigger_regex("superior")
    low = fold_case(text)
    value_re = res.trigger_regex("value")
    named = {k: _named(g, text) for k, g in groups.items()}
    for i, sent in enumerate(sentences):
        lo, hi = sent
        if title_end and hi <= title_end:
            continue  # the title states no results
        ms = [x for x in _in(mentions, lo, hi) if named[x[2]]]
        if not ms:
            continue
        typed = [(s, e, k, groups[k].type) for s, e, k in ms]
        mm = [x for x in typed if x[3] in MM]
        db = [x for x in typed if x[3] in DB]
        metrics = [x for x in _in(mentions, lo, hi) if groups[x[2]].type is EntityType.METRIC]
        # Cue regexes run only where their relation can exist (speed).
        has_eval = bool((db or metrics) and eval_re.search(low, lo, hi))
        metric_name = groups[metrics[0][2]].name if metrics else None
        # outperforms
        anaphor = mm and _ANAPHOR_WORD_RE.search(low, lo, hi)
        outs = (
            list(out_re.finditer(low, lo, hi)) if len(mm) > 1 or (mm and own_mm) or anaphor else []
        )
        negs = [(m.start(), m.end()) for m in neg_re.finditer(low, lo, hi)] if outs else []
        winners: list[str] = []  # heads compared in this sentence: evaluated where it is
        for m in outs:
            if any(s <= m.start() < e for s, e in negs):
                continue
            before = [x for x in mm if x[1] <= m.start()]
            # The subject of the comparison's clause: its first model/method that is no
            # object of a preposition and not inside a parenthesis or relative clause ("X,
            # which builds on Y, outperforms Z"; "X lowers MSE relative to Y and outperforms Z").
            # A participle ("..., outperforming Y") attaches to the nearest one instead.
            start = clause_start(text, lo, m.start())
            candidates = reversed(before) if low.startswith("ing", m.end() - 3) else before
            subject = next(
                (
                    x
                    for x in candidates
                    if x[0] >= start
                    and not _object_of(text, lo, x)
                    and not _aside(text, start, x[0])
                ),
                None,
            )
            subject = subject or (before[-1] if before else None)
            heads = [subject[2]] if subject else []
            gap_from = subject[1] if subject else lo
            if own_mm and (not heads or _SUBJECT_RE.search(text, gap_from, m.start())):
                heads = own_mm
            clause = _CLAUSE_END_RE.search(text, m.end(), hi)
            stop = clause.start() if clause else hi
            tails = [
                x
                for x in mm
                if x[0] >= m.end() and x[1] <= stop and not _modifies_generic(text, x[1], x[0])
            ]
            if tails:  # "better than Y on D, E" - what follows "on" is not compared
                where = _WHERE_RE.search(text, tails[0][1], stop)
                stop = where.start() if where else stop
            tails = [x[2] for x in tails if x[1] <= stop]
            if _ANAPHOR_RE.match(low, m.end()):  # "X outperforms them" (not what follows)
                if own_mm and _SUBJECT_RE.search(text, lo, m.start()):
                    heads = own_mm  # "it performs comparably to A and B ... outperforms them"
                tails = antecedents(mm, m.start(), heads)
                if not tails and i and sentences[i - 1][0] >= title_end:
                    prev = [
                        x
                        for x in _in(mentions, *sentences[i - 1])
                        if named[x[2]] and groups[x[2]].type in MM
                    ]
                    tails = antecedents(prev, hi, heads)
            value = _pick_value(text, m.start(), stop, value_re)
            rule = res.trigger_id("outperforms", text, m.start())
            if tails:
                winners.extend(heads)
            for h in heads:
                for t in tails:
                    if h != t:
                        rels.append(
                            Rel(
                                RelationType.OUTPERFORMS,
                                h,
                                t,
                                sent,
                                rule,
                                confidence(rule),
                                value,
                                metric_name if value else None,
                            )
                        )
        fronted = (
            fronted_comparisons(text, lo, hi, mm, own_mm, fronted_re, superior_re) if mm else ()
        )
        for heads, tails in fronted:
            winners.extend(heads)
            for h in heads:
                for t in tails:
                    rels.append(
                        Rel(
                            RelationType.OUTPERFORMS,
                            h,
                            t,
                            sent,
                            "outperform-fronted",
                            confidence("outperform-fronted"),
                        )
                    )
        # evaluates_on
        tails, trained = _eval_tails(text, lo, db, metrics) if has_eval else ([], [])
        train_keys = {x[2] for x in trained}
        if tails:
            heads = [
                x[2]
                for x in mm
                if x[2] not in {t[2] for t in tails} and not _modifies_generic(text, x[1])
            ]
            if not heads or _SUBJECT_RE.search(text, lo, hi):  # "our method ... on D"
                own = own_all if _OWN_PLURAL_RE.search(text, lo, hi) else own_mm
                heads = list(dict.fromkeys(heads + own))
            # "Results on D show gains over Y": who gains was evaluated on D too.
            heads = list(dict.fromkeys(heads + [h for h in winners if h not in heads]))
            rule = "eval-on"
            # (Carrying the models of the sentence before to "Results on D ..." was right
            # 1 time in 11 on the error-analysis sets: it is gone.)
            for h in heads:
                for x in tails:
                    if h != x[2]:
                        rels.append(
                            Rel(RelationType.EVALUATES_ON, h, x[2], sent, rule, confidence(rule))
                        )
        # uses_metric: the models, methods, datasets of the metric's clause (of the
        # sentence when the clause has none); its value only from that clause.
        clauses = _clauses(text, lo, hi) if metrics else []
        attached = metric_attachments(text, metrics, db) if len(metrics) > 1 or db else {}
        for x in metrics:
            clo, chi = next(((a, b) for a, b in clauses if a <= x[0] < b), (lo, hi))
            in_clause = [y for y in typed if clo <= y[0] < chi]
            if not any(y[3] in MM | DB for y in in_clause):
                clo, chi = lo, hi
                in_clause = typed
            dbs = metric_datasets(text, x, [y for y in in_clause if y[3] in DB], attached)
            # not the training data of "trained on facts from D, X is tested on E"
            dbs = [y for y in dbs if y[2] not in train_keys]
            dims = groups[x[2]].sources <= {"metric-slot", "repeat"}  # "model size": no data's
            heads = [
                y[2]
                for y in _not_backbones(text, clo, in_clause)
                if y[3] in MM or y in dbs and not dims
            ]
            if has_eval and (not heads or _SUBJECT_RE.search(text, clo, chi)):
                heads = list(dict.fromkeys(heads + own_mm))
            value = metric_value(text, x[0], x[1], clo, chi)
            metric = groups[x[2]].name if value else None
            rule = "metric-in-sentence"
            for h in heads:
                rels.append(
                    Rel(
                        RelationType.USES_METRIC,
                        h,
                        x[2],
                        sent,
                        rule,
                        confidence(rule),
                        value,
                        metric,
                    )
                )
    return _dedupe(rels, groups)


# "across Mistral-7B, Llama-3-8B and Gemma-2-9B", "using a single DCGAN network", "based
# on the Vicuna-7B architecture": models a result was obtained with, not reported on.
_BACKBONE_BEFORE_RE = re.compile(
    r"\b(?:across|using|based on|built (?:up)?on|on top of)\s+(?:(?:the|a|an|single|"
    r"different|various|several|multiple|backbones?|models?|such as|e\.g\.,?)\s+)*$",
    re.IGNORECASE,
)


def _not_backbones(text: str, lo: int, mentions: list) -> list:
    """``mentions`` without the models/methods named as what something runs on (and
    those listed right after such a one)."""
    out, prev = [], None
    for x in mentions:
        listed = prev is not None and _COORD_RE.match(text[prev[1] : x[0]])
        if x[3] in MM and (_BACKBONE_BEFORE_RE.search(text, max(lo, x[0] - 40), x[0]) or listed):
            prev = x
            continue
        prev = None
        out.append(x)
    return out


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
