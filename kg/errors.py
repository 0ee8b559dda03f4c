"""Exceptions raised by kg.

Every error kg raises on purpose derives from :class:`KgError`; the CLI turns
these into one line on stderr and a non-zero exit instead of a traceback.
"""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error kg raises on purpose."""

    exit_code = 1


class InputError(KgError):
    """An input file or record cannot be read.

    ``where`` names the place (``file`` or ``file:line``) so the message can
    point at it.
    """

    exit_code = 2

    def __init__(self, message: str, where: str | None = None):
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class OutputError(KgError):
    """An output folder or file cannot be written."""

    exit_code = 3


class DataFileError(KgError):
    """A bundled or user-supplied pattern/vocabulary file is invalid."""

    exit_code = 4


class ExportError(KgError):
    """An export target (Neo4j server, RDF serialiser, ...) failed."""

    exit_code = 5


def choices_message(what: str, value: object, allowed) -> str:
    """Return a message that shows a bad value and the allowed ones."""
    allowed = ", ".join(sorted(str(a) for a in allowed))
    return f"unknown {what} {value!r}; choose one of: {allowed}"
