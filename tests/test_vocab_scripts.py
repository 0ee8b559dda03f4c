"""The pure helpers of scripts/vocab (the scripts themselves need the pinned wheels)."""

from __future__ import annotations

import sys
from collections import Counter

from tests.conftest import REPO

sys.path.insert(0, str(REPO / "scripts" / "vocab"))
import _common  # noqa: E402


def test_key_and_digit_variants():
    assert _common.key("CIFAR-10") == _common.key("cifar10") == "cifar10"
    assert _common.digit_variants("CIFAR10") == ["CIFAR-10"]
    assert _common.digit_variants("CIFAR-100") == ["CIFAR100"]
    assert _common.digit_variants("ImageNet") == []


def test_display_forms_prefer_written_names():
    text = "The CIFAR-10 dataset (cifar10 in code). CIFAR-10 has 10 classes."
    forms = _common.display_forms("cifar10", text)
    assert forms == Counter({"CIFAR-10": 2, "cifar10": 1})
    assert _common.best_form(forms) == "CIFAR-10"
    assert _common.best_form(Counter({"cifar10": 3})) is None


def test_abbreviation_needs_matching_initials():
    assert _common.abbreviation("Peak Signal-to-Noise Ratio (PSNR)") == (
        "Peak Signal-to-Noise Ratio",
        "PSNR",
    )
    assert _common.abbreviation("Describable Textures Dataset (DTD)") is not None
    assert _common.abbreviation("some words (XYZ)") is None


def test_prose_keeps_docstrings_and_comments_not_code():
    src = '"""ConvNeXt models."""\nclass ConvNext:  # ConvNeXt block\n    pass\n'
    text = _common.prose(src)
    assert "ConvNeXt models." in text and "# ConvNeXt block" in text
    assert "class ConvNext" not in text
