"""The rule tests of tests/nlp run the rules alone (``build_nlp(learned=False)``): they
pin what each rule does. The learned keep/type step that follows the rules has its own
tests (test_entity_model.py), and the held-out floors (test_heldout.py) score the whole
pipeline."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def nlp():
    from kg.nlp import build_nlp

    return build_nlp(learned=False)
