"""Format detection from content and extension."""

from __future__ import annotations

import io

import pytest

from kg.errors import InputError
from kg.io.detect import detect_format, header_delimiter
from kg.io.source import Source


def detect(text: str, suffix: str = "") -> str:
    return detect_format(Source("mem" + suffix, io.BytesIO(text.encode("utf-8")), suffix))


@pytest.mark.parametrize(
    ("text", "suffix", "expected"),
    [
        ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "", "atom"),
        ("<feed>", ".txt", "atom"),
        ("<atom:feed xmlns:atom='x'>", "", "atom"),
        ('[{"title": "x"}]', ".txt", "json"),
        ('  \n[{"title": "x"}]', "", "json"),
        ("[1]\n[2]\n", ".jsonl", "jsonl"),
        ('{"title": "x", "abstract": "y"}\n{"title": "z"}', ".json", "jsonl"),
        ('{"papers": [{"title": "x"}]}', "", "json"),
        ('{\n  "title": "x"\n}', "", "json"),
        ('{"title": "x",\n "abstract": "y"}', ".json", "json"),
        ('{"title": "x",\n "abstract": "y"}', "", "jsonl"),
        ("title,abstract\nx,y\n", ".txt", "csv"),
        ("Title;Summary\nx;y\n", "", "csv"),
        ("paper_title\tabstract\nx\ty\n", ".csv", "tsv"),
        ("\ufeffid,title,abstract\r\n1,x,y\r\n", "", "csv"),
        ("a,b\n1,2\n", ".csv", "csv"),
        ("a\tb\n", ".tsv", "tsv"),
        ("new\n\nMar 13\n\nA Title\n\nAn abstract.\n", "", "trending"),
        ("new\n\nMar 13\n\nA Title\n\nAn abstract.\n", ".md", "trending"),
        ("<script> in a title\n\nAbstract.\n", ".txt", "trending"),
        ("<b>Bold</b> Title\n\nAbstract.\n", "", "trending"),
    ],
)
def test_detect(text, suffix, expected):
    assert detect(text, suffix) == expected


@pytest.mark.parametrize(
    "text", ["<!DOCTYPE html>\n<html>", "<html><body>", '<?xml version="1.0"?><rss/>']
)
def test_markup_that_is_not_atom_is_refused(text):
    with pytest.raises(InputError, match="not an Atom <feed>"):
        detect(text, ".html")


def test_header_delimiter():
    assert header_delimiter("Title,Abstract") == ","
    assert header_delimiter('"title","abstract text"') == ","
    assert header_delimiter("title|summary") == "|"
    assert header_delimiter("title") is None
    assert header_delimiter("A Paper Title, With Commas") is None
