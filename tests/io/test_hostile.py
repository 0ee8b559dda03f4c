"""Hostile inputs (issue 11): lone surrogates, one-line and many-member JSON, unclosed CSV
quotes, overlong lines and element floods. Each test failed before the fix it names."""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

from kg.errors import InputError
from kg.io import read_papers
from kg.records import SkipReport

ABSTRACT = "We propose a method and evaluate it on a benchmark and find that it works well."


def _peak_mib(func) -> tuple[object, float]:
    """Run ``func`` under tracemalloc; return its result and the peak of new memory in MiB."""
    tracemalloc.start()
    try:
        result = func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak / 2**20


# -- lone UTF-16 surrogates: every reader goes through make_paper -------------------------


@pytest.mark.parametrize("field", ["title", "abstract", "authors"])
def test_lone_surrogate_in_json_is_replaced_not_fatal(tmp_path, field):
    """Regression: "\\ud800" (valid JSON text, not UTF-8) crashed the build at write time."""
    bad = {"title": "Bad \\ud800 One", "abstract": ABSTRACT, "authors": ["Ann"]}
    bad[field] = ["Ann \\udfff"] if field == "authors" else bad[field] + " \\ud800"
    good = {"title": "Good One", "abstract": ABSTRACT}
    for name, text in (
        ("in.jsonl", json.dumps(bad) + "\n" + json.dumps(good) + "\n"),
        ("in.json", json.dumps([bad, good])),
    ):
        path = tmp_path / name
        path.write_text(text.replace("\\\\u", "\\u"), encoding="utf-8")
        papers = list(read_papers([path]))
        assert [p.title.split()[0] for p in papers] == ["Bad", "Good"]
        first = papers[0]
        for text_value in (first.title, first.abstract, *first.authors):
            text_value.encode("utf-8")  # would raise on a surrogate
        assert "\ufffd" in {"title": first.title, "abstract": first.abstract}.get(
            field, " ".join(first.authors)
        )


def test_surrogate_pair_escapes_stay_one_character(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"title": "Emoji \\ud83d\\ude00", "abstract": "x y z."}\n')
    (paper,) = read_papers([path])
    assert paper.title == "Emoji \U0001f600"


# -- JSON array: linear time, bounded memory -------------------------------------------


def _papers(n):
    return [{"title": f"Paper {i}", "abstract": ABSTRACT, "year": 2024} for i in range(n)]


def _read_seconds(path) -> float:
    start = time.perf_counter()
    assert sum(1 for _ in read_papers([path])) == 20_000
    return time.perf_counter() - start


def test_one_line_json_array_is_as_fast_as_pretty_printed(tmp_path):
    """Regression: line numbers were counted from the start of the buffer for every item,
    and a one-line file is one buffer: quadratic (40k papers took 109 s vs 5.8 s)."""
    items = _papers(20_000)
    one, pretty = tmp_path / "one.json", tmp_path / "pretty.json"
    one.write_text(json.dumps(items))
    pretty.write_text(json.dumps(items, indent=1))
    t_pretty = _read_seconds(pretty)
    t_one = _read_seconds(one)
    assert t_one < 3 * t_pretty + 1.0, (t_one, t_pretty)


def test_one_line_json_array_is_not_held_whole(tmp_path):
    items = _papers(8_000)
    one, pretty = tmp_path / "one.json", tmp_path / "pretty.json"
    one.write_text(json.dumps(items))  # 1 MB on one line
    pretty.write_text(json.dumps(items, indent=1))
    list(read_papers([pretty]))  # imports and caches out of the way
    _, peak_pretty = _peak_mib(lambda: sum(1 for _ in read_papers([pretty])))
    _, peak_one = _peak_mib(lambda: sum(1 for _ in read_papers([one])))
    # what grows is the set of paper ids and titles seen, not the buffer
    assert peak_one < peak_pretty + 0.5, (peak_one, peak_pretty)


def test_many_members_before_the_papers_cost_no_memory(tmp_path):
    """Regression: every member before "papers" was kept (and re-counted): a million
    never finished."""
    doc = {f"k{i}": i for i in range(50_000)}
    doc["papers"] = _papers(3)
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(doc, indent=1))
    papers, peak = _peak_mib(lambda: list(read_papers([path])))
    assert [p.title for p in papers] == ["Paper 0", "Paper 1", "Paper 2"]
    assert peak < 1.5, f"peak {peak:.1f} MiB"


def test_single_paper_object_after_many_members_is_still_read(tmp_path):
    doc = {f"k{i}": [i] for i in range(1000)}
    doc.update({"Title": "Late Title", "abstract": ABSTRACT})
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc))
    (paper,) = read_papers([path])
    assert paper.title == "Late Title"


def test_json_value_over_the_record_limit_is_an_error_not_a_memory_sink(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('[{"title": "T", "abstract": "' + "x" * 3_000_000 + '"}]')
    with pytest.raises(InputError, match="JSON value over 1,065,536 characters") as err:
        list(read_papers([path], max_field_bytes=62_500))
    assert err.value.where == f"{path}:1"


# -- CSV: an unclosed quote ------------------------------------------------------------


def _csv(tmp_path, rows, bad_row):
    lines = ["id,title,abstract"]
    for i in range(rows):
        quote = '"' if i == bad_row else ""
        lines.append(f"{i},Paper {i},{quote}We propose Model{i} and test it on Data{i}.")
    path = tmp_path / "in.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_unclosed_csv_quote_reports_the_lines_it_took_and_loses_no_other_row(tmp_path):
    """Regression: the quote swallowed the rest of the file into one abstract, exit 0."""
    path = _csv(tmp_path, 60, bad_row=8)  # row 8 is on line 10
    report = SkipReport()
    papers = list(read_papers([path], report=report))
    assert [p.title for p in papers] == [f"Paper {i}" for i in range(60) if i != 8]
    ((where, reason),) = report.skipped
    assert where == f"{path}:10"
    assert "unclosed quote" in reason and "lines 11-61" in reason
    with pytest.raises(InputError, match="unclosed quote"):
        list(read_papers([path], strict=True))


def test_unclosed_quote_closed_by_a_later_quoted_field(tmp_path):
    text = f'id,title,abstract\n1,One,"{ABSTRACT}\n2,"Two",{ABSTRACT}\n3,Three,{ABSTRACT}\n'
    path = tmp_path / "in.csv"
    path.write_text(text)
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["Two", "Three"]
    ((where, reason),) = report.skipped
    assert where == f"{path}:2" and "took line 3" in reason


def test_legit_multiline_quoted_field_is_not_a_problem(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(f'title,abstract\nOne,"first line,\nsecond line"\nTwo,{ABSTRACT}\n')
    report = SkipReport()
    papers = list(read_papers([path], report=report))
    assert [p.abstract for p in papers] == ["first line,\nsecond line", ABSTRACT]
    assert report.count == 0


# -- memory bounds: a huge line, an element flood ---------------------------------------


def test_huge_trending_line_is_skipped_without_being_held(tmp_path):
    """Regression: a 100 MB line peaked at 1.8 GB before it was rejected."""
    path = tmp_path / "page.txt"
    huge = "word " * 2_000_000  # 10 MB on one line
    path.write_text(f"Mar 13\n\nBig One\n\n{huge}\n\nSmall One\n\n{ABSTRACT}\n")
    report = SkipReport()
    papers, peak = _peak_mib(lambda: list(read_papers([path], report=report)))
    assert peak < 8, f"peak {peak:.1f} MiB"
    assert [p.title for p in papers] == ["Small One"]
    ((where, reason),) = report.skipped
    assert where == f"{path}:3" and "abstract (line 5) is 10,000,001 bytes" in reason


def test_huge_jsonl_line_is_skipped_without_being_held(tmp_path):
    path = tmp_path / "in.jsonl"
    big = json.dumps({"title": "Big", "abstract": "x" * 20_000_000})
    path.write_text(big + "\n" + json.dumps({"title": "Small", "abstract": ABSTRACT}) + "\n")
    report = SkipReport()
    # limit: 16 x 100 kB + 64 KiB per line
    papers, peak = _peak_mib(
        lambda: list(read_papers([path], report=report, max_field_bytes=100_000))
    )
    assert [p.title for p in papers] == ["Small"]
    assert report.skipped[0][0] == f"{path}:1" and "over the limit" in report.skipped[0][1]
    assert peak < 8, f"peak {peak:.1f} MiB"


def test_atom_flood_of_non_entry_elements_stays_flat(tmp_path):
    """Regression: non-entry elements were never dropped: millions peaked at 1.5 GB."""
    path = tmp_path / "feed.atom"
    entry = (
        "<entry><id>http://arxiv.org/abs/2401.0000{0}v1</id><title>Paper {0}</title>"
        f"<summary>{ABSTRACT}</summary></entry>\n"
    )
    path.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        + entry.format(1)
        + "<junk>"
        + '<x a="1"/>' * 30_000
        + "</junk>\n"
        + "<y/>" * 30_000
        + "\n"
        + entry.format(2)
        + "</feed>\n"
    )
    papers, peak = _peak_mib(lambda: list(read_papers([path])))
    assert [p.title for p in papers] == ["Paper 1", "Paper 2"]
    assert peak < 5, f"peak {peak:.1f} MiB"


def test_atom_entry_with_too_many_elements_is_skipped(tmp_path):
    path = tmp_path / "feed.atom"
    path.write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<entry><title>Flood</title><summary>x</summary>"
        + "<z/>" * 20_000
        + "</entry>\n<entry><title>Fine</title><summary>"
        + ABSTRACT
        + "</summary></entry>\n</feed>\n"
    )
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["Fine"]
    assert report.skipped[0][0] == f"{path}:2" and "XML elements" in report.skipped[0][1]
