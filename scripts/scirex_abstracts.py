"""Write the titles and abstracts of the SciREX documents as kg input (JSON lines).

SciREX (Jain et al., ACL 2020; Apache-2.0) ships whole papers as token lists. The first section
holds ``document : <title>`` (the first sentence) followed by the abstract. This script joins the
tokens back into text with the usual detokenisation rules (no space before closing punctuation,
none inside hyphenated words or around slashes), so the output reads like an abstract from a
listing page and can be annotated by ../shared/gold/GUIDELINE.md.

    python scripts/scirex_abstracts.py ../shared/data/scirex/scirex-train-docs.jsonl -o out.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys

_NO_SPACE_BEFORE = {".", ",", ";", ":", "?", "!", ")", "]", "}", "%", "'s", "n't", "'re", "'ll"}
_NO_SPACE_AFTER = {"(", "[", "{"}
_GLUE = {"-", "/"}


def detokenize(words: list[str]) -> str:
    """Join SciREX tokens into text: ``V - Net ( CNNs ) .`` -> ``V-Net (CNNs).``."""
    out: list[str] = []
    glue_next = False
    for word in words:
        if not out:
            out.append(word)
        elif glue_next or word in _NO_SPACE_BEFORE or word in _GLUE:
            out.append(word)
        else:
            out.append(" " + word)
        glue_next = word in _NO_SPACE_AFTER or word in _GLUE
    text = "".join(out)
    return re.sub(r"\s+", " ", text).strip()


def abstract_record(doc: dict) -> dict | None:
    """The title and abstract of one SciREX document, or None when the first section is odd."""
    words = doc["words"]
    sentences = doc["sentences"]
    if not sentences or not doc.get("sections"):
        return None
    sec_start, sec_end = doc["sections"][0]
    title_start, title_end = sentences[0]
    title_words = words[title_start:title_end]
    if title_words[:2] == ["document", ":"]:
        title_words = title_words[2:]
    abstract_words = words[title_end:sec_end]
    if not title_words or not abstract_words:
        return None
    return {
        "id": "scirex-" + doc["doc_id"][:12],
        "title": detokenize(title_words),
        "abstract": detokenize(abstract_words),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("docs", help="scirex-train-docs.jsonl")
    parser.add_argument("-o", "--output", default="-", help="output JSON lines (default stdout)")
    parser.add_argument("--start", type=int, default=0, help="first document (0-based)")
    parser.add_argument("--count", type=int, default=0, help="documents to write (0 = all)")
    args = parser.parse_args(argv)
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    written = 0
    with open(args.docs, encoding="utf-8") as fh:
        for index, line in enumerate(fh):
            if index < args.start:
                continue
            if args.count and written >= args.count:
                break
            record = abstract_record(json.loads(line))
            if record is not None:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += 1
    if out is not sys.stdout:
        out.close()
    print(f"{written} abstracts", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
