"""Paper ids, identifier normalisation, authors, dates and record checks."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.io.common import (
    MAX_SLUG,
    ReadContext,
    field_names,
    make_paper,
    map_fields,
    normalize_arxiv_id,
    normalize_doi,
    paper_id,
    parse_authors,
    parse_date,
    title_slug,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("http://arxiv.org/abs/2403.01234v2", "2403.01234"),
        ("https://arxiv.org/pdf/2403.01234v1.pdf", "2403.01234"),
        ("arXiv:2403.01234", "2403.01234"),
        ("2403.01234v3", "2403.01234"),
        ("2403.1234", "2403.1234"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("10.48550/arXiv.2403.01234", "2403.01234"),
        ("https://huggingface.co/papers/2403.01234", "2403.01234"),
        ("ex-0001", None),
        ("1234", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_arxiv_id(value, expected):
    assert normalize_arxiv_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.18653/v1/2023.acl-long.1", "10.18653/v1/2023.acl-long.1"),
        ("https://doi.org/10.1000/ABC.1", "10.1000/abc.1"),
        ("doi:10.1000/XyZ", "10.1000/xyz"),
        ("not a doi", None),
        (None, None),
    ],
)
def test_normalize_doi(value, expected):
    assert normalize_doi(value) == expected


def test_paper_id_prefers_given_then_arxiv_then_doi_then_title():
    title = "A Study of Things"
    assert paper_id(title, id="ex-1", arxiv_id="2403.01234", doi="10.1000/x") == "ex-1"
    assert paper_id(title, arxiv_id="arXiv:2403.01234v5", doi="10.1000/x") == "2403.01234"
    assert paper_id(title, doi="https://doi.org/10.1000/X") == "10.1000/x"
    assert paper_id(title) == "study-of-things"


def test_given_id_that_is_an_arxiv_id_is_normalised():
    assert paper_id("T", id="http://arxiv.org/abs/2403.01234v2") == "2403.01234"
    assert paper_id("T", id="  my  id ") == "my id"


def test_title_slug_is_short_and_collision_free():
    base = "Benchmarking Large Language Models on a Very Long List of Tasks " * 3
    a, b = title_slug(base + "Part One"), title_slug(base + "Part Two")
    assert len(a) <= MAX_SLUG and len(b) <= MAX_SLUG
    assert a != b
    assert a[:60] == b[:60]
    assert title_slug(base + "Part One") == a  # stable
    short = title_slug("GPT-4o Is Fine")
    assert short == "gpt-4o-is-fine"


def test_title_slug_of_symbols_only_is_not_empty():
    assert title_slug("???") == "x"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["A B", " C  D "], ("A B", "C D")),
        ([{"name": "A B"}, {"given": "C", "family": "D"}], ("A B", "C D")),
        ("A. Smith, B. Jones and C. Lee", ("A. Smith", "B. Jones", "C. Lee")),
        ("A. Smith, B. Jones, and C. Lee", ("A. Smith", "B. Jones", "C. Lee")),
        ("Smith, J.; Lee, K.", ("Smith, J.", "Lee, K.")),
        ("A & B", ("A", "B")),
        ("", ()),
        (None, ()),
        (["", None], ()),
    ],
)
def test_parse_authors(value, expected):
    assert parse_authors(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-13T17:59:59Z", ("2024-03-13", 2024)),
        ("2024-03-13", ("2024-03-13", 2024)),
        ("March 2023", ("March 2023", 2023)),
        (2021, (None, 2021)),
        ("soon", ("soon", None)),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_field_names_come_from_data_file():
    names = field_names()
    assert names["title"][0] == "title"
    assert "summary" in names["abstract"]
    assert map_fields(["Paper Title", "SUMMARY", "arXiv-ID"]) == {
        "title": "Paper Title",
        "abstract": "SUMMARY",
        "arxiv_id": "arXiv-ID",
    }


def test_map_fields_prefers_earlier_alias():
    assert map_fields(["text", "abstract", "title"])["abstract"] == "abstract"


def test_make_paper_strips_and_collapses():
    ctx = ReadContext()
    paper = make_paper(
        ctx,
        "f:1",
        {"title": "  A \n  Title\t", "abstract": "  Body  text.\n", "year": "2020"},
    )
    assert paper.title == "A Title"
    assert paper.abstract == "Body  text."
    assert paper.year == 2020
    assert paper.source == "f:1"


def test_make_paper_derives_arxiv_id_from_url_and_doi():
    ctx = ReadContext()
    p = make_paper(
        ctx, "f:1", {"title": "T", "abstract": "A", "url": "https://arxiv.org/abs/2401.00001v3"}
    )
    assert (p.id, p.arxiv_id) == ("2401.00001", "2401.00001")
    p = make_paper(ctx, "f:1", {"title": "T", "abstract": "A", "doi": "10.48550/arXiv.2401.00002"})
    assert p.arxiv_id == "2401.00002"


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": "T"}, "record without abstract"),
        ({"abstract": "A"}, "record without title"),
        ({"title": "  ", "abstract": "\n"}, "record without title or abstract"),
        ({"title": ["T"], "abstract": "A"}, "title is not text (got list)"),
    ],
)
def test_make_paper_reports_bad_records(fields, reason):
    ctx = ReadContext()
    assert make_paper(ctx, "f.jsonl:7", fields) is None
    assert ctx.report.skipped == [("f.jsonl:7", reason)]
    strict = ReadContext(strict=True)
    with pytest.raises(InputError, match=r"^f\.jsonl:7: ") as err:
        make_paper(strict, "f.jsonl:7", fields)
    assert err.value.where == "f.jsonl:7"


def test_make_paper_size_limit_counts_utf8_bytes():
    ctx = ReadContext(max_field_bytes=10)
    assert make_paper(ctx, "f:1", {"title": "T", "abstract": "é" * 5}) is not None  # 10 bytes
    assert make_paper(ctx, "f:2", {"title": "T", "abstract": "é" * 6}) is None  # 12 bytes
    assert ctx.report.skipped[0][0] == "f:2"
    assert "12 bytes, over the limit of 10" in ctx.report.skipped[0][1]
