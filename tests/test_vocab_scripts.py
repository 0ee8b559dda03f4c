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


def _build_gazetteer():
    import build_gazetteer  # scripts/vocab (imported lazily: it pulls in the other scripts)

    return build_gazetteer


def test_curated_reference_gives_a_short_source_tag():
    tag = _build_gazetteer().reference_tag
    assert tag("Vaswani et al. 2017 (arXiv:1706.03762)") == "curated:Vaswani et al. 2017"
    assert tag("OpenAI 2023, GPT-4 Technical Report (arXiv:2303.08774)") == "curated:OpenAI 2023"
    assert tag("van den Oord et al. 2017 (NeurIPS)") == "curated:van den Oord et al. 2017"
    assert tag("Kingma & Ba 2015") == "curated:Kingma & Ba 2015"
    assert tag("-") == "curated:-"
    assert tag("scirex-phrases") == "curated:scirex-phrases"
    for bad in ("unaudited", "", "Vaswani et al.", "Vaswani; 2017", "see 2017x"):
        assert tag(bad) is None, bad


def test_curated_line_without_a_reference_is_rejected_with_its_line(tmp_path):
    bg = _build_gazetteer()
    path = tmp_path / "curated.tsv"
    path.write_text(
        "# header\nMODEL\tGPT-4\t\t\tOpenAI 2023, GPT-4 Technical Report\n"
        "MODEL\tFooNet\t\t\tunaudited\n",
        encoding="utf-8",
    )
    try:
        bg.read_curated(path)
    except SystemExit as err:
        assert f"{path}:3:" in str(err) and "unaudited" in str(err)
    else:
        raise AssertionError("an unaudited line was accepted")
    path.write_text("MODEL\tGPT-4\t\t\tOpenAI 2023, GPT-4 Technical Report\n", encoding="utf-8")
    assert [r.source for r in bg.read_curated(path)] == ["curated:OpenAI 2023"]


def test_every_curated_entry_and_gazetteer_line_is_traced():
    bg = _build_gazetteer()
    rows = bg.read_curated(REPO / "scripts" / "vocab" / "curated.tsv")  # exits on a bad line
    assert rows and all(r.source.startswith("curated:") for r in rows)
    gazetteer = (REPO / "kg" / "data" / "gazetteer.tsv").read_text(encoding="utf-8")
    sources = [line.split("\t")[4] for line in gazetteer.splitlines() if not line.startswith("#")]
    assert sources and all(s and s != "-" and "unaudited" not in s for s in sources)
