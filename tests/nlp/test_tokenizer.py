"""The text-keeping tokenizer wrapper of the kg pipeline."""

from __future__ import annotations

import pickle

import spacy

from kg.nlp import build_nlp, paper_text
from kg.nlp.tokenizer import TEXT_KEY, TextKeepingTokenizer


def test_doc_keeps_its_text_and_tokens_are_spacys():
    nlp = build_nlp()
    text = paper_text("Quokka: A Model", "Quokka  beats\tBERT (GLUE).")
    doc = nlp.make_doc(text)
    assert doc.user_data[TEXT_KEY] == text == doc.text
    blank = spacy.blank("en")
    assert [t.text for t in doc] == [t.text for t in blank(text)]


def test_wrapper_pickles_and_delegates():
    tok = TextKeepingTokenizer(spacy.blank("en").tokenizer)
    again = pickle.loads(pickle.dumps(tok))
    assert isinstance(again, TextKeepingTokenizer)
    assert again("a b").user_data[TEXT_KEY] == "a b"
    assert [t for t, _ in again.explain("GPT-4o")]  # spaCy tokenizer API passes through
    assert again.to_bytes()


def test_saved_pipeline_without_the_wrapper_gives_the_same_result(tmp_path):
    nlp = build_nlp()
    nlp.to_disk(tmp_path / "p")
    loaded = spacy.load(tmp_path / "p")
    text = paper_text("Quokka: A Model", "Quokka beats BERT on GLUE with 91.2% accuracy.")
    assert loaded(text)._.kg_entities == nlp(text)._.kg_entities
    assert loaded(text)._.kg_relations == nlp(text)._.kg_relations


def test_patterns_are_tokenized_by_a_twin_not_the_pipeline_tokenizer():
    # spaCy caches at most max_cache_size (10,000) chunks and then stops caching: the
    # 4,000+ gazetteer patterns tokenized by the pipeline's own tokenizer left no room for
    # the papers' words (tokenizing ran 3x slower). The twin must split exactly alike.
    nlp = build_nlp()
    pipeline_tok = nlp.tokenizer.tokenizer
    gaz = nlp.get_pipe("kg_gazetteer")
    twin = gaz.pattern_maker()
    assert isinstance(twin, spacy.tokenizer.Tokenizer) and twin is not pipeline_tok
    assert twin.vocab is nlp.vocab
    surfaces = [s for e in gaz.res.gazetteer[::7] for s in e.surfaces] + [
        "ImageNet-1K.",
        "(GPT-4o)",
    ]
    for s in surfaces:
        assert [t.text for t in twin(s)] == [t.text for t in pipeline_tok(s)], s
