"""What every reader shares: paper ids, field names, record checks, skip handling.

Readers turn their format into ``(where, fields)`` and call
:func:`make_paper`, which checks the record (title and abstract present, not
over the size limit), normalises identifiers and builds the
:class:`~kg.records.Paper`. Record-level problems go through
:meth:`ReadContext.problem`: skipped and counted, or raised in strict mode.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from kg.errors import InputError
from kg.link import slugify
from kg.records import Paper, SkipReport

log = logging.getLogger("kg.io")

#: Longest paper id minted from a title.
MAX_SLUG = 80

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_RE = re.compile(
    r"(?:arxiv(?:\.org)?[:/]\s*(?:abs/|pdf/)?|huggingface\.co/papers/|^)\s*"
    rf"({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?(?:\.pdf)?$",
    re.I,
)
_ARXIV_DOI_RE = re.compile(rf"^10\.48550/arxiv\.({_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?$", re.I)
_DOI_RE = re.compile(r"(10\.\d{4,9}/\S+)$")
_YEAR_RE = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_ISO_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_AUTHOR_SPLIT_RE = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")


@dataclass
class ReadContext:
    """Settings and state shared by the readers of one :func:`kg.io.read_papers` call."""

    strict: bool = False
    report: SkipReport = field(default_factory=SkipReport)
    max_field_bytes: int = 1_000_000

    @property
    def max_record_bytes(self) -> int:
        """Largest record (a JSON Lines line, a JSON array item) read at all: room for a
        title and an abstract at the field limit, escaped, plus the other fields."""
        return 16 * self.max_field_bytes + 65536

    def too_long(self, where: str, size: int, limit: int) -> None:
        """A line or record over ``limit`` bytes was read through without keeping it."""
        self.problem(
            where,
            f"{size:,} bytes, over the limit of {limit:,} for one record "
            "(raise max_field_bytes to accept it)",
        )

    def problem(self, where: str, reason: str) -> None:
        """A record cannot be used: raise in strict mode, else skip, count and log it."""
        if self.strict:
            raise InputError(reason, where=where)
        self.report.skip(where, reason)
        log.warning("%s: skipped: %s", where, reason)


# -- field names -------------------------------------------------------------


@cache
def field_names() -> dict[str, tuple[str, ...]]:
    """Accepted names per field, from ``kg/data/input_fields.json`` (read once)."""
    text = resources.files("kg").joinpath("data/input_fields.json").read_text("utf-8")
    data = json.loads(text)
    return {k: tuple(v) for k, v in data.items() if not k.startswith("_")}


def norm_key(key: str) -> str:
    """A field name as matched: case-folded, spaces and hyphens as underscores."""
    return re.sub(r"[\s\-]+", "_", str(key).strip()).casefold()


def map_fields(keys) -> dict[str, Any]:
    """Map our field names to the first matching input key among ``keys``."""
    by_norm: dict[str, Any] = {}
    for k in keys:
        by_norm.setdefault(norm_key(k), k)
    found = {}
    for name, aliases in field_names().items():
        for alias in aliases:
            if alias in by_norm:
                found[name] = by_norm[alias]
                break
    return found


def pick_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """Our fields of one JSON object (keys matched as in :func:`map_fields`)."""
    return {name: record[key] for name, key in map_fields(record.keys()).items()}


# -- identifiers --------------------------------------------------------------


def normalize_arxiv_id(value: Any) -> str | None:
    """``http://arxiv.org/abs/2403.01234v2`` / ``arXiv:2403.01234`` -> ``2403.01234``.

    Old-style ids keep their archive (``hep-th/9901001``); the version is dropped.
    Return None when ``value`` is not an arXiv id, URL or arXiv DOI.
    """
    if value is None:
        return None
    text = str(value).strip()
    m = _ARXIV_DOI_RE.match(text.removeprefix("https://doi.org/").removeprefix("doi:"))
    if m is None:
        m = _ARXIV_RE.search(text)
    return m.group(1) if m else None


def normalize_doi(value: Any) -> str | None:
    """``https://doi.org/10.1000/XYZ`` or ``doi:10.1000/XYZ`` -> ``10.1000/xyz``.

    DOIs ignore case, so they are lower-cased. Return None for anything else.
    """
    if value is None:
        return None
    text = str(value).strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
    m = _DOI_RE.match(text)
    return m.group(1).lower() if m else None


def title_key(title: str) -> str:
    """The normalised title under which two records are the same paper."""
    return slugify(title, max_len=10**9)


@dataclass
class KnownPapers:
    """Papers already seen, by id and by normalised title (:func:`title_key`).

    :func:`kg.io.read_papers` skips (and counts as duplicates) papers found
    here; seed it with the papers of an earlier build to read only new ones.
    """

    ids: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)

    def __contains__(self, paper: Paper) -> bool:
        return paper.id in self.ids or title_key(paper.title) in self.titles

    def add(self, paper: Paper) -> None:
        self.ids.add(paper.id)
        self.titles.add(title_key(paper.title))


def title_slug(title: str) -> str:
    """A readable id from a title, at most :data:`MAX_SLUG` characters.

    A slug that would be longer is cut and given an 8-hex-digit hash of the
    whole normalised title, so different long titles never share an id.
    """
    full = title_key(title)
    if len(full) <= MAX_SLUG:
        return full
    digest = hashlib.sha1(full.encode("utf-8")).hexdigest()[:8]
    return f"{full[: MAX_SLUG - 9].rstrip('-.')}-{digest}"


def paper_id(title: str, id: Any = None, arxiv_id: Any = None, doi: Any = None) -> str:
    """The id of a paper: the given id, else the arXiv id, else the DOI, else a title slug.

    A given id that is an arXiv id or DOI is normalised like one.

    >>> paper_id("A Title", arxiv_id="http://arxiv.org/abs/2403.01234v2")
    '2403.01234'
    >>> paper_id("The Perils of Learning From Unlabeled Data")
    'perils-of-learning-from-unlabeled-data'
    """
    given = " ".join(str(id).split()) if id is not None else ""
    if given:
        return normalize_arxiv_id(given) or normalize_doi(given) or given
    return normalize_arxiv_id(arxiv_id) or normalize_doi(doi) or title_slug(title)


# -- values -------------------------------------------------------------------


def parse_authors(value: Any) -> tuple[str, ...]:
    """Authors from a list of names or ``{"name": ...}`` objects, or a string.

    A string is split on ``;`` when it has one (``"Smith, J.; Lee, K."``), else
    on commas, ``and`` and ``&`` (``"A, B and C"``).
    """
    if value is None:
        return ()
    if isinstance(value, str):
        text = value.strip()
        items: list[Any] = text.split(";") if ";" in text else _AUTHOR_SPLIT_RE.split(text)
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [value]
    out = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name") or " ".join(
                str(item[k]) for k in ("given", "family") if item.get(k)
            )
        name = " ".join(str(item).split()) if item is not None else ""
        if name:
            out.append(name)
    return tuple(out)


def parse_date(value: Any) -> tuple[str | None, int | None]:
    """``(date, year)`` from a date string (ISO date-times cut to the day) or a year."""
    if value is None or value == "":
        return None, None
    if isinstance(value, int) and not isinstance(value, bool):
        return None, value if 1000 <= value <= 2999 else None
    text = " ".join(str(value).split())
    m = _ISO_DATE_RE.match(text)
    if m:
        text = m.group(1)
    year = _YEAR_RE.search(text)
    return text or None, int(year.group(1)) if year else None


def parse_year(value: Any) -> int | None:
    """A year from an int or a string such as ``"2024"``."""
    return parse_date(value)[1]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _too_big(text: str, limit: int) -> int | None:
    """The UTF-8 size of ``text`` when it is over ``limit`` bytes, else None."""
    if len(text) * 4 <= limit:
        return None
    size = len(text.encode("utf-8", errors="surrogatepass"))
    return size if size > limit else None


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _repair(value: Any, found: list[int]) -> Any:
    """``value`` with every lone UTF-16 surrogate (valid in JSON text, not in UTF-8)
    replaced by U+FFFD; ``found`` counts the replacements."""
    if isinstance(value, str):
        if value.isascii():
            return value
        fixed, n = _SURROGATE_RE.subn("\ufffd", value)
        if n:
            found.append(n)
        return fixed
    if isinstance(value, list | tuple):
        return [_repair(v, found) for v in value]
    if isinstance(value, Mapping):
        return {k: _repair(v, found) for k, v in value.items()}
    return value


def make_paper(
    ctx: ReadContext,
    where: str,
    fields: Mapping[str, Any],
    collapse_abstract: bool = False,
) -> Paper | None:
    """Check one record and build its :class:`Paper`, or report it and return None.

    ``fields`` uses our names (``title``, ``abstract``, ``id``, ``arxiv_id``,
    ``doi``, ``url``, ``authors``, ``year``, ``date``). Titles have their
    whitespace runs collapsed; abstracts are only stripped (or collapsed too,
    with ``collapse_abstract``, for formats that wrap lines). A lone UTF-16
    surrogate (``"\\ud800"`` in JSON) cannot be written as UTF-8: it is replaced
    by U+FFFD and logged, and the record kept.
    """
    found: list[int] = []
    fields = {k: _repair(v, found) for k, v in fields.items()}
    if found:
        log.warning(
            "%s: replaced %d lone UTF-16 surrogate(s) with U+FFFD (not valid in UTF-8)",
            where,
            sum(found),
        )
    raw_title, raw_abstract = fields.get("title"), fields.get("abstract")
    for name, raw in (("title", raw_title), ("abstract", raw_abstract)):
        if raw is not None and not isinstance(raw, str):
            ctx.problem(where, f"{name} is not text (got {type(raw).__name__})")
            return None
        if raw is not None:
            size = _too_big(raw, ctx.max_field_bytes)
            if size is not None:
                ctx.problem(
                    where,
                    f"{name} is {size:,} bytes, over the limit of {ctx.max_field_bytes:,} "
                    "(raise max_field_bytes to accept it)",
                )
                return None
    title = " ".join((raw_title or "").split())
    abstract = (raw_abstract or "").strip()
    if collapse_abstract:
        abstract = " ".join(abstract.split())
    missing = [n for n, v in (("title", title), ("abstract", abstract)) if not v]
    if missing:
        ctx.problem(where, f"record without {' or '.join(missing)}")
        return None

    url = _text(fields.get("url"))
    url = url.strip() if url else None
    arxiv_id = normalize_arxiv_id(_text(fields.get("arxiv_id")))
    doi_raw = _text(fields.get("doi"))
    doi = normalize_doi(doi_raw)
    arxiv_id = arxiv_id or normalize_arxiv_id(doi_raw) or normalize_arxiv_id(url)
    given_id = _text(fields.get("id"))
    if given_id is not None and not given_id.strip():
        given_id = None
    if given_id is not None and not arxiv_id:
        arxiv_id = normalize_arxiv_id(given_id)
    if given_id is not None and not doi:
        doi = normalize_doi(given_id)
    date, year = parse_date(fields.get("date"))
    year_given = parse_year(fields.get("year"))
    return Paper(
        id=paper_id(title, given_id, arxiv_id, doi),
        title=title,
        abstract=abstract,
        source=where,
        arxiv_id=arxiv_id,
        doi=doi,
        url=url or None,
        authors=parse_authors(fields.get("authors")),
        year=year_given if year_given is not None else year,
        date=date,
    )
