"""JSON Lines reader."""

from __future__ import annotations

import json

import pytest

from kg.errors import InputError
from kg.io import read_papers
from kg.records import SkipReport

ABSTRACT = "We propose a method and evaluate it on a benchmark."


def write_lines(path, lines):
    path.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
        encoding="utf-8",
    )
    return path


def test_fixture(fixtures):
    papers = list(read_papers([fixtures / "papers.jsonl"]))
    assert [p.id for p in papers] == [
        "2404.01234",
        "can-small-vision-language-models-read-charts",
        "10.5555/fedasr.2023",
    ]
    first, second, third = papers
    assert first.arxiv_id == "2404.01234"
    assert first.authors == ("Ana Ruiz", "Wei Chen", "Priya Nair")
    assert (first.date, first.year) == ("2024-04-02", 2024)
    assert second.abstract.startswith("Chart understanding")  # from "summary"
    assert second.authors == ("Tomás Silva",)
    assert second.year == 2024
    assert third.authors == ("Lena Vogt", "Omar Haddad", "Mei Lin")
    assert third.url == "https://example.org/fedasr"
    assert third.source.endswith("papers.jsonl:4")  # the blank line 3 is skipped


def test_bad_lines_skipped_and_counted(tmp_path):
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            {"title": "Good One", "abstract": ABSTRACT},
            '{"title": "Broken", "abstract": ',
            "[1, 2]",
            '"just a string"',
            {"title": "No Abstract"},
            {"abstract": ABSTRACT},
            {"title": "Good Two", "summary": ABSTRACT},
        ],
    )
    report = SkipReport()
    papers = list(read_papers([path], report=report))
    assert [p.title for p in papers] == ["Good One", "Good Two"]
    assert [where for where, _ in report.skipped] == [f"{path}:{n}" for n in (2, 3, 4, 5, 6)]
    reasons = [reason for _, reason in report.skipped]
    assert reasons[0].startswith("malformed JSON (Expecting value at column")
    assert reasons[1:3] == [
        "expected a JSON object, got an array",
        "expected a JSON object, got a string",
    ]
    assert reasons[3:] == ["record without abstract", "record without title"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"title": "x", ', "malformed JSON"),
        ("42", "expected a JSON object, got a number"),
        ('{"title": "T"}', "record without abstract"),
    ],
)
def test_strict_raises_with_file_and_line(tmp_path, line, message):
    path = write_lines(tmp_path / "in.jsonl", [{"title": "Good", "abstract": ABSTRACT}, line])
    papers = read_papers([path], strict=True)
    assert next(papers).title == "Good"
    with pytest.raises(InputError, match=message) as err:
        next(papers)
    assert err.value.where == f"{path}:2"
    assert str(err.value).startswith(f"{path}:2: ")


def test_deeply_nested_line_is_malformed_not_a_crash(tmp_path):
    path = write_lines(tmp_path / "in.jsonl", ["[" * 100_000 + "]" * 100_000])
    report = SkipReport()
    with pytest.raises(InputError):  # nothing usable at all is still reported per line
        list(read_papers([path], strict=True))
    assert list(read_papers([path], report=report)) == []
    assert report.count == 1


def test_huge_field_skipped(tmp_path):
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            {"title": "Huge", "abstract": "x" * 5_000_000},
            {"title": "Fine", "abstract": ABSTRACT},
        ],
    )
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["Fine"]
    assert report.skipped[0][0] == f"{path}:1"
    assert "abstract is 5,000,000 bytes" in report.skipped[0][1]
    assert [p.title for p in read_papers([path], max_field_bytes=6_000_000)] == ["Huge", "Fine"]


def test_unicode_line_separator_inside_a_string(tmp_path):
    path = tmp_path / "in.jsonl"
    record = {"title": "Line\u2028Sep", "abstract": "A\u2029B " + ABSTRACT}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (paper,) = read_papers([path])
    assert paper.title == "Line Sep"  # whitespace in titles collapsed
    assert paper.abstract.startswith("A\u2029B")


def test_numeric_id_and_year_string(tmp_path):
    path = write_lines(
        tmp_path / "in.jsonl", [{"id": 17, "title": "T", "abstract": ABSTRACT, "year": "2019"}]
    )
    (paper,) = read_papers([path])
    assert (paper.id, paper.year) == ("17", 2019)


def test_integer_too_long_to_convert_is_malformed_not_a_crash(tmp_path):
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            '{"title": "T", "abstract": "A", "year": ' + "1" * 5000 + "}",
            {"title": "U", "abstract": "B"},
        ],
    )
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["U"]
    assert report.skipped == [
        (
            f"{path}:1",
            "malformed JSON (Exceeds the limit (4300 digits) for integer string conversion)",
        )
    ]
