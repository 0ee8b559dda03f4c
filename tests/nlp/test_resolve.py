"""kg.nlp.resolve: overlap selection, grouping, acronyms, typing - as plain functions."""

from __future__ import annotations

import pytest

from kg.nlp import filters, resolve
from kg.nlp.resolve import Candidate, initials
from kg.nlp.resources import load_resources
from kg.records import EntityType


@pytest.fixture(scope="module")
def res():
    return load_resources()


def _c(text, surface, source, etype=None, canonical=None, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Candidate(start, start + len(surface), source, etype, canonical)


def test_select_spans_prefers_longer_then_priority():
    text = "multi-aspect knowledge distillation"
    kept = resolve.select_spans(
        [
            _c(text, "knowledge distillation", "gaz", EntityType.METHOD, "knowledge distillation"),
            _c(text, text, "head", EntityType.METHOD),
        ]
    )
    assert [(k.start, k.end, k.source) for k in kept] == [(0, len(text), "head")]


def test_select_spans_equal_length_uses_source_priority():
    text = "ZetaNet"
    kept = resolve.select_spans([_c(text, text, "shape"), _c(text, text, "gaz", EntityType.MODEL)])
    assert [k.source for k in kept] == ["gaz"]


def test_find_repeats_are_word_bounded():
    text = "Quokka works. Quokka-2 differs; Quokka again; preQuokka no."
    found = resolve.find_repeats(text, [_c(text, "Quokka", "title-colon")])
    assert [text[c.start : c.end] for c in found] == ["Quokka"]
    assert found[0].start == text.index("Quokka again")


def test_grouping_spellings_abbreviations_and_versions(res):
    text = "Sparse token routing (STR) beats GPT-4 and GPT4 but not GPT-4o."
    cands = [
        _c(text, "Sparse token routing", "abbr-long", EntityType.METHOD),
        _c(text, "STR", "abbr-short"),
        _c(text, "GPT-4", "gaz", EntityType.MODEL, "GPT-4"),
        _c(text, "GPT4", "gaz", EntityType.MODEL, "GPT-4"),
        _c(text, "GPT-4o", "gaz", EntityType.MODEL, "GPT-4o"),
    ]
    s = text.index("Sparse")
    pairs = [(s, s + len("Sparse token routing"), text.index("STR"), text.index("STR") + 3)]
    groups = resolve.group_mentions(text, cands, pairs, resolve.gazetteer_keys(res))
    surfaces = sorted(sorted(text[a:b] for a, b in g.mentions) for g in groups.values())
    assert surfaces == [["GPT-4", "GPT4"], ["GPT-4o"], ["STR", "Sparse token routing"]]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DataComp for Language Models", ("DCLM", "DLM")),
        ("masked hard instance mining", ("", "MHIM")),
        ("Mixture-of-Experts", ("ME", "ME")),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_acronym_links_to_name_but_not_to_its_version(res):
    text = "DataComp-LM and DCLM; GPT and GPT-4."
    cands = [_c(text, w, "shape") for w in ("DataComp-LM", "DCLM", "GPT")] + [
        _c(text, "GPT-4", "shape")
    ]
    groups = resolve.group_mentions(text, cands, [], {})
    surfaces = sorted(sorted(text[a:b] for a, b in g.mentions) for g in groups.values())
    assert surfaces == [["DCLM", "DataComp-LM"], ["GPT"], ["GPT-4"]]


@pytest.mark.parametrize(
    ("name", "generic"),
    [
        ("LLMs", True),
        ("multilingual large language models", True),
        ("Multi-modality Large Language Models", True),
        ("semi-supervised machine learning", False),
        ("Video-LLMs", True),
        ("NeurIPS 2024", True),
        ("GPUs", True),
        ("Video-LLaMA", False),
        ("Large Language Model Meta AI", False),
        ("QuokkaLM", False),
    ],
)
def test_is_generic(name, generic, res):
    assert filters.is_generic(name, res.stop_terms) is generic


@pytest.mark.parametrize(
    ("title", "etype"),
    [
        ("Quokka: A Vision Language Model for Charts", EntityType.MODEL),
        ("QBench: Benchmarking Chart Readers", EntityType.BENCHMARK),
        ("Tide: A Large-scale Multilingual Corpus of Logs", EntityType.DATASET),
        ("Heron: A Framework of Distilling Readers", EntityType.METHOD),
        ("Heron: Better Reading", None),
    ],
)
def test_title_type(title, etype, res):
    assert resolve.title_type(title + "\n\n", len(title), res.cue_nouns) is etype


def test_typing_from_apposition_and_context(res):
    text = "T\n\nWe use ZorbBench and report results on Qlorp and Vexa, a dataset of logs."
    cands = [_c(text, w, "shape") for w in ("ZorbBench", "Qlorp", "Vexa")]
    groups = resolve.group_mentions(text, cands, [], {})
    resolve.type_groups(text, 1, groups, res, set())
    types = {g.name: g.type for g in groups.values()}
    assert types == {
        "ZorbBench": EntityType.BENCHMARK,
        "Qlorp": EntityType.DATASET,
        "Vexa": EntityType.DATASET,
    }
