"""arXiv Atom feed reader."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.io import read_papers
from kg.records import SkipReport

FEED_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'


def entry(title="A Title", summary="An abstract.", extra=""):
    parts = ["  <entry>", "    <id>http://arxiv.org/abs/2401.00001v1</id>"]
    if title is not None:
        parts.append(f"    <title>{title}</title>")
    if summary is not None:
        parts.append(f"    <summary>{summary}</summary>")
    parts.append(f"    {extra}  </entry>")
    return "\n".join(parts) + "\n"


def write_feed(tmp_path, body, head=FEED_HEAD, name="feed.xml"):
    path = tmp_path / name
    path.write_text(head + body + "</feed>\n", encoding="utf-8")
    return path


def test_fixture(fixtures):
    papers = list(read_papers([fixtures / "arxiv.atom.xml"]))
    assert [p.id for p in papers] == ["2404.01234", "2311.04567"]
    first, second = papers
    assert first.title == (
        "SparseRoute: Token-Level Expert Routing for Efficient Long-Context Transformers"
    )
    assert first.abstract.startswith("Long-context language models spend most of their compute on")
    assert "\n" not in first.abstract and "  " not in first.abstract
    assert first.abstract.endswith("by 41% & keeps accuracy.")
    assert first.authors == ("Ana Ruiz", "Wei Chen")
    assert first.url == "http://arxiv.org/abs/2404.01234v2"
    assert (first.date, first.year) == ("2024-04-02", 2024)
    assert first.source.endswith("arxiv.atom.xml:7")
    assert second.doi == "10.5555/speechlens.2023"
    assert second.source.endswith("arxiv.atom.xml:25")


def test_feed_without_namespace(tmp_path):
    path = write_feed(tmp_path, entry(), head="<feed>\n")
    (paper,) = read_papers([path])
    assert (paper.id, paper.title, paper.abstract) == ("2401.00001", "A Title", "An abstract.")


def test_entry_without_summary_skipped(tmp_path):
    path = write_feed(tmp_path, entry(summary=None) + entry(title="Second"))
    report = SkipReport()
    assert [p.title for p in read_papers([path], report=report)] == ["Second"]
    assert report.skipped == [(f"{path}:3", "record without abstract")]
    with pytest.raises(InputError, match="record without abstract") as err:
        list(read_papers([path], strict=True))
    assert err.value.where == f"{path}:3"


def test_billion_laughs_refused(tmp_path):
    head = (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<feed>\n'
    )
    path = write_feed(tmp_path, entry(title="&b;"), head=head)
    with pytest.raises(InputError, match="DOCTYPE/ENTITY") as err:
        list(read_papers([path]))
    assert err.value.where == f"{path}:2"


def test_external_entity_refused(tmp_path):
    head = '<?xml version="1.0"?><!DOCTYPE feed SYSTEM "file:///etc/passwd"><feed>\n'
    path = write_feed(tmp_path, entry(), head=head)
    with pytest.raises(InputError, match="DOCTYPE"):
        list(read_papers([path]))


def test_malformed_xml_names_line(tmp_path):
    path = write_feed(tmp_path, entry(title="Broken <b>tag"))
    with pytest.raises(InputError, match="malformed XML") as err:
        list(read_papers([path]))
    assert err.value.where == f"{path}:5"


def test_wrong_root(tmp_path):
    path = tmp_path / "rss.xml"
    path.write_text("<rss><channel/></rss>\n")
    with pytest.raises(InputError, match=r"not an Atom <feed>"):
        list(read_papers([path]))


def test_html_is_not_taken_for_atom(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<!DOCTYPE html>\n<html><body>hi</body></html>\n")
    with pytest.raises(InputError, match="not an Atom <feed>"):
        list(read_papers([path]))


def test_entries_are_released_as_they_are_read(tmp_path):
    body = "".join(
        entry(title=f"Paper {i}", summary=f"Abstract {i}.").replace("2401.00001", f"2401.{i:05d}")
        for i in range(50)
    )
    path = write_feed(tmp_path, body)
    assert [p.title for p in read_papers([path])] == [f"Paper {i}" for i in range(50)]
