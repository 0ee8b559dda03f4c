"""Which dataset a metric is reported on, and with which value (helpers of
:mod:`kg.nlp.relations`' uses_metric rule): "an AUC of 0.687 on OTB-100", "AlpacaEval 2
(58.7% LC win rate)", "88.1% joint goal accuracy and 97.1% request accuracy on WoZ",
"FID of 3.17", "64% 5-shot accuracy"."""

from __future__ import annotations

import re

# "accuracy on D", "the CIDEr score on D": the dataset a metric is reported on.
_CONJUNCT_RE = re.compile(r",|\band\b")
# "an AUC of 0.687 on OTB-100" too.
_METRIC_ON_RE = re.compile(
    r"\s+(?:scores?\s+|values?\s+)?(?:(?:of|=|:)\s*[\d.,]+\s*%?\s+)?on\s+(?:the\s+)?$"
)
_METRIC_AND_RE = re.compile(
    r"^\s*(?:,\s*|,?\s*and\s+)(?:(?:of\s+)?[\d.,]+\s*%?\s+)?(?:the\s+)?(?:[a-z-]+\s+){0,2}$"
)
# "AlpacaEval 2 (58.7% LC win rate)": a metric in parentheses after a dataset is its own.
_PAREN_AFTER_RE = re.compile(r"\s*\([^()]{0,30}$")


def metric_attachments(text: str, metrics: list, db: list) -> dict[tuple, tuple]:
    """Metric mention -> the dataset/benchmark mention it is reported "on" right
    after it ("accuracy on ScienceQA and the CIDEr score on COCO": each its own), or
    in parentheses after ("AlpacaEval 2 (58.7% LC win rate)")."""
    out = {}
    for x in metrics:
        nxt = next((d for d in db if d[0] >= x[1]), None)
        prev = next((d for d in reversed(db) if d[1] <= x[0]), None)
        if nxt is not None and _METRIC_ON_RE.match(text[x[1] : nxt[0]]):
            out[x] = nxt
        elif prev is not None and _PAREN_AFTER_RE.match(text[prev[1] : x[0]]):
            out[x] = prev
    # "88.1% joint goal accuracy and 97.1% request accuracy on WoZ": both on WoZ
    for x, y in reversed(list(zip(metrics, metrics[1:], strict=False))):
        if x not in out and y in out and _METRIC_AND_RE.match(text[x[1] : y[0]]):
            out[x] = out[y]
    return out


def metric_datasets(text: str, x: tuple, db_heads: list, attached: dict[tuple, tuple]) -> list:
    """The dataset/benchmark mentions of a clause a metric goes with: not those
    reported "on" with another metric and, when it has its own "on D", none in an
    earlier conjunct ("the LongBench score ... and lowers perplexity on PG-19")."""
    own = attached.get(x)
    taken = {d for m, d in attached.items() if m != x and d != own}
    return [
        d
        for d in db_heads
        if d not in taken
        and (own is None or d[0] >= own[0] or not _CONJUNCT_RE.search(text, d[1], x[0]))
    ]


_VALUE_AFTER_RE = re.compile(
    r"\s*(?:scores?\s+)?(?:of|=|:|is|at|reaches|reached)?\s*([+\-]?\d+(?:\.\d+)?\s*(?:\\?%)?)"
    r"(?!\w|\.\d)"
)
_VALUE_BEFORE_RE = re.compile(r"([+\-]?\d+(?:\.\d+)?\s*(?:\\?%)?)\s+(?:[\w-]+\s+)?$")


def metric_value(text: str, start: int, end: int, lo: int, hi: int) -> str | None:
    """A number reported with a metric: "FID of 3.17", "FID: 3.17", "64% 5-shot accuracy"."""
    m = _VALUE_AFTER_RE.match(text, end, hi)
    if m:
        return m.group(1).strip()
    m = _VALUE_BEFORE_RE.search(text, max(lo, start - 20), start)
    return m.group(1).strip() if m else None
