"""Text safe in XML 1.0 documents (GraphML, GEXF) without merging distinct ids.

XML 1.0 cannot carry most C0 control characters, lone surrogates, U+FFFE or
U+FFFF, not even as character references. Dropping them would make the node
ids ``a\\x01b`` and ``ab`` one node, so ids go through :func:`xml_id`, which is
one to one: an id that holds such a character (or the marker U+FFFD) gets
each of them replaced by U+FFFD and a ``~`` plus a 16-hex-digit SHA-256
prefix of the original id appended; every other id is written as it is.
Attribute and element text (names, evidence) go through :func:`xml_text`,
which replaces each such character by U+FFFD, visibly.

Examples
--------
>>> xml_id("model:gpt-4o")
'model:gpt-4o'
>>> xml_id("a\\x01b") != xml_id("ab") != xml_id("a\\x02b")
True
>>> xml_text("bell\\x07")
'bell\\ufffd'
"""

from __future__ import annotations

import hashlib
import re
from xml.sax.saxutils import escape, quoteattr

#: Characters XML 1.0 forbids (lone surrogates, most C0 controls, U+FFFE, U+FFFF).
XML_BAD_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MARKED_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffc\U00010000-\U0010ffff]")
_REPLACEMENT = "\ufffd"


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD."""
    return XML_BAD_RE.sub(_REPLACEMENT, text)


def xml_id(text: str) -> str:
    """An XML-safe id, one to one with ``text`` (see the module docstring)."""
    if not _MARKED_RE.search(text):
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{_MARKED_RE.sub(_REPLACEMENT, text)}~{digest}"


def element_text(text: str) -> str:
    """Escaped element content (``&``, ``<``, ``>``; ``\\r`` as ``&#13;`` so parsers keep it)."""
    return escape(xml_text(text)).replace("\r", "&#13;")


def attr(text: str) -> str:
    """A quoted attribute value; tabs and line ends are written as character references."""
    return quoteattr(xml_text(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def attr_id(text: str) -> str:
    """A quoted attribute value holding an id (through :func:`xml_id`)."""
    return attr(xml_id(text))
