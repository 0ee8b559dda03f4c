"""Property tests: any paper text written in a format and read back comes out the same."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.io import read_papers

# XML 1.0 cannot carry most control characters or surrogates; everything else is fair game.
_XML_SAFE = st.characters(
    blacklist_categories=("Cs",),
    blacklist_characters="".join(chr(c) for c in range(32) if c not in (9, 10, 13))
    + "\ufffe\uffff",
)
texts = st.text(_XML_SAFE, min_size=1, max_size=60).filter(lambda s: s.strip())
papers_strategy = st.lists(st.tuples(texts, texts), min_size=1, max_size=5)

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _expected(records, collapse_abstract=False):
    out = []
    for i, (title, abstract) in enumerate(records):
        title = " ".join(f"P{i} {title}".split())
        abstract = " ".join(abstract.split()) if collapse_abstract else abstract.strip()
        out.append((title, abstract))
    return out


def _titled(records):
    return [(f"P{i} {t}", a) for i, (t, a) in enumerate(records)]


def _read(path, fmt):
    return [(p.title, p.abstract) for p in read_papers([path], format=fmt)]


@SETTINGS
@given(records=papers_strategy)
def test_jsonl_roundtrip(tmp_path, records):
    path = tmp_path / "r.jsonl"
    lines = [
        json.dumps({"title": t, "abstract": a}, ensure_ascii=False) for t, a in _titled(records)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _read(path, None) == _expected(records)


@SETTINGS
@given(records=papers_strategy)
def test_json_roundtrip(tmp_path, records):
    path = tmp_path / "r.json"
    items = [{"title": t, "abstract": a} for t, a in _titled(records)]
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    assert _read(path, None) == _expected(records)


@SETTINGS
@given(records=papers_strategy, delimiter=st.sampled_from([",", "\t", ";"]))
@example(records=[("a\rb", "x\r\ny\rz \u2028 w\x85"), ('"q", c', 'a,"b"\n\nc')], delimiter=",")
@example(records=[("tab\there", 'quote " and\ttab')], delimiter="\t")
def test_csv_roundtrip(tmp_path, records, delimiter):
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(["title", "abstract"])
    writer.writerows(_titled(records))
    path = tmp_path / "r.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    assert _read(path, "tsv" if delimiter == "\t" else "csv") == _expected(records)


@SETTINGS
@given(records=papers_strategy)
def test_atom_roundtrip(tmp_path, records):
    entries = "".join(
        f"<entry><title>{escape(t)}</title><summary>{escape(a)}</summary></entry>\n"
        for t, a in _titled(records)
    )
    path = tmp_path / "r.xml"
    path.write_text(f"<feed>\n{entries}</feed>\n", encoding="utf-8")
    # XML parsers turn \r\n and lone \r into \n; whitespace is collapsed anyway.
    assert _read(path, None) == _expected(records, collapse_abstract=True)
