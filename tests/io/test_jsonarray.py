"""JSON array (and JSON document) reader."""

from __future__ import annotations

import io
import json

import pytest

from kg.errors import InputError
from kg.io import jsonarray, read_papers
from kg.io.common import ReadContext
from kg.io.source import Source
from kg.records import SkipReport

ABSTRACT = "We propose a method and evaluate it on a benchmark."


def test_fixture(fixtures):
    papers = list(read_papers([fixtures / "papers.json"]))
    assert [p.id for p in papers] == ["kg-demo-1", "2311.04567"]
    assert papers[0].year == 2024
    assert papers[0].source.endswith("papers.json:2")
    assert papers[1].source.endswith("papers.json:9")
    assert papers[1].abstract.startswith("Self-supervised")


def test_wrapped_document(fixtures):
    papers = list(read_papers([fixtures / "wrapped.json"]))
    assert [p.title for p in papers] == [
        "Federated Fine-Tuning of Speech Recognisers on Phones",
        "Curriculum Sampling for Code Repair Agents",
    ]
    assert [p.source.rsplit(":", 1)[1] for p in papers] == ["2", "3"]


def test_wrapped_document_members_in_any_order(tmp_path):
    path = tmp_path / "w.json"
    doc = {"count": 2, "meta": {"papers": "not this"}, "results": [{"title": "T", "abstract": "A"}]}
    path.write_text(json.dumps(doc, indent=2))
    (paper,) = read_papers([path])
    assert paper.source == f"{path}:7"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"papers": [{"title": "T", "abstract": "A"}]', "not closed with '}'"),
        ('{"papers": [], "x": 1 "y": 2}', "expected ',' or '}'"),
        ("{papers: []}", "member name in double quotes"),
        ('{"papers" []}', "expected ':'"),
        ('{"papers": []} {}', "text after the closing '}'"),
    ],
)
def test_object_syntax_errors(tmp_path, text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        list(read_papers([path], format="json"))
    assert err.value.where == f"{path}:1"


def test_single_object_document(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"title": "T", "abstract": ABSTRACT}, indent=2))
    assert [p.title for p in read_papers([path])] == ["T"]


def test_non_objects_and_incomplete_records_skipped(tmp_path):
    path = tmp_path / "in.json"
    items = [
        {"title": "A", "abstract": ABSTRACT},
        3,
        None,
        {"title": "B"},
        {"title": "C", "abstract": ABSTRACT},
    ]
    path.write_text("[\n" + ",\n".join(json.dumps(i) for i in items) + "\n]\n")
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["A", "C"]
    assert report.skipped == [
        (f"{path}:3", "expected a JSON object, got a number"),
        (f"{path}:4", "expected a JSON object, got null"),
        (f"{path}:5", "record without abstract"),
    ]
    with pytest.raises(InputError) as err:
        list(read_papers([path], strict=True))
    assert err.value.where == f"{path}:3"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[\n{"title": "A", "abstract": "x"},\n{"title": oops}\n]', 3, "Expecting value"),
        ('[\n{"title": "A", "abstract": "x"}\n{"title": "B"}]', 3, "expected ',' or ']'"),
        ('[{"title": "A", "abstract": "x"}', 1, "not closed"),
        ('[{"title": "A", "abstract": "x"}] trailing', 1, "text after the closing"),
    ],
)
def test_syntax_errors_are_file_level(tmp_path, text, line, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as err:
        list(read_papers([path]))  # even without strict
    assert err.value.where == f"{path}:{line}"


def test_items_spanning_many_chunks(tmp_path):
    big = "y" * 200_000  # bigger than the 64 KB read size
    items = [{"title": f"P{i}", "abstract": big + str(i)} for i in range(5)] + [1.5, 12345678]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(items, indent=1))
    report = SkipReport()
    papers = list(read_papers([path], report=report))
    assert [p.abstract[-1] for p in papers] == list("01234")
    assert report.count == 2


def test_number_cut_by_a_chunk_boundary_is_read_whole():
    # '[' + padding so that the number straddles the 64 KB boundary
    text = "[" + " " * (64 * 1024 - 4) + "123456789]"
    src = Source("mem", io.BytesIO(text.encode()), ".json")
    ctx = ReadContext()
    assert list(jsonarray.read(src, ctx)) == []
    assert ctx.report.skipped == [("mem:1", "expected a JSON object, got a number")]


def test_empty_array(tmp_path):
    path = tmp_path / "e.json"
    path.write_text("[ ]\n")
    assert list(read_papers([path])) == []


def test_integer_too_long_is_a_syntax_error_not_a_crash(tmp_path):
    path = tmp_path / "n.json"
    path.write_text('[\n{"title": "T", "abstract": "A", "n": ' + "9" * 5000 + "}]")
    with pytest.raises(InputError, match="Exceeds the limit") as err:
        list(read_papers([path]))
    assert err.value.where == f"{path}:2"
