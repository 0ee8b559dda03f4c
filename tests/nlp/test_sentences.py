"""Rule-based sentence boundaries."""

from __future__ import annotations

import pytest

from kg.nlp.sentences import sentence_bounds, sentence_starts


def _sents(text):
    return [text[s:e] for s, e in sentence_bounds(text)]


def test_title_blank_line_and_full_stops():
    text = "A Title Without Stop\n\nWe train FooNet. It beats BarNet by 2.5 points! Done?"
    assert _sents(text) == [
        "A Title Without Stop",
        "We train FooNet.",
        "It beats BarNet by 2.5 points!",
        "Done?",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Methods such as ZetaNet, e.g. Zeta-2, fail.",
        "As shown by Smith et al. The results hold.",
        "We compare against i.e. Omega.",
        "See Fig. 3 for details.",
    ],
)
def test_abbreviations_do_not_end_sentences(text):
    assert len(sentence_starts(text)) == 1


def test_decimal_numbers_and_versions_do_not_split():
    assert _sents("Model v1.5 scores 93.2% on Qux. Next sentence.") == [
        "Model v1.5 scores 93.2% on Qux.",
        "Next sentence.",
    ]


def test_empty_text():
    assert sentence_starts("") == [0]
    assert sentence_bounds("") == []
