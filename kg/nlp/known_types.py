"""Context chooses among the types of a known name (plain functions).

A gazetteer entry may carry several types (``METHOD|MODEL``, ``DATASET|BENCHMARK``,
``TASK|METHOD``), its usual one first. The typing step of :mod:`kg.nlp.resolve` votes
for the usual one; :func:`choose_known_types` then lets the paper's own words pick
another of the entry's types when they name it: a cue noun right after or before a
mention ("the ResNet model", "the CIFAR-10 benchmark") or an apposition ("X, a
benchmark for ..."). Never a type the entry does not list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kg.nlp.candidates import type_evidence
from kg.nlp.resolve import Group, apposition_type
from kg.records import EntityType


def known_types(gazetteer) -> dict[str, tuple[EntityType, ...]]:
    """Canonical name -> the types of the gazetteer entries that list more than one."""
    return {e.name: e.types for e in gazetteer if len(e.types) > 1}


def choose_known_types(
    text: str,
    groups: Mapping[str, Group],
    types: Mapping[str, tuple[EntityType, ...]],
    cue_nouns: Mapping[str, EntityType],
) -> None:
    """Retype, in place, known multi-type groups whose mentions' cue nouns agree on
    another of their types."""
    for g in groups.values():
        allowed = types.get(g.canonical or "")
        if not allowed or "gaz" not in g.sources:
            continue
        said: Counter[EntityType] = Counter()
        for s, e in g.mentions:
            cue = type_evidence(text, s, e, cue_nouns) or apposition_type(text, e, cue_nouns)
            if cue is not None:
                said[cue] += 1
        if said:
            best, n = said.most_common(1)[0]
            if best in allowed and best is not g.type and n > sum(said.values()) / 2:
                g.type = best
