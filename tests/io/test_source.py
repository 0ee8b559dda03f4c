"""File-level checks and line streaming of kg.io.source."""

from __future__ import annotations

import io
import sys

import pytest

from kg.errors import InputError
from kg.io.source import HEAD_SIZE, Source, open_source


def lines_of(path, keepends=False):
    with open_source(path) as src:
        return list(src.lines(keepends=keepends))


def test_missing_path(tmp_path):
    missing = tmp_path / "nope.jsonl"
    with pytest.raises(InputError, match="no such file") as err:
        open_source(missing)
    assert err.value.where == str(missing)


def test_directory(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        open_source(tmp_path)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \n\r\n\t\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="the file is empty") as err:
        open_source(path)
    assert str(path) in str(err.value)


def test_binary_file_names_line_and_offset(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"title\nab\x00cd\n")
    with pytest.raises(InputError) as err:
        open_source(path)
    assert err.value.where == f"{path}:2"
    assert "NUL byte at byte offset 8" in str(err.value)


def test_nul_after_the_head_is_caught_while_streaming(tmp_path):
    path = tmp_path / "late.txt"
    path.write_bytes(b"x" * HEAD_SIZE + b"\nok\nbad\x00\n")
    with open_source(path) as src, pytest.raises(InputError, match="binary content") as err:
        list(src.lines())
    assert err.value.where == f"{path}:3"


@pytest.mark.parametrize(
    ("magic", "hint"),
    [
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"PK\x03\x04", "zip"),
        (b"%PDF-1.7\n", "PDF"),
        ("title\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_known_binary_formats_get_a_hint(tmp_path, magic, hint):
    path = tmp_path / "x.txt"
    path.write_bytes(magic + b"rest of the file")
    with pytest.raises(InputError, match=hint):
        open_source(path)


def test_not_utf8_names_byte_offset_and_fix(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Title\nCaf\u00e9 au lait\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        open_source(path)
    message = str(err.value)
    assert err.value.where == f"{path}:2"
    assert "byte 0xe9 at byte offset 9" in message
    assert "re-encode the file as UTF-8" in message


def test_not_utf8_after_the_head_is_caught_while_streaming(tmp_path):
    path = tmp_path / "late.txt"
    path.write_bytes(b"a" * HEAD_SIZE + b"\n\xff\n")
    with open_source(path) as src, pytest.raises(InputError, match="not UTF-8") as err:
        list(src.lines())
    assert f"byte offset {HEAD_SIZE + 1}" in str(err.value)


def test_multibyte_character_split_by_the_head_is_fine(tmp_path):
    path = tmp_path / "split.txt"
    text = "a" * (HEAD_SIZE - 1) + "\u00e9\n"  # é straddles the head boundary
    path.write_bytes(text.encode("utf-8"))
    assert lines_of(path) == [(1, text[:-1])]


def test_bom_and_crlf(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfone\r\ntwo\r\n\r\nthree")
    assert lines_of(path) == [(1, "one"), (2, "two"), (3, ""), (4, "three")]
    assert lines_of(path, keepends=True)[0] == (1, "one\r\n")


def test_unicode_line_separators_do_not_split_lines(tmp_path):
    path = tmp_path / "u.txt"
    path.write_text("a\u2028b\u0085c\n", encoding="utf-8")
    assert lines_of(path) == [(1, "a\u2028b\u0085c")]


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x\ny\n")))
    with open_source("-") as src:
        assert src.name == "<stdin>"
        assert list(src.lines()) == [(1, "x"), (2, "y")]


def test_non_seekable_stream_rejoins_the_line_cut_by_the_head(lazy_stream):
    raw = lazy_stream(b"", b"0123456789" * 10 + b"\n", 1000)
    src = Source("s", io.BufferedReader(raw), close=False)
    lines = list(src.lines())
    assert len(lines) == 1000
    assert all(text == "0123456789" * 10 for _, text in lines)
