"""The Dask engine's duplicate check (kg.engine.dedup): the local rule, first kept wins,
found from the colliding papers alone."""

from __future__ import annotations

import json
from collections import defaultdict

from hypothesis import given
from hypothesis import strategies as st

from kg.engine import dedup


def _local_rule(records):
    """What kg.io.read_papers drops: a paper whose id or title an earlier kept paper had."""
    ids, titles, dropped = set(), set(), defaultdict(list)
    for index, line, pid, tkey in records:
        if pid in ids or tkey in titles:
            dropped[index].append(line)
        else:
            ids.add(pid)
            titles.add(tkey)
    return dict(dropped)


def _shuffled(records, npartitions):
    """What the Dask shuffle hands each output partition: rows grouped by dup_key."""
    parts = [defaultdict(list) for _ in range(npartitions)]
    for record in records:
        for row in dedup.key_rows(record):
            h = dedup.dup_key(row)
            parts[h % npartitions][h].append(row)
    return [list(p.items()) for p in parts]


papers = st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("wxyz")), max_size=30)


@given(papers, st.integers(1, 4), st.integers(1, 5))
def test_colliding_then_resolve_equals_the_local_rule(keys, size, npartitions):
    records = [(i // size, i % size, pid, title) for i, (pid, title) in enumerate(keys)]
    found = [dedup.colliding(groups) for groups in _shuffled(records, npartitions)]
    dropped = dedup.resolve(*found)
    assert dropped == _local_rule(records)
    assert dedup.count(dropped) == sum(len(v) for v in _local_rule(records).values())


def test_a_dropped_paper_blocks_nothing():
    """Regression: first-by-id alone would drop c (its id is b's, but b was dropped for
    its title, so the id was never taken)."""
    records = [(0, 0, "a", "t1"), (0, 1, "b", "t1"), (1, 0, "b", "t2"), (1, 1, "d", "t3")]
    found = [dedup.colliding(groups) for groups in _shuffled(records, 2)]
    assert dedup.resolve(*found) == {0: [1]}


def test_papers_sharing_no_key_never_reach_the_resolver():
    records = [(0, 0, "a", "t1"), (0, 1, "b", "t2"), (0, 2, "a", "t3")]
    (found,) = [dedup.colliding(groups) for groups in _shuffled(records, 1)]
    assert sorted(set(found)) == [(0, 0, "a", "t1"), (0, 2, "a", "t3")]


def test_paper_keys_use_the_readers_title_key(tmp_path):
    from kg.io.common import title_key

    path = tmp_path / "part.jsonl"
    rows = [{"id": "p1", "title": "The  Graph"}, {"id": "p2", "title": "graph"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    keys = dedup.paper_keys(str(path), 7)
    assert keys == [(7, 0, "p1", title_key("The  Graph")), (7, 1, "p2", title_key("graph"))]
