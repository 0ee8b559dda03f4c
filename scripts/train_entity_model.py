"""Rebuild kg/data/entity_model.json, the learned keep/type step of the entity rules.

    python scripts/train_entity_model.py            # train on the annotated dev sets
    python scripts/train_entity_model.py --cv       # leave-one-set-out figures first

Training data: the guideline-annotated sets in tests/nlp/fixtures listed in TRAIN_SETS
(the eighteen error-analysis sets, 735 abstracts; no blind set, not seed-dev).
C and the threshold were chosen by leave-one-set-out over the twelve session-3/4 error-analysis
sets (C 0.1/0.3/1.0 x threshold 0.5-0.65; with the cue-noun features, 0.65 scores 0.6785 against
0.6764 at 0.6, the six session-7 sets training every fold). See kg/train/entity_model.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.nlp.entity_model import MODEL_FILE  # noqa: E402
from kg.nlp.resources import DATA_DIR  # noqa: E402
from kg.train.entity_model import collect, cross_validate, fit, to_json  # noqa: E402

FIXTURES = ROOT / "tests" / "nlp" / "fixtures"
#: The error-analysis sets: the training data and the leave-one-set-out folds of --cv.
#: (Adding the 60 abstracts of heldout, blind and blind2, which an earlier round tuned on,
#: changed nothing: leave-one-set-out 0.6725 -> 0.6728, blind pooled -0.002; left out.)
TRAIN_SETS = (
    "trend2-dev", "trend3-dev", "classic-dev", "scirex-dev", "scirex-dev2", "trend2-blind",
    "trend3-blind", "classic-blind", "trend4-a", "trend4-b", "classic3-a", "classic3-b",
    "trend7-a", "trend7-b", "classic7", "scirex7-a", "scirex7-b", "scirex7-c",
)  # fmt: skip
C, THRESHOLD = 0.3, 0.65


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", action="store_true", help="print leave-one-set-out figures")
    ap.add_argument("--out", type=Path, default=DATA_DIR / MODEL_FILE)
    args = ap.parse_args(argv)
    pairs = [(FIXTURES / f"{s}-papers.jsonl", FIXTURES / f"{s}-gold.jsonl") for s in TRAIN_SETS]
    rows, gold_counts = collect(pairs)
    print(f"{len(rows)} rule entities from {len(TRAIN_SETS)} sets", file=sys.stderr)
    if args.cv:
        cross_validate(rows, gold_counts, C, THRESHOLD)
    model = fit(rows, C, THRESHOLD)
    args.out.write_text(to_json(model, list(TRAIN_SETS), C), encoding="utf-8")
    print(f"wrote {args.out} ({len(model.weights)} features)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
