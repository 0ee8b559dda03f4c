"""The trending-papers page reader, on the shared corpus and on variants of it."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.io import read_papers
from kg.io.trending import (
    furniture_patterns,
    is_abstract,
    is_furniture,
    is_title,
    parse_date_line,
)
from kg.records import SkipReport

ABSTRACT = (
    "We study a problem that matters. We propose a method, evaluate it on three benchmarks and "
    "find that it outperforms strong baselines by a clear margin while using less compute."
)


def read_text(tmp_path, text, name="page.txt", **kwargs):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(read_papers([path], **kwargs))


@pytest.mark.shared
def test_shared_corpus_all_82_papers(corpus_path):
    report = SkipReport()
    papers = list(read_papers([corpus_path], report=report))
    assert len(papers) == 82
    assert report.count == 0 and report.duplicates == 0
    assert papers[0].title == (
        "The Perils of Learning From Unlabeled Data: Backdoor Attacks on Semi-supervised Learning"
    )
    assert papers[-1].title == (
        "No Detail Left Behind: Revisiting Self-Retrieval for Fine-Grained Image Captioning"
    )
    assert papers[0].source == f"{corpus_path}:11"
    headers = {"new", "Subscribe", "Get trending papers in your email inbox!", "Mar 13"}
    assert not headers & {p.title for p in papers}
    assert not any("byAK" in p.title for p in papers)
    assert len({p.id for p in papers}) == 82
    assert all(p.date is None and p.year is None for p in papers)


@pytest.mark.shared
def test_shared_corpus_titles_and_abstracts_exact(corpus_path):
    lines = corpus_path.read_text(encoding="utf-8").split("\n")
    paragraphs = [line for line in lines if line.strip()]
    # After the 5 header lines and the date line, titles and abstracts alternate.
    expected = list(zip(paragraphs[5::2], paragraphs[6::2], strict=True))
    papers = list(read_papers([corpus_path]))
    assert [(p.title, p.abstract) for p in papers] == expected


@pytest.mark.shared
def test_shared_corpus_detected_as_trending_with_any_name(tmp_path, corpus_path):
    copy = tmp_path / "page"
    copy.write_bytes(corpus_path.read_bytes().replace(b"\n", b"\r\n"))
    papers = list(read_papers([copy]))
    assert len(papers) == 82
    assert papers[1].title == "Multilingual Large Language Models: A Systematic Survey"
    assert not papers[1].abstract.endswith("\r")


def test_fixture_page_with_irregular_blank_lines_and_footer(fixtures):
    papers = list(read_papers([fixtures / "trending.txt"]))
    assert [p.title for p in papers] == [
        "SparseRoute: Token-Level Expert Routing for Efficient Long-Context Transformers",
        "Can Small Vision-Language Models Read Charts?",
        "Graph Prompting for Molecular Property Prediction",
    ]
    assert papers[1].abstract.startswith("Chart understanding")  # no blank line after title
    assert papers[0].date is None


def test_extra_header_and_footer_lines_are_ignored(tmp_path):
    text = (
        "Trending Papers\nDaily\nWeekly\n\n\n\nMar 13\nA Title Here\n\n\n\n"
        f"{ABSTRACT}\nUpvote\n12\n\nSee more\n© 2024 Example\n"
    )
    papers = read_text(tmp_path, text)
    assert [(p.title, p.abstract) for p in papers] == [("A Title Here", ABSTRACT)]


def test_full_date_line_sets_date_and_year(tmp_path):
    text = (
        f"Mar 13, 2024\n\nFirst Paper\n\n{ABSTRACT}\n\n2023-12-01\n\nSecond Paper\n{ABSTRACT} x\n"
    )
    papers = read_text(tmp_path, text)
    assert [(p.date, p.year) for p in papers] == [("2024-03-13", 2024), ("2023-12-01", 2023)]


def test_abstract_kept_exactly_title_collapsed(tmp_path):
    abstract = "  " + ABSTRACT.replace("We propose", "We  propose\t") + "  "
    papers = read_text(tmp_path, f"A   Spaced\tTitle\n{abstract}\n")
    assert papers[0].title == "A Spaced Title"
    assert papers[0].abstract == abstract.strip()


def test_untrusted_text_kept_as_is(tmp_path):
    title = '<script>alert("x")</script> & "Quotes" \U0001f680 Model'
    papers = read_text(tmp_path, f"{title}\n\n{ABSTRACT} <b>bold</b>\n")
    assert papers[0].title == title
    assert papers[0].abstract.endswith("<b>bold</b>")


def test_paragraph_without_title_is_skipped_and_counted(tmp_path):
    text = f"{ABSTRACT}\n\nGood Title\n\n{ABSTRACT}\n"
    report = SkipReport()
    papers = read_text(tmp_path, text, report=report)
    assert [p.title for p in papers] == ["Good Title"]
    assert report.skipped == [
        (f"{tmp_path / 'page.txt'}:1", "paragraph without a title line before it")
    ]
    with pytest.raises(InputError, match=r"page\.txt:1: paragraph without a title"):
        read_text(tmp_path, text, strict=True)


def test_huge_abstract_is_skipped(tmp_path):
    huge = "word " * 1_100_000  # 5.5 MB
    report = SkipReport()
    papers = read_text(tmp_path, f"Big One\n\n{huge}\n\nSmall One\n\n{ABSTRACT}\n", report=report)
    assert [p.title for p in papers] == ["Small One"]
    ((where, reason),) = report.skipped
    assert where.endswith("page.txt:1")
    assert "over the limit of 1,000,000" in reason


def test_text_without_papers_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no papers found") as err:
        read_text(tmp_path, "just\nsome\nshort lines\n")
    assert err.value.where.endswith("page.txt")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 13", (True, None)),
        ("March 13, 2024", (True, "2024-03-13")),
        ("13 Mar 2024", (True, "2024-03-13")),
        ("2024-03-13", (True, "2024-03-13")),
        ("Feb 30, 2024", (False, None)),
        ("Mamba 2", (False, None)),
        ("GPT 4", (False, None)),
    ],
)
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected


def test_title_and_abstract_shapes():
    assert is_title("Attention Is All You Need")
    assert not is_title("This is a sentence.")
    assert is_abstract(ABSTRACT, "Short Title")
    assert not is_abstract("Too short to be an abstract.", "T")


def test_furniture_between_title_and_abstract(tmp_path):
    text = (
        "Trending Papers\n\nSparse Mixtures Revisited\n\nPublished on Mar 12\n·\n"
        "Submitted by AK on Mar 13\n\nAuthors: A. One, B. Two\n\nUpvote\n42\n\nAbstract\n"
        f"{ABSTRACT}\n\nView arXiv page\nView PDF\nGitHub\n1.2k stars\n\n"
        f"Stars Above: Benchmarking Telescope Models\n\n{ABSTRACT} Two.\n\nSee more\n"
    )
    papers = read_text(tmp_path, text)
    assert [p.title for p in papers] == [
        "Sparse Mixtures Revisited",
        "Stars Above: Benchmarking Telescope Models",
    ]
    assert papers[0].source.endswith("page.txt:3")


def test_short_sentence_abstract_accepted_after_a_title(tmp_path):
    papers = read_text(tmp_path, "Tiny Paper\n\nWe show that a tiny model suffices here.\n")
    assert [(p.title, p.abstract) for p in papers] == [
        ("Tiny Paper", "We show that a tiny model suffices here.")
    ]


def test_furniture_patterns_compile_and_spare_real_titles(fixtures):
    assert furniture_patterns()
    titles = [p.title for p in read_papers([fixtures / "papers.jsonl", fixtures / "trending.txt"])]
    titles += ["Stars Above", "Updated Benchmarks for Code", "Abstract Reasoning in LLMs", "Mamba"]
    assert not [t for t in titles if is_furniture(t)]
    for line in ("Submitted by AK", "·", "42", "Upvote 12", "3 authors", "Abstract:", "Subscribe"):
        assert is_furniture(line), line


@pytest.mark.shared
def test_furniture_patterns_spare_every_corpus_title(corpus_path):
    lines = [x.strip() for x in corpus_path.read_text(encoding="utf-8").splitlines() if x.strip()]
    assert not [t for t in lines[5:] if is_furniture(t)]
