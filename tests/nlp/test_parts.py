"""The parts a paper builds (kg.nlp.parts), known names defined as the paper's own, and
metrics attached to the dataset they are reported on (abstracts written by us)."""

from __future__ import annotations

import pytest

from kg.extract import extract_papers
from kg.nlp import build_nlp
from kg.nlp.parts import own_parts
from kg.nlp.resources import fold_case, load_resources
from kg.records import Paper


@pytest.fixture(scope="module")
def kg_nlp():
    return build_nlp(learned=False)  # the rules alone: tests/nlp/test_entity_model.py has the rest


def run(nlp, title, abstract=""):
    return next(extract_papers([Paper(id="p", title=title, abstract=abstract)], nlp))


def rels(ex):
    return {(r.type.value, r.head, r.tail) for r in ex.relations}


def parts(abstract: str) -> list[str]:
    res = load_resources()
    text = "Title\n" + abstract
    cues = tuple(res.trigger_regex(k, folded=True) for k in ("part", "part-after"))
    spans = own_parts(
        text,
        fold_case(text),
        6,
        cues,
        res.part_heads,
        res.part_skips,
        res.modifier_stops,
        res.heads,
    )
    return [text[s:e] for s, e in spans]


@pytest.mark.parametrize(
    "abstract, expected",
    [
        ("We design a glimmer depth sampler to regress offsets.", ["glimmer depth sampler"]),
        (
            "We propose a simple yet effective occlusion-aware reprojection loss.",
            ["occlusion-aware reprojection loss"],
        ),
        (
            "It consists of a recurrent tide encoder and a neighbourhood aggregator.",
            ["recurrent tide encoder", "neighbourhood aggregator"],
        ),
        (
            "Then, a GCN-based graph mending module is introduced for missing edges.",
            ["graph mending module"],
        ),
        ("We also propose a cross-modal recall mechanism to add context.", ["cross-modal recall"]),
        # a noun that needs two modifiers: one is a description
        ("We propose a reflection strategy.", []),
        ("We introduce a lattice folding strategy.", ["lattice folding strategy"]),
        # a technique head before such a noun ends the name
        ("We introduce a phoneme monotonic alignment strategy.", ["phoneme monotonic alignment"]),
        # no specific modifier, a capitalised name, a name that follows, a "-based" description
        ("We propose a novel module for fusion.", []),
        ("We propose a Glimmer Sampler for depth.", []),
        ("We propose a mixed fusing approach called Vote Mixing.", []),
        ("We propose a knowledge graph-based approach.", []),
        # the cue is the paper's: not "previous work proposed"
        ("Previous work proposed a glimmer depth sampler.", []),
    ],
)
def test_own_parts(abstract, expected):
    assert parts(abstract) == expected


def test_part_is_a_proposed_method_but_not_the_evaluated_system(kg_nlp):
    ex = run(
        kg_nlp,
        "Plane Depth: Multi-Plane Depth Estimation",
        "We present Plane Depth, a depth estimator. We design a glimmer depth sampler to "
        "regress offsets. Experiments on KITTI show that our method is accurate.",
    )
    got = rels(ex)
    assert ("proposes", "PAPER", "glimmer depth sampler") in got
    assert {e.name: e.type.value for e in ex.entities}["glimmer depth sampler"] == "METHOD"
    assert not any(r[0] == "evaluates_on" and r[1] == "glimmer depth sampler" for r in got)
    assert ("evaluates_on", "Plane Depth", "KITTI") in got


def test_part_does_not_displace_the_title_proposal(kg_nlp):
    # a part found after "we present a novel ..." must not stop the title fallback
    ex = run(
        kg_nlp,
        "Quorvex Clustering for Unsupervised Image Classification",
        "We present a novel clustering objective that learns a classifier from scratch. "
        "It reaches state-of-the-art accuracy on STL10.",
    )
    assert ("proposes", "PAPER", "Quorvex Clustering") in rels(ex)


def test_known_name_defined_after_we_present_is_proposed(kg_nlp):
    # TransE is in the gazetteer; the paper that defines it after "we present" introduces it
    abstract = (
        "In this paper, we present a Translating Embeddings Model (TransE) for link prediction."
    )
    assert ("proposes", "PAPER", "TransE") in rels(run(kg_nlp, "Embeddings", abstract))
    used = "In this paper, we use a Translating Embeddings Model (TransE) for link prediction."
    assert ("proposes", "PAPER", "TransE") not in rels(run(kg_nlp, "Embeddings", used))
    based = "We present a Translating Embeddings Model (TransE)-based approach to link prediction."
    assert ("proposes", "PAPER", "TransE") not in rels(run(kg_nlp, "Embeddings", based))


def test_metric_in_parentheses_after_a_benchmark_is_reported_on_it(kg_nlp):
    ex = run(
        kg_nlp,
        "Preference Tuning",
        "We propose ZetaPO, a preference optimization method. ZetaPO achieves state-of-the-art "
        "results on AlpacaEval 2 (58.7% LC win rate) and Arena-Hard (35.7% win rate).",
    )
    got = rels(ex)
    assert ("uses_metric", "Arena-Hard", "win rate") in got
    assert ("uses_metric", "Arena-Hard", "LC win rate") not in got
    assert ("uses_metric", "AlpacaEval 2", "win rate") not in got


def test_metric_of_a_value_on_a_dataset_is_reported_on_it(kg_nlp):
    ex = run(
        kg_nlp,
        "Tracking",
        "We propose KestrelTrack, a tracker. KestrelTrack achieves an AUC of 0.687 on OTB-100 "
        "and an EAO of 0.434 on VOT-16.",
    )
    got = rels(ex)
    assert ("uses_metric", "OTB-100", "AUC") in got
    assert ("uses_metric", "VOT-16", "AUC") not in got


def test_models_compared_on_datasets_are_evaluated_on_them(kg_nlp):
    ex = run(
        kg_nlp,
        "Evaluation of LLMs for arithmetic",
        "In this study, we compare GPT-4o and Gemini-2.0 on GSM8K and MATH500.",
    )
    got = rels(ex)
    assert ("evaluates_on", "Gemini-2.0", "GSM8K") in got
    assert ("evaluates_on", "GPT-4o", "MATH500") in got


def test_known_name_before_a_generic_noun_is_the_name(kg_nlp):
    ex = run(
        kg_nlp,
        "Faster Tokens",
        "Our layer replaces the self-attention mechanism with a linear one. We also propose "
        "a cross-modal recall mechanism to add context.",
    )
    names = {e.name for e in ex.entities}
    assert "self-attention" in names and "self-attention mechanism" not in names
    assert "cross-modal recall" in names and "cross-modal recall mechanism" not in names


def test_models_a_result_was_obtained_with_get_no_metric(kg_nlp):
    ex = run(
        kg_nlp,
        "Preference Tuning",
        "We propose ZetaPO, a preference optimization method. ZetaPO achieves a 58.7% win rate "
        "on Arena-Hard across Mistral2-7B, Llama3-8B, and Gemma2-9B.",
    )
    got = rels(ex)
    assert ("uses_metric", "ZetaPO", "win rate") in got
    assert ("uses_metric", "Arena-Hard", "win rate") in got
    for backbone in ("Mistral2-7B", "Llama3-8B", "Gemma2-9B"):
        assert ("uses_metric", backbone, "win rate") not in got


def test_title_phrase_with_as_or_based_inside_is_no_proposal(kg_nlp):
    for title in (
        "Neural Word Segmentation as Sequence to Sequence Translation",
        "Small-scale Pedestrian Detection Based on Topology Localization",
    ):
        ex = run(kg_nlp, title, "We study the problem. Results are good on three datasets.")
        assert not any(r[0] == "proposes" for r in rels(ex)), title


def test_diffusion_models_are_a_method(kg_nlp):
    ex = run(
        kg_nlp,
        "Video Generation",
        "Diffusion models have shown strong results in image generation. We extend them.",
    )
    assert {e.name: e.type.value for e in ex.entities}.get("diffusion model") == "METHOD"


def test_parts_are_evaluated_when_the_paper_proposes_nothing_else(kg_nlp):
    ex = run(
        kg_nlp,
        "Improving MMD Generative Adversarial Networks",
        "To address this issue, we propose a repulsive glimmer loss function. The proposed "
        "methods achieve an FID score of 16.21 on the CIFAR-10 dataset.",
    )
    got = rels(ex)
    assert ("proposes", "PAPER", "repulsive glimmer loss function") in got
    assert ("uses_metric", "repulsive glimmer loss function", "FID") in got


def test_fronted_comparison_with_a_metric_reduction_is_outperforms(kg_nlp):
    ex = run(
        kg_nlp,
        "Multiplane Images",
        "We propose LoLep, a view synthesis method. Compared to MINE, our approach has an "
        "LPIPS reduction of 4.8%.",
    )
    assert ("outperforms", "LoLep", "MINE") in rels(ex)


def test_apposition_with_an_abbreviation_in_parentheses_types_the_name(kg_nlp):
    ex = run(
        kg_nlp,
        "Hallucination",
        "We propose ZORBLE, a novel visual question answering (VQA) benchmark that employs "
        "contextual prompts.",
    )
    assert {e.name: e.type.value for e in ex.entities}["ZORBLE"] == "BENCHMARK"


def test_context_chooses_among_the_types_of_a_known_name(kg_nlp):
    # SoundStream is METHOD|MODEL in the gazetteer: "the SoundStream framework" keeps the
    # usual type, "the SoundStream model" picks the other one it lists
    def kind(abstract):
        ex = run(kg_nlp, "Audio Codecs", abstract)
        return {e.name: e.type.value for e in ex.entities}["SoundStream"]

    usual = kind("We compare with SoundStream on speech.")
    other = "MODEL" if usual == "METHOD" else "METHOD"
    noun = "model" if other == "MODEL" else "framework"
    assert kind(f"We compare with the SoundStream {noun} on speech.") == other
    # a cue for a type the entry does not list changes nothing
    assert kind("We compare with the SoundStream dataset on speech.") == usual


def test_known_name_only_the_title_names_is_the_proposal(kg_nlp):
    # SoundStream is known; its title names it and the abstract never does
    abstract = "We present a neural audio codec that compresses speech at low bitrates."
    ex = run(kg_nlp, "SoundStream for Low-Bitrate Speech Coding", abstract)
    assert ("proposes", "PAPER", "SoundStream") in rels(ex)
    # a technique the title starts with is not ("Prompt Tuning for ...")
    ex = run(kg_nlp, "Prompt Tuning for Speech Coding", abstract)
    assert not any(r[0] == "proposes" for r in rels(ex))


def test_known_name_called_after_we_train_is_proposed(kg_nlp):
    ex = run(
        kg_nlp,
        "Codec Language Models",
        "We train a neural codec language model (called SoundStream) using discrete codes.",
    )
    assert ("proposes", "PAPER", "SoundStream") in rels(ex)
    ex = run(kg_nlp, "Codecs", "They use a neural codec model called SoundStream for speech.")
    assert ("proposes", "PAPER", "SoundStream") not in rels(ex)


def test_coordinated_metrics_share_the_dataset_they_are_reported_on(kg_nlp):
    ex = run(
        kg_nlp,
        "Dialogue State Tracking",
        "We propose GLIDE, a dialogue state tracker. GLIDE obtains 88.1% joint goal accuracy "
        "and 97.1% request accuracy on WoZ.",
    )
    assert ("uses_metric", "WoZ", "joint goal accuracy") in rels(ex)


_TAIL = (
    "We propose ZorbNet, a speech recognizer. ZorbNet lowers the word error rate on "
    "Switchboard by 1.4% over the best published result so far. "
)


@pytest.mark.parametrize(
    "tail",
    [
        "TomZorba ChristianQuill BrianMoss CenterforDataScience, NewYorkUniversity "
        "{tzorba} @us.ibm.com",
        "1] Leonid Quill 1] Eldar Moss 2] Siyu Zorba [1] Max Planck Institute, Germany",
        "KEYWORDS Speech recognition, deep networks, WaveQuill, BrianMoss",
        "W.Quill, J.Moss MicrosoftResearch TechnicalReportMSR-TR-2016-71 RevisedFebruary2017",
    ],
)
def test_author_and_affiliation_tail_holds_no_names(kg_nlp, tail):
    from kg.nlp.frontmatter import front_matter_start

    text = "Deep Speech\n" + _TAIL + tail
    assert front_matter_start(text, 11) == len("Deep Speech\n" + _TAIL)
    names = {e.name for e in run(kg_nlp, "Deep Speech", _TAIL + tail).entities}
    assert "ZorbNet" in names and "Switchboard" in names
    assert not names & {"TomZorba", "ChristianQuill", "BrianMoss", "Leonid Quill", "WaveQuill"}
    assert not any("Research" in n or "University" in n or "Institute" in n for n in names)


@pytest.mark.parametrize(
    "abstract",
    [
        _TAIL + "Code and data from the University of Zorb are released.",
        "Contact zorb@lab.org for data. " + _TAIL + "Results hold on three datasets.",
        _TAIL + "We compare with DeepResearch and WebResearch agents on two benchmarks.",
    ],
)
def test_an_ordinary_abstract_has_no_front_matter_tail(abstract):
    from kg.nlp.frontmatter import front_matter_start

    text = "Deep Speech\n" + abstract
    assert front_matter_start(text, 11) == len(text)


@pytest.mark.parametrize(
    "sentence",
    [
        "The proposed method is applied to image generation on CIFAR-10 and CelebA.",
        "We carry out this approach on CIFAR-10 and CelebA.",
        "We use two datasets, CIFAR-10 and the large-scale CelebA dataset.",
    ],
)
def test_applying_a_method_to_datasets_evaluates_it_there(kg_nlp, sentence):
    ex = run(kg_nlp, "Generation", "We propose ZorbGAN, a generator. " + sentence)
    assert {("evaluates_on", "ZorbGAN", "CIFAR-10"), ("evaluates_on", "ZorbGAN", "CelebA")} <= rels(
        ex
    )


def test_datasets_listed_in_parentheses_after_datasets_are_evaluation_data(kg_nlp):
    ex = run(
        kg_nlp,
        "Action Recognition",
        "We propose ZorbFrames, a frame selector. We carry out this approach on three "
        "well-known datasets (KTH, HMDB51, and UCF101).",
    )
    got = rels(ex)
    for d in ("KTH", "HMDB51", "UCF101"):
        assert ("evaluates_on", "ZorbFrames", d) in got


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        (
            "We design two feature fusion modules, concatenation module and element-sum "
            "module, different in the way of adding contextual information.",
            ["concatenation module", "element-sum module"],
        ),
        (
            "We design three effective alignment mechanisms including structure-aware "
            "alignment, domain alignment, and class centroid alignment.",
            ["structure-aware alignment", "domain alignment", "class centroid alignment"],
        ),
    ],
)
def test_the_parts_a_counted_plural_lists_are_the_papers_own(kg_nlp, abstract, expected):
    found = parts(abstract)
    assert all(name in found for name in expected), found
    ex = run(kg_nlp, "A Detector", abstract)
    for name in expected:
        assert ("proposes", "PAPER", name) in rels(ex)


def test_a_counted_plural_without_a_list_names_nothing():
    assert parts("We design two feature fusion modules that add context.") == ["feature fusion"]


def test_the_proposed_methods_are_all_evaluated(kg_nlp):
    abstract = (
        "We propose a repulsive loss function for MMD-GAN. We also propose a bounded "
        "Gaussian kernel to stabilize training. The proposed methods are applied to "
        "unsupervised image generation on CIFAR-10 and STL-10."
    )
    found = rels(run(kg_nlp, "Improving MMD-GAN Training with Repulsive Loss Function", abstract))
    assert ("evaluates_on", "bounded Gaussian kernel", "CIFAR-10") in found
    assert ("evaluates_on", "bounded Gaussian kernel", "STL-10") in found
