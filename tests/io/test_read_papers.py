"""The entry point: formats, de-duplication, several inputs, stdin, errors, streaming."""

from __future__ import annotations

import inspect
import io
import json
import sys

import pytest

from kg.errors import InputError
from kg.io import FORMATS, atom, delimited, jsonarray, jsonl, read_papers, trending
from kg.io.common import ReadContext
from kg.io.source import Source
from kg.records import Paper, SkipReport

ABSTRACT = (
    "We propose a method and evaluate it on a benchmark with strong results overall, "
    "and we release the code, the data and the trained models for others to use."
)


def jsonl_file(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_formats():
    assert FORMATS == ("trending", "jsonl", "json", "csv", "tsv", "atom")


def test_known_papers_are_skipped_and_counted(fixtures):
    from kg.io.common import KnownPapers

    first = list(read_papers([fixtures / "papers.jsonl"]))
    known = KnownPapers()
    known.add(first[0])
    report = SkipReport()
    again = list(read_papers([fixtures / "papers.jsonl"], report=report, known=known))
    assert [p.id for p in again] == [p.id for p in first[1:]]
    assert report.duplicates == 1
    assert all(p in known for p in first)  # every paper read is added


def test_signature_and_generator(fixtures):
    params = inspect.signature(read_papers).parameters
    assert list(params) == ["paths", "format", "strict", "report", "max_field_bytes", "known"]
    assert params["max_field_bytes"].default == 1_000_000
    result = read_papers([fixtures / "papers.jsonl"])
    assert inspect.isgenerator(result)
    assert isinstance(next(result), Paper)


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("trending.txt", "trending", 3),
        ("papers.jsonl", "jsonl", 3),
        ("papers.json", "json", 2),
        ("papers.csv", "csv", 2),
        ("papers.tsv", "tsv", 2),
        ("arxiv.atom.xml", "atom", 2),
    ],
)
def test_every_fixture_detected_and_forced(fixtures, name, fmt, count):
    detected = list(read_papers([fixtures / name]))
    forced = list(read_papers([fixtures / name], format=fmt))
    assert len(detected) == count
    assert detected == forced


def test_unknown_format_name(fixtures):
    with pytest.raises(InputError, match="unknown input format 'xml'; choose one of: atom, csv"):
        list(read_papers([fixtures / "papers.jsonl"], format="xml"))


def test_single_path_accepted(fixtures):
    assert len(list(read_papers(fixtures / "papers.jsonl"))) == 3


def test_several_files_in_order_with_cross_file_duplicates(fixtures):
    report = SkipReport()
    names = ["papers.jsonl", "arxiv.atom.xml", "papers.tsv", "papers.json", "trending.txt"]
    papers = list(read_papers([fixtures / n for n in names], report=report))
    titles = [p.title for p in papers]
    assert titles == [
        "SparseRoute: Token-Level Expert Routing for Efficient Long-Context Transformers",
        "Can Small Vision-Language Models Read Charts?",
        "Federated Fine-Tuning of Speech Recognisers on Phones",
        "SpeechLens: Probing Self-Supervised Speech Encoders for Prosody",
        "Graph Prompting for Molecular Property Prediction",
    ]
    assert papers[0].source.endswith("papers.jsonl:1")
    assert papers[3].source.endswith("arxiv.atom.xml:25")
    assert report.duplicates == (3 + 2 + 2 + 2 + 3) - 5
    assert report.count == 0


def test_duplicate_by_id_and_by_normalised_title(tmp_path, caplog):
    path = jsonl_file(
        tmp_path / "d.jsonl",
        [
            {"id": "2401.00001", "title": "First", "abstract": ABSTRACT},
            {"id": "arXiv:2401.00001v2", "title": "First, revised", "abstract": ABSTRACT},
            {"title": "The  Second Paper!", "abstract": ABSTRACT},
            {"id": "other", "title": "second paper", "abstract": ABSTRACT},
            {"title": "Third", "abstract": ABSTRACT},
        ],
    )
    report = SkipReport()
    with caplog.at_level("INFO", logger="kg.io"):
        papers = list(read_papers([path], report=report))
    assert [p.title for p in papers] == ["First", "The Second Paper!", "Third"]
    assert report.duplicates == 2
    assert report.count == 0
    assert sum("duplicate" in r.message for r in caplog.records) == 2
    assert all(r.levelname == "INFO" for r in caplog.records)


def test_duplicates_are_not_errors_in_strict_mode(tmp_path):
    rec = {"title": "Same", "abstract": ABSTRACT}
    path = jsonl_file(tmp_path / "d.jsonl", [rec, rec])
    assert len(list(read_papers([path], strict=True))) == 1


def test_titles_that_slug_alike_but_differ_stay_apart(tmp_path):
    path = jsonl_file(
        tmp_path / "d.jsonl",
        [
            {"title": "C++ Models", "abstract": ABSTRACT},
            {"title": "C Models", "abstract": ABSTRACT},
        ],
    )
    assert [p.id for p in read_papers([path])] == ["c++-models", "c-models"]


def test_stdin(monkeypatch, fixtures):
    data = (fixtures / "papers.csv").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    papers = list(read_papers(["-"]))
    assert [p.source for p in papers] == ["<stdin>:2", "<stdin>:3"]


def test_stdin_trending(monkeypatch, fixtures):
    data = (fixtures / "trending.txt").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert len(list(read_papers(["-"], format="trending"))) == 3


# -- bad input: file-level problems always raise -------------------------------


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x00\x01\x02binary", "binary content"),
        ("Title\nCaf\u00e9\n".encode("cp1252"), "not UTF-8: byte 0xe9 at byte offset 9"),
        (b"short\nlines only\n", "no papers found"),
    ],
)
def test_file_level_problems(tmp_path, strict, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        list(read_papers([path], strict=strict))
    assert str(path) in str(err.value)


def test_missing_path_named(tmp_path, fixtures):
    missing = tmp_path / "missing.jsonl"
    papers = read_papers([fixtures / "papers.jsonl", missing])
    assert len([next(papers) for _ in range(3)]) == 3
    with pytest.raises(InputError, match="no such file") as err:
        next(papers)
    assert err.value.where == str(missing)


def test_record_problems_counted_and_reading_goes_on(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                json.dumps({"title": "Good", "abstract": ABSTRACT}),
                "{not json",
                json.dumps({"title": "No abstract"}),
                json.dumps({"title": "Huge", "abstract": "a" * 5 * 1024 * 1024}),
                json.dumps({"title": "Good too", "abstract": ABSTRACT}),
            ]
        ),
        encoding="utf-8",
    )
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["Good", "Good too"]
    assert report.count == 3
    assert [w for w, _ in report.skipped] == [f"{path}:{n}" for n in (2, 3, 4)]
    with pytest.raises(InputError, match=r"mixed\.jsonl:2: malformed JSON"):
        list(read_papers([path], strict=True))


# -- streaming ---------------------------------------------------------------------


def _line(i: int) -> bytes:
    return (json.dumps({"title": f"Paper {i}", "abstract": ABSTRACT}) + "\n").encode()


STREAMS = {
    "jsonl": (jsonl, b"", json.dumps({"title": "P", "abstract": ABSTRACT}).encode() + b"\n", b""),
    "json": (
        jsonarray,
        b"[",
        json.dumps({"title": "P", "abstract": ABSTRACT}).encode() + b",\n",
        b"1]",
    ),
    "json-wrapped": (
        jsonarray,
        b'{"source": "export",\n "papers": [',
        json.dumps({"title": "P", "abstract": ABSTRACT}).encode() + b",\n",
        b"1]}",
    ),
    "csv": (delimited, b"title,abstract\n", f'P,"{ABSTRACT}"\n'.encode(), b""),
    "trending": (trending, b"new\n\n", f"P\n\n{ABSTRACT}\n\n".encode(), b""),
    "atom": (
        atom,
        b"<feed>\n",
        f"<entry><title>P</title><summary>{ABSTRACT}</summary></entry>\n".encode(),
        b"</feed>\n",
    ),
}


@pytest.mark.parametrize("fmt", sorted(STREAMS))
def test_first_paper_without_reading_the_whole_input(lazy_stream, fmt):
    module, head, item, tail = STREAMS[fmt]
    raw = lazy_stream(head, item, 1_000_000, tail)  # 100+ MB, made on demand
    src = Source("big", io.BufferedReader(raw), close=False)
    src.format = fmt
    papers = module.read(src, ReadContext())
    first = next(papers)
    assert first.title == "P"
    for _ in range(99):
        next(papers)
    assert raw.total > 80_000_000
    assert raw.bytes_read < 1_000_000


def test_read_papers_streams_a_big_file(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as f:
        for i in range(200_000):  # about 25 MB
            f.write(_line(i))
    size = path.stat().st_size
    opened = []
    real_open = type(path).open

    def spy_open(self, *args, **kwargs):
        handle = real_open(self, *args, **kwargs)
        opened.append(handle)
        return handle

    papers = read_papers([path])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(type(path), "open", spy_open)
        first = next(papers)
    assert first.title == "Paper 0"
    assert opened and opened[0].tell() < size // 10
    papers.close()
    assert opened[0].closed
