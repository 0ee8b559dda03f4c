"""Schwartz & Hearst (2003) abbreviation definitions."""

from __future__ import annotations

import pytest

from kg.nlp.abbreviation import find_abbreviations, is_short_form, match_long_form


def _pairs(text):
    return [(text[a:b], text[c:d]) for a, b, c, d in find_abbreviations(text)]


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("We study Sparse Gated Routing (SGR) in depth.", ("Sparse Gated Routing", "SGR")),
        ("Semi-automatic graph labelling (SGL) helps.", ("Semi-automatic graph labelling", "SGL")),
        ("a Mixture of Adapters (MoA) layer", ("Mixture of Adapters", "MoA")),
        (
            "Cross-Lingual Token Alignment (CL-TA) improves",
            ("Cross-Lingual Token Alignment", "CL-TA"),
        ),
        ("we present QKNet (Quantized Kernel Network), a", ("Quantized Kernel Network", "QKNet")),
        ("by token dropping (TD, see below)", ("token dropping", "TD")),
    ],
)
def test_definitions(text, pair):
    assert pair in _pairs(text)


@pytest.mark.parametrize(
    "text",
    [
        "results (see Table 2) are good",
        "accuracy (93.1%) on the test set",
        "the model (GPU) runs",  # G-P-U cannot be matched in "the model"
        "a model (2023) is used",
    ],
)
def test_non_definitions(text):
    assert _pairs(text) == []


def test_long_form_never_crosses_a_sentence_start():
    text = "Graphs help. Message Passing (MP) works."
    floors = [0, text.index("Message")]
    assert [(text[a:b], text[c:d]) for a, b, c, d in find_abbreviations(text, floors)] == [
        ("Message Passing", "MP")
    ]


def test_short_form_shape():
    assert is_short_form("PLT-MLC") and is_short_form("MoE") and is_short_form("F1")
    assert not is_short_form("x") and not is_short_form("see table two") and not is_short_form("42")


def test_match_long_form_first_letter_at_word_start():
    assert match_long_form("SL", "we use supervised learning") == len("we use ")
    assert match_long_form("XYZ", "nothing matches here") is None
