"""Reader for JSON Lines: one JSON object per line.

Each object needs a title and an abstract (``summary`` and the other names in
``kg/data/input_fields.json`` are accepted too); ``id``, ``arxiv_id``,
``doi``, ``url``, ``authors``, ``year`` and ``date`` are optional. Blank
lines are ignored; a malformed line or a line that is not an object is
skipped and counted (raised in strict mode). Read line by line; a line over
``ReadContext.max_record_bytes`` is skipped without being held in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.io.common import ReadContext, make_paper, pick_fields
from kg.io.source import Source
from kg.records import Paper


def record_to_paper(ctx: ReadContext, where: str, record) -> Paper | None:
    """One decoded JSON value -> a Paper, or None after reporting why not."""
    if not isinstance(record, dict):
        ctx.problem(where, f"expected a JSON object, got {_kind(record)}")
        return None
    return make_paper(ctx, where, pick_fields(record))


def _kind(value) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def read(src: Source, ctx: ReadContext) -> Iterator[Paper]:
    """Yield one paper per valid line."""
    limit = ctx.max_record_bytes

    def too_long(lineno: int, size: int) -> None:
        ctx.too_long(src.where(lineno), size, limit)

    for lineno, line in src.lines(max_bytes=limit, on_long=too_long):
        if not line.strip():
            continue
        where = src.where(lineno)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            ctx.problem(where, f"malformed JSON ({err.msg} at column {err.colno})")
            continue
        except RecursionError:
            ctx.problem(where, "malformed JSON (nested too deeply)")
            continue
        except ValueError as err:  # e.g. an integer with more than 4300 digits
            ctx.problem(where, f"malformed JSON ({str(err).split(':')[0]})")
            continue
        paper = record_to_paper(ctx, where, record)
        if paper is not None:
            yield paper
