"""Plain records that flow between the stages of kg.

Readers produce :class:`Paper`; extraction produces :class:`Extraction`
(entities with mentions, relations with evidence); linking and the graph
builder consume them. No spaCy object ever appears here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EntityType(StrEnum):
    """The six entity types of the annotation guideline."""

    MODEL = "MODEL"
    METHOD = "METHOD"
    DATASET = "DATASET"
    BENCHMARK = "BENCHMARK"
    METRIC = "METRIC"
    TASK = "TASK"

    @property
    def label(self) -> str:
        """CamelCase label used by Neo4j and RDF (``Model``, ``Dataset``...)."""
        return self.value.capitalize()


class RelationType(StrEnum):
    """The four extracted relation types (paper/entity -> entity)."""

    PROPOSES = "proposes"
    EVALUATES_ON = "evaluates_on"
    OUTPERFORMS = "outperforms"
    USES_METRIC = "uses_metric"


#: Graph-only edge type from a paper to every entity it names.
MENTIONS = "mentions"

#: Head value of a relation whose head is the paper itself.
PAPER_HEAD = "PAPER"

#: Which entity types may stand at each end of each relation (guideline table).
RELATION_SIGNATURES: dict[RelationType, tuple[frozenset, frozenset]] = {
    RelationType.PROPOSES: (frozenset({PAPER_HEAD}), frozenset(EntityType)),
    RelationType.EVALUATES_ON: (
        frozenset({EntityType.MODEL, EntityType.METHOD}),
        frozenset({EntityType.DATASET, EntityType.BENCHMARK}),
    ),
    RelationType.OUTPERFORMS: (
        frozenset({EntityType.MODEL, EntityType.METHOD}),
        frozenset({EntityType.MODEL, EntityType.METHOD}),
    ),
    RelationType.USES_METRIC: (
        frozenset({EntityType.MODEL, EntityType.METHOD, EntityType.DATASET, EntityType.BENCHMARK}),
        frozenset({EntityType.METRIC}),
    ),
}


@dataclass(frozen=True)
class Paper:
    """One paper as read from an input file.

    ``id`` is the given id, arXiv id or DOI when present, else a slug of the
    normalised title (see :func:`kg.io.common.paper_id`). ``source`` is the
    ``file:line`` the record came from.
    """

    id: str
    title: str
    abstract: str
    source: str = ""
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    date: str | None = None

    def field_text(self, field_name: str) -> str:
        """Return the text of ``"title"`` or ``"abstract"``."""
        if field_name == "title":
            return self.title
        if field_name == "abstract":
            return self.abstract
        raise ValueError(f"unknown field {field_name!r}")

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.id,
            "title": self.title,
            "abstract": self.abstract,
            "source": self.source,
            "arxiv_id": self.arxiv_id,
            "doi": self.doi,
            "url": self.url,
            "authors": list(self.authors),
            "year": self.year,
            "date": self.date,
        }
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Paper:
        return cls(
            id=d["id"],
            title=d["title"],
            abstract=d["abstract"],
            source=d.get("source", ""),
            arxiv_id=d.get("arxiv_id"),
            doi=d.get("doi"),
            url=d.get("url"),
            authors=tuple(d.get("authors") or ()),
            year=d.get("year"),
            date=d.get("date"),
        )


@dataclass(frozen=True)
class Mention:
    """A span of the title or abstract: ``paper.field_text(field)[start:end] == text``."""

    text: str
    field: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "field": self.field, "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Entity:
    """One distinct thing a paper names, with every mention of it.

    ``id`` is the graph node id (``model:gpt-4o``), shared across papers;
    ``aliases`` are the distinct surface forms; ``introduced`` is true when the
    paper proposes it.
    """

    id: str
    name: str
    type: EntityType
    mentions: tuple[Mention, ...] = ()
    aliases: tuple[str, ...] = ()
    introduced: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type.value,
            "aliases": list(self.aliases),
            "introduced": self.introduced,
            "mentions": [m.to_dict() for m in self.mentions],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entity:
        mentions = tuple(Mention(**m) for m in d.get("mentions", ()))
        aliases = tuple(d.get("aliases") or sorted({m.text for m in mentions}))
        return cls(
            id=d["id"],
            name=d["name"],
            type=EntityType(d["type"]),
            mentions=mentions,
            aliases=aliases,
            introduced=bool(d.get("introduced", False)),
        )


@dataclass(frozen=True)
class Relation:
    """A relation stated by a paper.

    ``head`` is ``"PAPER"`` for proposes, else an entity ``name`` of the same
    paper; ``tail`` is an entity ``name``. ``evidence`` is the supporting
    sentence, ``rule`` the id of the rule that produced it, ``value`` and
    ``metric`` a score or margin given in the sentence, if any.
    """

    type: RelationType
    head: str
    tail: str
    evidence: str = ""
    rule: str = ""
    confidence: float = 1.0
    value: str | None = None
    metric: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "type": self.type.value,
            "head": self.head,
            "tail": self.tail,
            "evidence": self.evidence,
            "rule": self.rule,
            "confidence": round(self.confidence, 3),
        }
        if self.value is not None:
            d["value"] = self.value
        if self.metric is not None:
            d["metric"] = self.metric
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Relation:
        return cls(
            type=RelationType(d["type"]),
            head=d["head"],
            tail=d["tail"],
            evidence=d.get("evidence", ""),
            rule=d.get("rule", ""),
            confidence=float(d.get("confidence", 1.0)),
            value=d.get("value"),
            metric=d.get("metric"),
        )


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one paper: one line of ``extractions.jsonl``."""

    paper: Paper
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The stable ``extractions.jsonl`` object (plus the paper record)."""
        return {
            "paper_id": self.paper.id,
            "title": self.paper.title,
            "entities": [e.to_dict() for e in self.entities],
            "relations": [r.to_dict() for r in self.relations],
            "paper": self.paper.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        paper_d = d.get("paper") or {"id": d["paper_id"], "title": d["title"], "abstract": ""}
        return cls(
            paper=Paper.from_dict(paper_d),
            entities=tuple(Entity.from_dict(e) for e in d.get("entities", ())),
            relations=tuple(Relation.from_dict(r) for r in d.get("relations", ())),
        )


@dataclass
class SkipReport:
    """Counts and reasons of skipped records, filled by readers and the build."""

    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    duplicates: int = 0

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append((where, reason))

    @property
    def count(self) -> int:
        return len(self.skipped)
