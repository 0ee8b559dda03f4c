"""Scoring extractions against gold annotations (``../shared/gold`` format).

Gold: one JSON object per line, ``{"n", "title", "entities": [{"name", "type",
"aliases", "introduced"}], "relations": [{"type", "head", "tail"}]}`` (an
``id``/``paper_id`` is used when present).

Scoring, per paper:

* papers are paired by id or normalised title; extracted papers absent from
  the gold are ignored, gold papers without an extraction count as missed;
* an extracted entity matches a gold entity when one of its normalised
  names/mentions/aliases equals a normalised gold alias or name (case,
  punctuation, spacing, a leading article and a final plural ignored), one
  to one (maximum bipartite matching); *strict* also needs equal types,
  *untyped* does not;
* a relation matches when its type is equal and both ends map to the gold
  ends through the untyped entity matching (``PAPER`` == ``PAPER``).

Precision, recall and F1 are micro-averaged over all papers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.io.common import title_key
from kg.link import normalize_name
from kg.records import PAPER_HEAD, EntityType, Extraction, RelationType

_PUNCT_RE = re.compile(r"[\W_]+", re.UNICODE)


def match_key(text: str) -> str:
    """Normalised form used for matching: :func:`kg.link.normalize_name` without
    punctuation or spaces (``"The Backdoor-Attacks"`` -> ``"backdoorattack"``)."""
    return _PUNCT_RE.sub("", normalize_name(text))


def load_gold(path: str | Path) -> list[dict]:
    """Read a gold JSONL file; each bad line raises :class:`~kg.errors.InputError`
    with ``file:line``."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(
            f"cannot read gold file ({exc.strerror}); check the path", str(path)
        ) from None
    except UnicodeDecodeError:
        raise InputError("gold file is not UTF-8", str(path)) from None
    gold = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON ({exc.msg})", where) from None
        if not isinstance(obj, dict) or not isinstance(obj.get("title"), str):
            raise InputError("expected an object with a 'title' string", where)
        ents, rels = obj.get("entities", []), obj.get("relations", [])
        if not isinstance(ents, list) or not isinstance(rels, list):
            raise InputError("'entities' and 'relations' must be lists", where)
        for e in ents:
            if (
                not isinstance(e, dict)
                or not e.get("name")
                or e.get("type") not in EntityType.__members__
            ):
                raise InputError(f"bad entity {e!r}: needs 'name' and a known 'type'", where)
        for r in rels:
            if not isinstance(r, dict) or r.get("type") not in {t.value for t in RelationType}:
                raise InputError(f"bad relation {r!r}: needs a known 'type'", where)
        gold.append(obj)
    return gold


@dataclass
class Counts:
    """True positives, predicted and gold totals of one category."""

    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, tp: int, pred: int, gold: int) -> None:
        self.tp += tp
        self.pred += pred
        self.gold += gold

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "predicted": self.pred,
            "gold": self.gold,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }

    def line(self) -> str:
        return f"P {self.precision:.2f} R {self.recall:.2f} F1 {self.f1:.2f}"


@dataclass
class EvalReport:
    """Scores of one evaluation run; :meth:`format_text` ends with the overall figures."""

    entities: Counts = field(default_factory=Counts)
    entities_untyped: Counts = field(default_factory=Counts)
    relations: Counts = field(default_factory=Counts)
    by_entity_type: dict[str, Counts] = field(default_factory=dict)
    by_relation_type: dict[str, Counts] = field(default_factory=dict)
    papers_gold: int = 0
    papers_matched: int = 0
    per_paper: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "papers": {"gold": self.papers_gold, "matched": self.papers_matched},
            "entities": {
                "strict": self.entities.to_dict(),
                "untyped": self.entities_untyped.to_dict(),
                "by_type": {k: v.to_dict() for k, v in sorted(self.by_entity_type.items())},
            },
            "relations": {
                "overall": self.relations.to_dict(),
                "by_type": {k: v.to_dict() for k, v in sorted(self.by_relation_type.items())},
            },
            "per_paper": self.per_paper,
        }

    def format_text(self) -> str:
        """Per-type tables, then exactly four overall lines at the end."""
        out = ["entity type     P     R     F1    (tp/pred/gold)"]
        for name, c in sorted(self.by_entity_type.items()):
            out.append(f"  {name:<13} {_row(c)}")
        out.append("relation type")
        for name, c in sorted(self.by_relation_type.items()):
            out.append(f"  {name:<13} {_row(c)}")
        out.append(f"papers: {self.papers_matched} of {self.papers_gold} gold papers extracted")
        out.append(f"entities (strict type): {self.entities.line()}")
        out.append(f"entities (untyped): {self.entities_untyped.line()}")
        out.append(f"relations: {self.relations.line()}")
        return "\n".join(out)


def _row(c: Counts) -> str:
    return f"{c.precision:.2f}  {c.recall:.2f}  {c.f1:.2f}  ({c.tp}/{c.pred}/{c.gold})"


def _max_matching(n_left: int, edges: list[list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (Kuhn): left index -> right index."""
    right_of: dict[int, int] = {}

    def try_assign(u: int, seen: set[int]) -> bool:
        for v in edges[u]:
            if v in seen:
                continue
            seen.add(v)
            if v not in right_of or try_assign(right_of[v], seen):
                right_of[v] = u
                return True
        return False

    for u in range(n_left):
        try_assign(u, set())
    return {u: v for v, u in right_of.items()}


def _entity_keys(e) -> set[str]:
    texts = [e.name, *e.aliases, *(m.text for m in e.mentions)]
    return {k for k in map(match_key, texts) if k}


def _gold_keys(g: dict) -> set[str]:
    return {k for k in map(match_key, [g["name"], *g.get("aliases", [])]) if k}


def match_entities(pred: list, gold: list[dict], strict: bool) -> dict[int, int]:
    """One-to-one matching of extracted to gold entities: pred index -> gold index."""
    gkeys = [_gold_keys(g) for g in gold]
    edges = []
    for e in pred:
        keys = _entity_keys(e)
        edges.append(
            [
                j
                for j, g in enumerate(gold)
                if keys & gkeys[j] and (not strict or e.type.value == g["type"])
            ]
        )
    return _max_matching(len(pred), edges)


def score_paper(ex: Extraction, g: dict, report: EvalReport) -> None:
    """Add one paper's counts to ``report``."""
    pred = list(ex.entities)
    gold = g.get("entities", [])
    strict = match_entities(pred, gold, strict=True)
    loose = match_entities(pred, gold, strict=False)
    report.entities.add(len(strict), len(pred), len(gold))
    report.entities_untyped.add(len(loose), len(pred), len(gold))
    for t in EntityType:
        c = report.by_entity_type.setdefault(t.value, Counts())
        tp = sum(1 for i, j in strict.items() if gold[j]["type"] == t.value)
        c.add(tp, sum(1 for e in pred if e.type is t), sum(1 for x in gold if x["type"] == t.value))
    # Relation ends through the untyped entity matching.
    to_gold = {PAPER_HEAD: PAPER_HEAD}
    for i, j in loose.items():
        to_gold.setdefault(pred[i].name, gold[j]["name"])
    pred_rels = {
        (r.type.value, to_gold.get(r.head, "\0" + r.head), to_gold.get(r.tail, "\0" + r.tail))
        for r in ex.relations
    }
    gold_rels = {(r["type"], r["head"], r["tail"]) for r in g.get("relations", [])}
    hits = pred_rels & gold_rels
    report.relations.add(len(hits), len(pred_rels), len(gold_rels))
    for t in RelationType:
        c = report.by_relation_type.setdefault(t.value, Counts())
        c.add(
            sum(1 for r in hits if r[0] == t.value),
            sum(1 for r in pred_rels if r[0] == t.value),
            sum(1 for r in gold_rels if r[0] == t.value),
        )
    report.per_paper.append(
        {
            "n": g.get("n"),
            "title": g["title"],
            "entities": {"tp": len(strict), "predicted": len(pred), "gold": len(gold)},
            "relations": {"tp": len(hits), "predicted": len(pred_rels), "gold": len(gold_rels)},
        }
    )


def score(gold: list[dict], extractions: Iterable[Extraction]) -> EvalReport:
    """Score ``extractions`` against ``gold`` (from :func:`load_gold`)."""
    by_id, by_title = {}, {}
    for ex in extractions:
        by_id.setdefault(ex.paper.id, ex)
        by_title.setdefault(title_key(ex.paper.title), ex)
    report = EvalReport(papers_gold=len(gold))
    for g in gold:
        gid = g.get("id") or g.get("paper_id")
        ex = by_id.get(gid) if gid else None
        ex = ex or by_title.get(title_key(g["title"]))
        if ex is None:
            ex = Extraction(paper=_empty_paper(g))
        else:
            report.papers_matched += 1
        score_paper(ex, g, report)
    return report


def _empty_paper(g: dict):
    from kg.records import Paper

    return Paper(id=str(g.get("id") or g.get("n") or ""), title=g["title"], abstract="")
