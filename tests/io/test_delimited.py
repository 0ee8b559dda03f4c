"""CSV and TSV reader."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.io import read_papers
from kg.records import SkipReport

ABSTRACT = "We propose a method and evaluate it on a benchmark."


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_csv_fixture(fixtures):
    papers = list(read_papers([fixtures / "papers.csv"]))
    assert [p.id for p in papers] == ["2404.01234", "can-small-vision-language-models-read-charts"]
    first, second = papers
    assert first.authors == ("Ana Ruiz", "Wei Chen", "Priya Nair")
    assert first.year == 2024
    assert first.abstract.endswith("by 41%.")
    assert "\nWe introduce ChartQuiz" in second.abstract  # quoted field over two lines
    assert second.arxiv_id is None  # empty cell
    assert second.source.endswith("papers.csv:3")


def test_tsv_fixture(fixtures):
    papers = list(read_papers([fixtures / "papers.tsv"]))
    assert [p.id for p in papers] == [
        "10.5555/molprompt.2024",
        "speechlens-probing-self-supervised-speech-encoders-for-prosody",
    ]
    assert papers[0].date == "2024-05-17"
    assert papers[1].abstract.startswith("Self-supervised speech encoders")


@pytest.mark.parametrize("delim", [",", ";", "|", "\t"])
def test_delimiter_sniffed_from_header(tmp_path, delim):
    text = f"Title{delim}Abstract\r\nA{delim}{ABSTRACT}\r\n"
    path = write(tmp_path, "in.dat", text)
    (paper,) = read_papers([path])
    assert (paper.title, paper.abstract) == ("A", ABSTRACT)


def test_tsv_format_forces_tabs(tmp_path):
    path = write(tmp_path, "in.txt", f"title\tabstract\tnote\nA, B\t{ABSTRACT}\tx, y\n")
    (paper,) = read_papers([path], format="tsv")
    assert paper.title == "A, B"


def test_multiline_rows_report_their_first_line(tmp_path):
    text = f'title,abstract\n"One","line one\nline two"\n"Two","{ABSTRACT}"\n'
    path = write(tmp_path, "in.csv", text)
    papers = list(read_papers([path]))
    assert [p.source for p in papers] == [f"{path}:2", f"{path}:4"]


def test_header_without_columns_lists_what_it_saw(tmp_path):
    path = write(tmp_path, "in.csv", "name_of_paper,body\nx,y\n")
    with pytest.raises(InputError) as err:
        list(read_papers([path]))
    message = str(err.value)
    assert err.value.where == f"{path}:1"
    assert "columns seen: 'name_of_paper', 'body'" in message
    assert "title: title, paper_title" in message
    assert "abstract: abstract, summary" in message


def test_header_missing_only_abstract(tmp_path):
    path = write(tmp_path, "in.csv", "title,year\nx,2020\n")
    with pytest.raises(InputError, match="no abstract column"):
        list(read_papers([path]))


def test_bad_rows_skipped_or_raised(tmp_path):
    text = f"title,abstract\nA,{ABSTRACT}\nB\n,{ABSTRACT}\nC,,\n\nD,{ABSTRACT}\n"
    path = write(tmp_path, "in.csv", text)
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["A", "D"]
    assert report.skipped == [
        (f"{path}:3", "row has 1 fields, the header has 2"),
        (f"{path}:4", "record without title"),
        (f"{path}:5", "row has 3 fields, the header has 2"),
    ]
    with pytest.raises(InputError, match="row has 1 fields") as err:
        list(read_papers([path], strict=True))
    assert err.value.where == f"{path}:3"


def test_field_over_the_csv_module_default_limit(tmp_path):
    big = "z" * 500_000  # over csv's default 128 KB field limit, under ours
    path = write(tmp_path, "in.csv", f"title,abstract\nA,{big}\nB,{ABSTRACT}\n")
    assert [len(p.abstract) for p in read_papers([path])] == [500_000, len(ABSTRACT)]


def test_huge_field_skipped(tmp_path):
    big = "z" * 5_000_000
    path = write(tmp_path, "in.csv", f"title,abstract\nA,{big}\nB,{ABSTRACT}\n")
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["B"]
    assert report.skipped[0][0] == f"{path}:2"
