"""The duplicate-paper check of a Dask build, on the workers.

A local build skips a paper whose id or normalised title (:func:`kg.io.common.title_key`)
an earlier *kept* paper had (:class:`kg.io.common.KnownPapers`). Holding every id and
title in the driver would make it grow with the corpus, so the Dask engine reads
without that check and finds the same duplicates on the workers:

1. each input partition gives one *key record* per paper: its position
   ``(partition, line)``, id and title key (:func:`paper_keys`);
2. Dask's shuffle groups the records by id and by title key
   (:func:`key_rows`, :func:`dup_key`); each shuffle partition keeps the records
   that share an id or a title key with another one (:func:`colliding`);
3. one task replays the local rule, first kept wins, over those records alone
   in input order (:func:`resolve`) and gives the positions to drop per partition.

Step 3 is exact: whether a paper is kept depends only on the earlier kept papers
sharing a key with it, and a paper sharing no key with any other is always kept and
never blocks one, so leaving such papers out of the replay changes nothing. The
replay holds only the colliding papers (a few in a corpus with few duplicates), on a
worker; the driver only learns how many were dropped.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter

#: A key record: (partition index, line in the partition, paper id, title key).
KeyRecord = tuple[int, int, str, str]


def paper_keys(path: str, index: int) -> list[KeyRecord]:
    """The key record of each paper of partition ``index`` (a JSON Lines file of papers)."""
    from kg.io.common import title_key

    with open(path, encoding="utf-8") as f:
        return [
            (index, line, d["id"], title_key(d["title"]))
            for line, d in enumerate(json.loads(text) for text in f)
        ]


def key_rows(record: KeyRecord) -> list[tuple[str, KeyRecord]]:
    """The two rows a record is shuffled as: one by its id, one by its title key."""
    return [("id\0" + record[2], record), ("title\0" + record[3], record)]


def dup_key(row: tuple[str, KeyRecord]) -> int:
    """The shuffle key of a row: a hash of its key that is the same in every process."""
    return zlib.crc32(row[0].encode("utf-8"))


def colliding(groups) -> list[KeyRecord]:
    """The records of a shuffle partition that share an id or a title key with another.

    ``groups`` are ``(hash, rows)`` pairs; rows with the same hash may have different
    keys, so the keys themselves are counted.
    """
    out = []
    for _, rows in groups:
        counts = Counter(key for key, _ in rows)
        out.extend(record for key, record in rows if counts[key] > 1)
    return out


def resolve(*parts: list[KeyRecord]) -> dict[int, list[int]]:
    """Lines to drop, by partition: the local rule (first kept wins) replayed in input
    order over the colliding records (``parts``; a record may come twice)."""
    ids: set[str] = set()
    titles: set[str] = set()
    dropped: dict[int, list[int]] = {}
    for index, line, pid, tkey in sorted({r for part in parts for r in part}):
        if pid in ids or tkey in titles:
            dropped.setdefault(index, []).append(line)
        else:
            ids.add(pid)
            titles.add(tkey)
    return dropped


def dropped_in(dropped: dict[int, list[int]], index: int) -> list[int]:
    """The lines of partition ``index`` to drop."""
    return dropped.get(index, [])


def count(dropped: dict[int, list[int]]) -> int:
    """How many papers are dropped in all."""
    return sum(len(lines) for lines in dropped.values())


def find_duplicates(client, key_futures: list):
    """A future of :func:`resolve`'s answer for the partitions whose key records
    ``key_futures`` (futures of :func:`paper_keys`, in partition order) give."""
    import dask
    import dask.bag as db

    rows = db.from_delayed([dask.delayed(f) for f in key_futures]).map(key_rows).flatten()
    grouped = rows.groupby(dup_key, npartitions=len(key_futures), shuffle="tasks")
    found = grouped.map_partitions(colliding).to_delayed()
    return client.compute(dask.delayed(resolve)(*found))


class NoDuplicateCheck:
    """A stand-in for :class:`kg.io.common.KnownPapers` that remembers nothing, for
    :func:`kg.io.read_papers` in a driver that leaves the check to the workers."""

    def __contains__(self, paper) -> bool:
        return False

    def add(self, paper) -> None:
        pass
