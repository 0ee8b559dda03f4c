"""A tokenizer wrapper that keeps the text it was given.

spaCy's ``Doc.text`` is rebuilt from the tokens on every access (a Python
object per token); the kg components need the text of every document, so
:class:`TextKeepingTokenizer` stores it in ``doc.user_data`` when the document
is made, where :func:`kg.nlp.components.doc_text` finds it. Everything else
(rules, serialisation) is the wrapped tokenizer's: a saved pipeline loads with
spaCy's own tokenizer, and then ``doc_text`` falls back to ``Doc.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Doc

#: ``doc.user_data`` key of the document text.
TEXT_KEY = "kg_text"


class TextKeepingTokenizer:
    """Call ``tokenizer`` and keep the text in ``doc.user_data[TEXT_KEY]``."""

    def __init__(self, tokenizer) -> None:
        self.tokenizer = tokenizer

    def __call__(self, text: str) -> Doc:
        doc = self.tokenizer(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str):
        # Only reached for attributes not set in __init__ (to_disk, explain, rules...);
        # "tokenizer" itself is guarded so unpickling never recurses.
        if name == "tokenizer":
            raise AttributeError(name)
        return getattr(self.tokenizer, name)

    def __reduce__(self):
        return (TextKeepingTokenizer, (self.tokenizer,))
