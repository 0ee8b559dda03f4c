"""The Linker's key cache never changes an id (on real extractions, with the
cache off, tiny so that it is emptied all the time, and on by default)."""

from __future__ import annotations

from dataclasses import replace

from kg.link import Linker


def _unlinked(extractions):
    return [replace(e, entities=tuple(replace(x, id="") for x in e.entities)) for e in extractions]


def _ids(linker, extractions):
    return [[x.id for x in linker.link(e).entities] for e in extractions]


def test_cached_keys_give_the_same_ids(example_build):
    from kg.build import read_extractions

    out, _ = example_build
    exs = _unlinked(read_extractions(out / "extractions.jsonl"))
    plain = _ids(Linker(cache_size=0), exs)
    assert plain == _ids(Linker(), exs) == _ids(Linker(cache_size=3), exs)
    assert sum(map(len, plain)) > 20
    linker = Linker()
    _ids(linker, exs)
    assert linker._keys, "the cache is used"
