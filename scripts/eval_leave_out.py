"""Score extraction on SciREX abstracts with vocabularies that never saw those papers.

kg's SciREX-derived data (the gazetteer's ``scirex:`` entries, ``scirex_phrases.tsv``,
``scirex_modifiers.txt``, ``common_words.txt``) are learned from the 261 SciREX papers in
../shared, and the blind sets of tests/nlp/fixtures are abstracts of some of those papers. For an
honest figure this script rebuilds every such file without the papers being scored (gazetteer
entries known only from SciREX stay when two other SciREX papers name them), loads the
pipeline from that data folder and prints the usual ``kg eval`` report.

    python scripts/eval_leave_out.py tests/nlp/fixtures/scirex-final-gold.jsonl \\
        tests/nlp/fixtures/scirex-final-papers.jsonl
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from scirex_abstracts import excluded_ids, iter_docs  # noqa: E402

DEFAULT_DOCS = ROOT.parent / "shared" / "data" / "scirex" / "scirex-train-docs.jsonl"


def scirex_only(line: str) -> bool:
    """Whether a gazetteer line's sources (fifth column) are all SciREX."""
    cols = line.rstrip("\n").split("\t")
    if line.startswith("#") or len(cols) < 5 or not cols[4]:
        return False
    return all(src.startswith("scirex") for src in cols[4].split(";"))


def known_elsewhere(line: str, texts: list[str]) -> bool:
    """Whether at least two of the other papers (``texts``, lower-cased, space-padded
    token text) write a gazetteer line's name or one of its aliases."""
    cols = line.rstrip("\n").split("\t")
    surfaces = [cols[1], *(cols[2].split("|") if len(cols) > 2 and cols[2] else [])]
    needles = [" " + " ".join(_TOKEN_RE.findall(s.lower())) + " " for s in surfaces]
    return sum(1 for t in texts if any(n in t for n in needles)) >= 2


_TOKEN_RE = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")


def leave_out_data(data_dir: Path, docs: Path, papers: list[Path]) -> None:
    """Fill ``data_dir`` with kg/data rebuilt without the SciREX papers of ``papers``: a
    gazetteer entry known only from SciREX stays when two other SciREX papers name it."""
    shutil.copytree(ROOT / "kg" / "data", data_dir, dirs_exist_ok=True)
    skip = excluded_ids([str(p) for p in papers])
    texts = [" " + " ".join(d["words"]).lower() + " " for d in iter_docs(docs, skip)]
    gaz = data_dir / "gazetteer.tsv"
    lines = gaz.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [x for x in lines if not scirex_only(x) or known_elsewhere(x, texts)]
    gaz.write_text("".join(kept), encoding="utf-8")
    exclude = [arg for p in papers for arg in ("--exclude", str(p))]
    for script, out in (
        ("vocab_scirex_phrases.py", "scirex_phrases.tsv"),
        ("vocab_common_words.py", "common_words.txt"),
    ):
        cmd = [sys.executable, str(HERE / script), str(docs), "-o", str(data_dir / out)]
        subprocess.run(cmd + exclude, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path, help="gold annotations (JSON lines)")
    parser.add_argument("papers", type=Path, nargs="+", help="the scored papers (kg input)")
    parser.add_argument("--scirex", type=Path, default=DEFAULT_DOCS, help="scirex-train-docs.jsonl")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    import json

    from kg.evaluate import load_gold, score
    from kg.extract import extract_papers
    from kg.io import read_papers
    from kg.nlp import build_nlp

    with tempfile.TemporaryDirectory(prefix="kg-leave-out-") as tmp:
        leave_out_data(Path(tmp), args.scirex, args.papers)
        nlp = build_nlp(data_dir=tmp)
        report = score(load_gold(args.gold), extract_papers(read_papers(args.papers), nlp))
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.format_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
