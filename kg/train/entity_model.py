"""Train :mod:`kg.nlp.entity_model` on guideline-annotated abstracts.

:func:`collect` runs the rule pipeline with the model step off and pairs every
entity it finds with what the annotators say of it: the gold type of the gold
entity it matches (untyped, by name or alias, as ``kg eval`` matches) or NONE.
:func:`fit` is a multinomial logistic regression with an L2 penalty (``C`` as in
scikit-learn: the penalty is ``1 / (2 C n)`` per example), full-batch Adam from
zero weights: the same data gives the same file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from kg.evaluate import load_gold, match_entities
from kg.io import read_papers
from kg.nlp.entity_model import NONE, EntityModel, features
from kg.nlp.resources import load_resources
from kg.records import Entity, EntityType

Row = tuple[dict[str, float], str, str, str]


def collect(pairs: Iterable[tuple[Path, Path]]) -> tuple[list[Row], Counter]:
    """(features, label, set name, rule type) for every rule entity of every annotated
    paper of ``pairs`` (papers file, gold file), and the gold entity count of each set."""
    from kg.nlp import build_nlp, paper_text
    from kg.nlp.components import groups_from_doc, title_end

    rows: list[Row] = []
    gold_counts: Counter = Counter()
    nlp = build_nlp(learned=False)
    cues = load_resources().cue_nouns
    for papers, gold_file in pairs:
        gold = {g["title"]: g for g in load_gold(str(gold_file))}
        for paper in read_papers([str(papers)]):
            g = gold.get(paper.title)
            if g is None:
                continue
            gold_counts[Path(papers).name] += len(g["entities"])
            text = paper_text(paper.title, paper.abstract)
            doc = nlp(text)
            info = doc._.kg_entities
            groups = groups_from_doc(doc)
            keys = list(info)
            pred = [
                Entity(
                    id=str(i),
                    name=info[k]["name"],
                    type=EntityType(info[k]["type"]),
                    aliases=tuple({text[a:b] for a, b in info[k]["mentions"]} | {info[k]["name"]}),
                )
                for i, k in enumerate(keys)
            ]
            loose = match_entities(pred, g["entities"], strict=False)
            t_end = title_end(text)
            for i, k in enumerate(keys):
                label = g["entities"][loose[i]]["type"] if i in loose else NONE
                feats = features(text, t_end, groups[k], info[k]["introduced_rule"], cues)
                rows.append((feats, label, Path(papers).name, info[k]["type"]))
    return rows, gold_counts


def fit(
    rows: list[Row],
    c: float = 0.3,
    threshold: float = 0.6,
    min_count: int = 2,
    steps: int = 1500,
) -> EntityModel:
    """The model of ``rows``; features seen fewer than ``min_count`` times are left out."""
    counts = Counter(name for feats, *_ in rows for name in feats)
    names = sorted(n for n, k in counts.items() if k >= min_count)
    index = {n: j for j, n in enumerate(names)}
    classes = sorted({row[1] for row in rows} | {NONE})
    x = np.zeros((len(rows), len(names)), dtype=np.float64)
    y = np.zeros((len(rows), len(classes)), dtype=np.float64)
    for i, (feats, label, *_) in enumerate(rows):
        for name, value in feats.items():
            j = index.get(name)
            if j is not None:
                x[i, j] = value
        y[i, classes.index(label)] = 1.0
    n = len(rows)
    w = np.zeros((len(names), len(classes)))
    b = np.zeros(len(classes))
    lam = 1.0 / (c * n)
    mw, vw, mb, vb = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    lr, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        z = x @ w + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        gz = (p - y) / n
        gw = x.T @ gz + lam * w
        gb = gz.sum(axis=0)
        mw = beta1 * mw + (1 - beta1) * gw
        vw = beta2 * vw + (1 - beta2) * gw * gw
        mb = beta1 * mb + (1 - beta1) * gb
        vb = beta2 * vb + (1 - beta2) * gb * gb
        corr1, corr2 = 1 - beta1**step, 1 - beta2**step
        w -= lr * (mw / corr1) / (np.sqrt(vw / corr2) + eps)
        b -= lr * (mb / corr1) / (np.sqrt(vb / corr2) + eps)
    weights = {
        name: tuple(round(float(v), 5) for v in w[j])
        for name, j in index.items()
        if np.abs(w[j]).max() >= 1e-4
    }
    return EntityModel(tuple(classes), weights, tuple(round(float(v), 5) for v in b), threshold)


def to_json(model: EntityModel, trained_on: list[str], c: float) -> str:
    """The model file's text (sorted keys: byte-identical for the same model)."""
    return (
        json.dumps(
            {
                "about": "kg entity keep/type model; rebuild with scripts/train_entity_model.py",
                "trained_on": trained_on,
                "C": c,
                "classes": list(model.classes),
                "intercept": list(model.intercept),
                "threshold": model.threshold,
                "weights": {k: list(v) for k, v in sorted(model.weights.items())},
            },
            indent=0,
            sort_keys=True,
            ensure_ascii=False,
        )
        + "\n"
    )


def cross_validate(
    rows: list[Row],
    gold_counts: Counter,
    c: float,
    threshold: float,
    held: Iterable[str] | None = None,
) -> dict:
    """Leave-one-set-out strict entity F1 of each set (of ``held``, default all), rules
    alone and rules + model (each set scored by a model trained on the others); printed
    and returned, with the pooled figures under ``"pooled"``."""
    out = {}
    sets = sorted(held) if held is not None else sorted({row[2] for row in rows})
    totals = [0, 0, 0, 0]  # tp before, pred before, tp after, pred after
    for held in sets:
        model = fit([r for r in rows if r[2] != held], c, threshold)
        test = [r for r in rows if r[2] == held]
        tp0 = sum(label == rtype for _, label, _, rtype in test)
        decided = [(model.decide(feats), label) for feats, label, *_ in test]
        kept = [(d, label) for d, label in decided if d != NONE]
        tp1 = sum(d == label for d, label in kept)
        gold = gold_counts[held]
        before, after = 2 * tp0 / (len(test) + gold), 2 * tp1 / (len(kept) + gold)
        out[held] = (before, after)
        for k, v in enumerate((tp0, len(test), tp1, len(kept))):
            totals[k] += v
        print(f"{held:28} {before:.3f} -> {after:.3f}")
    gold = sum(gold_counts[s] for s in sets)
    pooled = (2 * totals[0] / (totals[1] + gold), 2 * totals[2] / (totals[3] + gold))
    print(f"{'pooled':28} {pooled[0]:.3f} -> {pooled[1]:.3f}")
    out["pooled"] = pooled
    return out
