"""Loading and validating the rule and vocabulary files of ``kg/data``.

Every file is read once per process (:func:`load_resources` is cached) into
read-only structures; any bad line raises :class:`~kg.errors.DataFileError`
with ``file:line`` and what is wrong, and all bad lines of a file are reported
together.

Files (all UTF-8, ``#`` starts a comment line):

``gazetteer.tsv``
    ``TYPE<TAB>name[<TAB>alias|alias...[<TAB>flags]]`` - widely known entities.
``heads.tsv``
    ``head<TAB>TYPE<TAB>yes|no`` - head nouns of technique/task/metric phrases.
``cue_nouns.tsv``
    ``noun<TAB>TYPE`` - nouns that type a nearby name ("the X dataset").
``name_affixes.tsv``
    ``suffix|stem<TAB>affix<TAB>TYPE`` - type evidence from a name's spelling.
``stop_terms.txt``, ``modifier_stops.txt``, ``verbs.txt``, ``metric_modifiers.txt``
    one term a line: never-entities, words that end a phrase, verbs whose
    inflected forms end a phrase too, and modifiers that belong to a metric's
    name ("top-1 accuracy").
``triggers.jsonl``
    ``{"id", "kind", "regex"}`` - sentence-level cue patterns of the relation rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from kg.errors import DataFileError
from kg.link import normalize_name
from kg.records import EntityType

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: The files :func:`load_resources` reads (and a saved pipeline keeps).
DATA_FILES = (
    "gazetteer.tsv",
    "heads.tsv",
    "scirex_phrases.tsv",
    "scirex_modifiers.txt",
    "cue_nouns.tsv",
    "name_affixes.tsv",
    "stop_terms.txt",
    "modifier_stops.txt",
    "metric_modifiers.txt",
    "verbs.txt",
    "triggers.jsonl",
)

TRIGGER_KINDS = frozenset(
    {"proposes", "named", "novelty", "evaluates_on", "outperforms", "negation", "value", "result"}
)
_FLAGS = frozenset({"cs"})
_AFFIX_KINDS = frozenset({"suffix", "stem", "prefix", "part"})


@dataclass(frozen=True)
class GazetteerEntry:
    """One known entity: canonical ``name``, its ``type`` and other surface forms."""

    type: EntityType
    name: str
    aliases: tuple[str, ...]
    case_sensitive: bool
    where: str

    @property
    def surfaces(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Trigger:
    """A sentence-level cue pattern: ``id`` (the rule id), ``kind`` and compiled ``regex``."""

    id: str
    kind: str
    regex: re.Pattern


@dataclass(frozen=True)
class Resources:
    """Everything the rule components read from ``kg/data`` (read-only)."""

    gazetteer: tuple[GazetteerEntry, ...]
    heads: Mapping[str, tuple[EntityType, bool]]
    phrases: Mapping[str, EntityType]
    technical_modifiers: frozenset[str]
    cue_nouns: Mapping[str, EntityType]
    affixes: tuple[tuple[str, str, EntityType], ...]
    stop_terms: frozenset[str]
    modifier_stops: frozenset[str]
    metric_modifiers: frozenset[str]
    triggers: Mapping[str, tuple[Trigger, ...]]
    _regexes: dict = field(default_factory=dict, compare=False, repr=False)

    def trigger_regex(self, kind: str, folded: bool = False) -> re.Pattern:
        """One alternation of every trigger regex of ``kind`` (for a single pass).

        Case-insensitive; with ``folded`` compiled case-sensitively instead, to be
        run over :func:`fold_case` of the text (same matches and offsets, several
        times faster: ``re.IGNORECASE`` is slow). Trigger regexes are written in
        lower case, so both agree.
        """
        regex = self._regexes.get((kind, folded))
        if regex is None:
            regex = self._regexes[kind, folded] = _joined(self, kind, folded)
        return regex

    def trigger_id(self, kind: str, text: str, pos: int) -> str:
        """The id of the first trigger of ``kind`` matching ``text`` at ``pos``."""
        for t in self.triggers.get(kind, ()):
            if t.regex.match(text, pos):
                return t.id
        return kind


@lru_cache(maxsize=64)
def _joined_cached(patterns: tuple[str, ...], folded: bool) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), 0 if folded else re.IGNORECASE)


def _joined(res: Resources, kind: str, folded: bool = False) -> re.Pattern:
    return _joined_cached(tuple(t.regex.pattern for t in res.triggers.get(kind, ())), folded)


def fold_case(text: str) -> str:
    """``text`` in lower case, character for character (same length and offsets;
    the rare character whose lower case is longer, such as "İ", is kept)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _upper_literal(pattern: str) -> str | None:
    """The first upper-case letter of ``pattern`` outside an escape ("\\S" is fine)."""
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i].isupper():
            return pattern[i]
        i += 1
    return None


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) of the non-blank, non-comment lines of ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(f"{path}: data file missing; reinstall kg or fix --data-dir") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 ({exc.reason}); save it as UTF-8") from None
    for lineno, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield lineno, line.rstrip("\r\n")


def _raise_all(errors: list[str]) -> None:
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise DataFileError("; ".join(errors[:5]) + more)


def _etype(value: str) -> EntityType:
    try:
        return EntityType(value.strip())
    except ValueError:
        allowed = ", ".join(t.value for t in EntityType)
        raise ValueError(f"unknown type {value.strip()!r}; choose one of: {allowed}") from None


def read_gazetteer(path: Path) -> tuple[GazetteerEntry, ...]:
    """Read ``TYPE<TAB>name[<TAB>aliases[<TAB>flags]]`` lines."""
    entries, errors, seen = [], [], {}
    for lineno, line in _lines(path):
        where = f"{path}:{lineno}"
        cols = line.split("\t")
        try:
            if not 2 <= len(cols) <= 4:
                raise ValueError(f"expected 2 to 4 tab-separated columns, got {len(cols)}")
            etype = _etype(cols[0])
            name = cols[1].strip()
            if not name:
                raise ValueError("empty name")
            aliases = (
                tuple(a.strip() for a in cols[2].split("|") if a.strip()) if len(cols) > 2 else ()
            )
            flags = {f.strip() for f in cols[3].split(",") if f.strip()} if len(cols) > 3 else set()
            if flags - _FLAGS:
                raise ValueError(f"unknown flag(s) {sorted(flags - _FLAGS)}; allowed: cs")
            key = (etype, normalize_name(name))
            if key in seen:
                raise ValueError(f"duplicate of line {seen[key]}")
            seen[key] = lineno
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        entries.append(GazetteerEntry(etype, name, aliases, "cs" in flags, where))
    _raise_all(errors)
    return tuple(entries)


def read_table(path: Path, ncols: int) -> list[tuple[str, tuple[str, ...]]]:
    """Read a TSV with exactly ``ncols`` columns; return (``file:line``, columns) pairs."""
    rows, errors = [], []
    for lineno, line in _lines(path):
        cols = tuple(c.strip() for c in line.split("\t"))
        if len(cols) != ncols or not all(cols):
            errors.append(f"{path}:{lineno}: expected {ncols} non-empty tab-separated columns")
            continue
        rows.append((f"{path}:{lineno}", cols))
    _raise_all(errors)
    return rows


def read_heads(path: Path) -> Mapping[str, tuple[EntityType, bool]]:
    heads, errors = {}, []
    for where, (head, etype, bare) in read_table(path, 3):
        try:
            if bare not in ("yes", "no"):
                raise ValueError(f"third column must be yes or no, got {bare!r}")
            heads[head.lower()] = (_etype(etype), bare == "yes")
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
    _raise_all(errors)
    return MappingProxyType(heads)


def read_phrases(path: Path) -> Mapping[str, EntityType]:
    """Established lower-case phrases (``scirex_phrases.tsv``): phrase -> type."""
    phrases, errors = {}, []
    for where, (phrase, etype, papers, share) in read_table(path, 4):
        try:
            if not papers.isdigit() or not 0 < float(share) <= 1:
                raise ValueError(f"papers must be a count and share in (0, 1], got {papers!r}")
            phrases[phrase.lower()] = _etype(etype)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
    _raise_all(errors)
    return MappingProxyType(phrases)


def read_cue_nouns(path: Path) -> Mapping[str, EntityType]:
    cues, errors = {}, []
    for where, (noun, etype) in read_table(path, 2):
        try:
            cues[noun.lower()] = _etype(etype)
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
    _raise_all(errors)
    return MappingProxyType(cues)


def read_affixes(path: Path) -> tuple[tuple[str, str, EntityType], ...]:
    rows, errors = [], []
    for where, (kind, affix, etype) in read_table(path, 3):
        try:
            if kind not in _AFFIX_KINDS:
                raise ValueError(f"kind must be suffix, stem, prefix or part, got {kind!r}")
            rows.append((kind, affix, _etype(etype)))
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
    _raise_all(errors)
    return tuple(rows)


def read_terms(path: Path, normalise: bool) -> frozenset[str]:
    """One term a line; normalised with :func:`kg.link.normalize_name` or lower-cased."""
    return frozenset(
        normalize_name(line) if normalise else line.strip().lower() for _, line in _lines(path)
    )


def verb_forms(base: str) -> set[str]:
    """The base form and its regular inflections: ``employ`` -> employs, employed, employing."""
    forms = {base, base + "s", base + "es", base + "ed", base + "d", base + "ing"}
    if base.endswith("e"):
        forms.add(base[:-1] + "ing")
    if base.endswith("y") and len(base) > 2 and base[-2] not in "aeiou":
        forms.update({base[:-1] + "ies", base[:-1] + "ied"})
    return forms


def read_triggers(path: Path) -> Mapping[str, tuple[Trigger, ...]]:
    """Read ``{"id", "kind", "regex"}`` objects, one a line; ids must be unique."""
    by_kind: dict[str, list[Trigger]] = {}
    errors, ids = [], set()
    for lineno, line in _lines(path):
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError("expected a JSON object")
            missing = {"id", "kind", "regex"} - obj.keys()
            if missing:
                raise ValueError(f"missing key(s) {sorted(missing)}")
            if obj["kind"] not in TRIGGER_KINDS:
                allowed = ", ".join(sorted(TRIGGER_KINDS))
                raise ValueError(f"unknown kind {obj['kind']!r}; choose one of: {allowed}")
            if obj["id"] in ids:
                raise ValueError(f"duplicate id {obj['id']!r}")
            regex = re.compile(obj["regex"], re.IGNORECASE)
            upper = _upper_literal(obj["regex"])
            if upper is not None:
                raise ValueError(
                    f"regex has the upper-case letter {upper!r}; write trigger regexes in "
                    "lower case (they are matched case-insensitively)"
                )
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: invalid JSON ({exc.msg})")
            continue
        except re.error as exc:
            errors.append(f"{where}: invalid regex ({exc})")
            continue
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        ids.add(obj["id"])
        by_kind.setdefault(obj["kind"], []).append(Trigger(obj["id"], obj["kind"], regex))
    _raise_all(errors)
    return MappingProxyType({k: tuple(v) for k, v in by_kind.items()})


@lru_cache(maxsize=8)
def load_resources(data_dir: str | None = None) -> Resources:
    """Load and validate every data file once per process.

    Parameters
    ----------
    data_dir
        Folder holding the files; ``None`` means the bundled ``kg/data``.
    """
    base = Path(data_dir) if data_dir else DATA_DIR
    return Resources(
        gazetteer=read_gazetteer(base / "gazetteer.tsv"),
        heads=read_heads(base / "heads.tsv"),
        phrases=read_phrases(base / "scirex_phrases.tsv"),
        technical_modifiers=read_terms(base / "scirex_modifiers.txt", normalise=False),
        cue_nouns=read_cue_nouns(base / "cue_nouns.tsv"),
        affixes=read_affixes(base / "name_affixes.tsv"),
        stop_terms=read_terms(base / "stop_terms.txt", normalise=True),
        metric_modifiers=read_terms(base / "metric_modifiers.txt", normalise=False),
        modifier_stops=read_terms(base / "modifier_stops.txt", normalise=False).union(
            *(verb_forms(v) for v in read_terms(base / "verbs.txt", normalise=False))
        ),
        triggers=read_triggers(base / "triggers.jsonl"),
    )
