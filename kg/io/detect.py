"""Guess the format of an input from its first bytes and its file extension.

Content decides first, because files are often misnamed:

* ``<`` with a ``<feed`` element is Atom (other XML/HTML is refused);
* ``[`` is a JSON array (``[`` or ``{`` in a ``.jsonl`` file: JSON Lines);
* ``{`` is JSON Lines when the first line is a whole object, else one JSON
  document (``{"papers": [...]}``);
* a first line naming title and abstract columns is CSV, or TSV when split
  by tabs.

Otherwise the extension decides, and anything else is read as a
trending-papers text page.
"""

from __future__ import annotations

import csv
import json
import re

from kg.errors import InputError
from kg.io.common import map_fields
from kg.io.source import Source

#: Extension -> format, used when the content is not conclusive.
EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xml": "atom",
    ".atom": "atom",
    ".txt": "trending",
    ".text": "trending",
    ".md": "trending",
}

#: Delimiters tried on a header line, best first.
DELIMITERS = ("\t", ",", ";", "|")

_FEED_RE = re.compile(r"<(?:[\w.-]+:)?feed[\s>/]")
_MARKUP_RE = re.compile(r"<(?:\?xml|!doctype|!--|html|head|body|rss|[\w.-]+:)", re.I)


def header_delimiter(line: str) -> str | None:
    """The delimiter that splits ``line`` into columns naming a title and an abstract."""
    for delim in DELIMITERS:
        if delim not in line:
            continue
        try:
            columns = next(csv.reader([line], delimiter=delim))
        except csv.Error:
            continue
        found = map_fields(columns)
        if "title" in found and "abstract" in found:
            return delim
    return None


def _json_or_jsonl(first_line: str, suffix: str) -> str:
    """JSON Lines when the first line is a whole paper object, else one JSON document."""
    from kg.io.jsonarray import LIST_KEYS

    try:
        value = json.loads(first_line)
    except (json.JSONDecodeError, RecursionError):
        return "json" if suffix == ".json" or first_line == "{" else "jsonl"
    if isinstance(value, dict) and "title" not in map_fields(value.keys()):
        if any(isinstance(value.get(k), list) for k in LIST_KEYS):
            return "json"
    return "jsonl"


def detect_format(src: Source) -> str:
    """Return the format name of ``src`` (see :data:`kg.io.FORMATS`)."""
    text = src.head_text.lstrip()
    if text.startswith("<"):
        if _FEED_RE.search(text):
            return "atom"
        if _MARKUP_RE.match(text) and EXTENSIONS.get(src.suffix) != "trending":
            raise InputError(
                "XML or HTML that is not an Atom <feed>; give an arXiv API Atom feed, or save the "
                "page as text",
                where=src.name,
            )
    if EXTENSIONS.get(src.suffix) == "jsonl" and text[:1] in ("[", "{"):
        return "jsonl"
    if text.startswith("["):
        return "json"
    if text.startswith("{"):
        return _json_or_jsonl(text.split("\n", 1)[0].strip(), src.suffix)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    delim = header_delimiter(first_line)
    if delim is not None:
        return "tsv" if delim == "\t" else "csv"
    return EXTENSIONS.get(src.suffix, "trending")
