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


def test_defined_abbreviations_spell_the_short_form():
    pairs = _common.defined_abbreviations
    assert pairs("Trainer for Direct Preference Optimization (DPO) method.") == [
        ("Direct Preference Optimization", "DPO")
    ]
    assert pairs("Trainer for Kahneman-Tversky Optimization (KTO).") == [
        ("Kahneman-Tversky Optimization", "KTO")
    ]
    # a plural short form gives the singular pair
    assert pairs("introduced in denoising diffusion probabilistic models (DDPMs) with") == [
        ("denoising diffusion probabilistic model", "DDPM")
    ]
    assert pairs("Number of devices (GPUs)") == []  # letters do not spell it
    assert pairs("Polytropon (Poly)") == []  # a name in brackets, not an abbreviation
    assert pairs("Amplifying Inner Activations ((IA)^3) model") == []


def test_trl_method_names_linked_to_their_paper():
    import techniques

    text = (
        "loss from the [SimPO](https://huggingface.co/papers/2405.14734) paper; the "
        "[Dr. GRPO paper](https://huggingface.co/papers/2503.20783); see "
        "[this paper](https://huggingface.co/papers/1); as in the "
        "[Skywork-OR1](https://huggingface.co/papers/2); "
        "[On the Position Bias of On-Policy Distillation](https://huggingface.co/papers/3); "
        "[Weight-Decomposed Low-Rank Adaptation (DoRA)](https://huggingface.co/papers/4)"
    )
    rows = techniques.link_names(text)
    assert [(r.name, r.aliases) for r in rows] == [
        ("SimPO", []),
        ("Dr. GRPO", []),
        ("DoRA", ["Weight-Decomposed Low-Rank Adaptation"]),
    ]
    assert {r.types for r in rows} == {("METHOD",)} and rows[0].source.startswith("trl==")


def test_peft_member_written_as_its_folder_writes_it():
    from collections import Counter as C

    import techniques

    # a mixed-case spelling wins over a plain capitalised one; multi-word ids stay lower case
    assert techniques._named(C({"VeRA": 2, "Vera": 5, "VERA": 1})) == "VeRA"
    assert techniques._named(C({"prefix tuning": 4, "PREFIX_TUNING": 9})) == "prefix tuning"
    assert techniques._named(C({"lora": 3})) is None


def test_sklearn_estimator_names_from_the_docstring_line():
    import estimators

    names = estimators.estimator_names
    assert names("PCA", "Principal component analysis (PCA).") == [
        "Principal component analysis",
        "PCA",
    ]
    assert names("OrthogonalMatchingPursuit", "Orthogonal Matching Pursuit model (OMP).") == [
        "Orthogonal Matching Pursuit",
        "OMP",
    ]
    assert names("MeanShift", "Mean shift clustering using a flat kernel.") == ["Mean shift"]
    assert names("RidgeCV", "Ridge regression with built-in cross-validation.") == [
        "Ridge regression"
    ]
    assert names("KMeans", "K-Means clustering.") == ["K-Means clustering"]
    assert names("CCA", 'Canonical Correlation Analysis, also known as "Mode B" PLS.') == [
        "Canonical Correlation Analysis"
    ]
    assert names("Lasso", "Linear Model trained with L1 prior as regularizer.") == []
    assert names("Perceptron", "Linear perceptron classifier.") == []  # one plain word


def test_diffusers_scheduler_names_as_written():
    import diffusion

    assert diffusion.scheduler_base("DPMSolverMultistepScheduler") == "DPMSolver"
    assert diffusion.scheduler_base("CogVideoXDDIMScheduler") == "DDIM"
    text = "`DPMSolverScheduler` is DPM-Solver (and DPMSolver++). DPM-Solver is fast. Euler."
    assert diffusion.written_forms("dpmsolver", text)[0] == "DPM-Solver"
    assert diffusion.written_forms("ddpm", "denoising models (DDPMs) and DDPMs")[0] == "DDPM"
    assert diffusion.written_forms("euler", text) == []  # one capitalised word: not a name


def test_hugging_face_task_tags_as_words():
    import tasks

    assert tasks.tag_name("depth-estimation") == "depth estimation"
    assert tasks.tag_name("text-to-speech") == "text-to-speech"
    assert tasks.tag_name("zero-shot-image-classification") == "zero-shot image classification"
    assert tasks.tag_name("visual_question_answering") == "visual question answering"
    assert tasks.tag_name("vqa") == "VQA"


def test_technique_lists_drop_plain_words_but_keep_acronyms():
    bg = _build_gazetteer()
    common = frozenset({"shadow", "road", "deft", "cartridge"})
    keep = [
        bg.keep_generated(_common.Row(("METHOD",), n, [], "peft==0.22.0"), set(), common)
        for n in ("Shadow", "RoAd", "CARTRIDGE", "DEFT", "LoHa", "ControlNet")
    ]
    assert keep == [False, False, False, True, True, True]
    defined = _common.Row(("METHOD",), "DoRA", ["Weight-Decomposed Low-Rank Adaptation"], "trl==1")
    assert bg.keep_generated(defined, set(), frozenset({"dora"}))


def _row(types, name, aliases=(), source="glossary:Someone et al. 2020"):
    return _common.Row(tuple(types), name, list(aliases), source)


def test_glossary_line_must_cite_a_work(tmp_path):
    bg = _build_gazetteer()
    path = tmp_path / "area.tsv"
    path.write_text("METHOD\tdropout\t\t\t-\n", encoding="utf-8")
    try:
        bg.read_curated(path, "glossary")
    except SystemExit as err:
        assert f"{path}:1:" in str(err)
    else:
        raise AssertionError("a glossary line without a citation was accepted")
    path.write_text("METHOD\tdropout\t\t\tSrivastava et al. 2014 (JMLR)\n", encoding="utf-8")
    assert [r.source for r in bg.read_curated(path, "glossary")] == [
        "glossary:Srivastava et al. 2014"
    ]


def test_glossary_adds_names_but_never_takes_another_entrys_spelling_or_type():
    bg = _build_gazetteer()
    rows = [
        _row(["METRIC"], "FID", ["Frechet Inception Distance"], "torchmetrics==1.9.0"),
        _row(["MODEL"], "ResNet-50", [], "curated:He et al. 2016"),
        _row(["METHOD"], "ResNet", [], "timm==1.0.31"),
        # "FiD" is another entry's spelling: the glossary line makes its own entry without it
        _row(["METHOD"], "Fusion-in-Decoder", ["FiD"]),
        # joins ResNet by its name, adds a spelling, no type, and not ResNet-50's spelling
        _row(["TASK"], "ResNet", ["residual network", "ResNet-50"]),
    ]
    entries = {e.name: e for e in bg.merge(rows, frozenset())}
    assert entries["FID"].aliases == ["Frechet Inception Distance"]
    assert entries["Fusion-in-Decoder"].aliases == []
    assert entries["ResNet"].types == ["METHOD"]
    assert entries["ResNet"].aliases == ["residual network"]
    assert entries["ResNet-50"].aliases == []


def test_glossary_variants_of_a_family_are_not_its_spellings():
    bg = _build_gazetteer()
    row = bg.glossary_variants_dropped(
        _row(["METHOD"], "Vision Transformer", ["ViT", "ViT-B", "ViT-L/16", "ViT-H"])
    )
    assert row.aliases == ["ViT"]
    row = bg.glossary_variants_dropped(_row(["DATASET"], "MovieLens", ["ML-1M", "Movie Lens"]))
    assert row.aliases == ["Movie Lens"]
    row = bg.glossary_variants_dropped(_row(["DATASET"], "WMT14", ["WMT 2014"]))
    assert row.aliases == ["WMT 2014"]  # the name has the number too: the same thing


def test_every_glossary_line_is_cited():
    bg = _build_gazetteer()
    files = sorted((REPO / "scripts" / "vocab" / "glossary").glob("*.tsv"))
    assert files
    for path in files:  # exits on a bad line
        rows = bg.read_curated(path, "glossary")
        assert rows and all(r.source.startswith("glossary:") for r in rows)


def test_glossary_makes_a_known_evaluation_suite_a_benchmark_first():
    bg = _build_gazetteer()
    rows = [
        _row(["DATASET"], "MATH", [], "curated:Hendrycks et al. 2021"),
        _row(["DATASET"], "ImageNet", ["ILSVRC"], "curated:Deng et al. 2009"),
        _row(["BENCHMARK"], "MATH"),  # A3: a widely known evaluation suite
        _row(["BENCHMARK"], "ILSVRC"),  # joins ImageNet by a spelling: no reorder
    ]
    entries = {e.name: e for e in bg.merge(rows, frozenset())}
    assert entries["MATH"].types == ["BENCHMARK", "DATASET"]
    assert entries["ImageNet"].types == ["DATASET"]
