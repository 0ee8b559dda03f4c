"""Data files of kg/data: the bundled ones load, bad ones fail with file:line."""

from __future__ import annotations

import shutil

import pytest

from kg.errors import DataFileError
from kg.nlp import resources
from kg.nlp.resources import (
    DATA_DIR,
    load_resources,
    read_affixes,
    read_gazetteer,
    read_heads,
    read_triggers,
    verb_forms,
)
from kg.records import EntityType


def test_bundled_files_load_with_broad_vocabularies():
    res = load_resources()
    assert len(res.gazetteer) >= 400
    types = {e.type for e in res.gazetteer}
    assert types == set(EntityType)
    assert {"proposes", "named", "evaluates_on", "outperforms", "negation", "value"} <= set(
        res.triggers
    )
    assert "employed" in res.modifier_stops and "novel" in res.modifier_stops


def test_resources_are_read_only():
    res = load_resources()
    with pytest.raises(TypeError):
        res.heads["foo"] = (EntityType.TASK, True)  # type: ignore[index]
    with pytest.raises(AttributeError):
        res.stop_terms.add("x")  # type: ignore[attr-defined]


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("MODEL\tFoo\n# c\nTOOL\tBar\n", 3, "unknown type 'TOOL'"),
        ("MODEL\n", 1, "expected 2 to 5 tab-separated columns"),
        ("MODEL\tA\t\tbogus\n", 1, "unknown flag"),
        ("MODEL\tSame\nMODEL\tsame\n", 2, "duplicate of line 1"),
        ("METHOD\tResNet\nMODEL|METHOD\tresnet\n", 2, "duplicate of line 1"),
        ("METHOD|METHOD\tResNet\n", 1, "type listed twice"),
        ("METHOD|TOOL\tResNet\n", 1, "unknown type 'TOOL'"),
        ("MODEL\tA\t\t\tsrc\textra\n", 1, "expected 2 to 5 tab-separated columns"),
    ],
)
def test_gazetteer_errors_name_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, "gazetteer.tsv", text)
    with pytest.raises(DataFileError) as err:
        read_gazetteer(path)
    assert f"{path}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_gazetteer_multi_typed_entry_with_source(tmp_path):
    path = _write(
        tmp_path, "gazetteer.tsv", "METHOD|MODEL\tResNet\tResNets\tcs\ttimm==1\nTASK\tx y\n"
    )
    resnet, task = read_gazetteer(path)
    assert resnet.type is EntityType.METHOD
    assert resnet.types == (EntityType.METHOD, EntityType.MODEL)
    assert resnet.source == "timm==1" and resnet.case_sensitive and resnet.aliases == ("ResNets",)
    assert task.types == (EntityType.TASK,) and task.source == ""


def test_bundled_gazetteer_entries_all_name_a_source():
    entries = load_resources().gazetteer
    assert all(e.source and e.source != "-" for e in entries)
    assert any(len(e.types) > 1 for e in entries)


def test_gazetteer_reports_every_bad_line(tmp_path):
    path = _write(tmp_path, "gazetteer.tsv", "X\tA\nY\tB\nMODEL\tC\n")
    with pytest.raises(DataFileError) as err:
        read_gazetteer(path)
    assert f"{path}:1:" in str(err.value) and f"{path}:2:" in str(err.value)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('{"id": "a", "kind": "proposes", "regex": "we (propose"}\n', 1, "invalid regex"),
        ('{"id": "a", "kind": "proposes"}\n', 1, "missing key(s) ['regex']"),
        ('\n{"id": "a", "kind": "guess", "regex": "x"}\n', 2, "unknown kind 'guess'"),
        (
            '{"id": "a", "kind": "value", "regex": "x"}\n'
            '{"id": "a", "kind": "value", "regex": "y"}\n',
            2,
            "duplicate id 'a'",
        ),
        ("{not json\n", 1, "invalid JSON"),
        ('{"id": "a", "kind": "named", "regex": "\\\\bCalled\\\\s"}\n', 1, "upper-case letter 'C'"),
    ],
)
def test_trigger_errors_name_file_and_line(tmp_path, text, line, message):
    path = _write(tmp_path, "triggers.jsonl", text)
    with pytest.raises(DataFileError) as err:
        read_triggers(path)
    assert f"{path}:{line}:" in str(err.value)
    assert message in str(err.value)


def test_heads_and_affixes_errors(tmp_path):
    heads = _write(tmp_path, "heads.tsv", "detection\tTASK\tmaybe\n")
    with pytest.raises(DataFileError, match=r"heads.tsv:1: third column must be yes or no"):
        read_heads(heads)
    affixes = _write(tmp_path, "name_affixes.tsv", "infix\tX\tMODEL\n")
    with pytest.raises(DataFileError, match=r"name_affixes.tsv:1: kind must be suffix, stem"):
        read_affixes(affixes)


def test_missing_file_in_data_dir(tmp_path):
    for path in DATA_DIR.iterdir():
        if path.name != "heads.tsv" and path.is_file():
            shutil.copy(path, tmp_path / path.name)
    resources.load_resources.cache_clear()
    try:
        with pytest.raises(DataFileError, match="heads.tsv: data file missing"):
            load_resources(str(tmp_path))
    finally:
        resources.load_resources.cache_clear()


def test_non_utf8_file(tmp_path):
    path = tmp_path / "gazetteer.tsv"
    path.write_bytes(b"MODEL\t\xff\xfe\n")
    with pytest.raises(DataFileError, match="not UTF-8"):
        read_gazetteer(path)


@pytest.mark.parametrize(
    ("base", "forms"),
    [
        ("employ", {"employs", "employed", "employing"}),
        ("derive", {"derives", "derived", "deriving"}),
        ("study", {"studies", "studied", "studying"}),
    ],
)
def test_verb_forms(base, forms):
    assert forms <= verb_forms(base)


def test_fold_case_keeps_length_and_offsets():
    text = "İstanbul: GPT-4 Beats ΑΒΓ"
    folded = resources.fold_case(text)
    assert len(folded) == len(text)
    assert folded.endswith("gpt-4 beats αβγ")


@pytest.mark.parametrize("kind", sorted(resources.TRIGGER_KINDS))
def test_folded_trigger_regex_finds_what_the_case_insensitive_one_finds(kind):
    res = load_resources()
    text = (
        "We Propose X, Which We Call Y. It OUTPERFORMS Z and is Comparable To W, "
        "Achieving 81.3% On ImageNet; a Novel method, Called V, was Evaluated."
    )
    plain = [m.span() for m in res.trigger_regex(kind).finditer(text)]
    folded = [m.span() for m in res.trigger_regex(kind, folded=True).finditer(text.lower())]
    assert plain == folded
