"""Relation rules: plain helpers and sentence-level behaviour on our own sentences."""

from __future__ import annotations

import pytest

from kg.extract import extract_papers
from kg.nlp.components import plural_variants
from kg.nlp.metric_links import metric_value
from kg.records import Paper


@pytest.mark.parametrize(
    ("text", "metric", "value"),
    [
        ("an FID of 2.91 on faces", "FID", "2.91"),
        ("a BLEU score of 31.4.", "BLEU", "31.4"),
        ("reaching 71.3% top-1 accuracy", "accuracy", "71.3%"),
        ("accuracy: 88\\% overall", "accuracy", "88\\%"),
        ("higher accuracy than before", "accuracy", None),
    ],
)
def test_metric_value(text, metric, value):
    i = text.index(metric)
    assert metric_value(text, i, i + len(metric), 0, len(text)) == value


def test_plural_variants():
    assert plural_variants(("diffusion model", "GAN", "accuracy", "mixture of experts")) == [
        "diffusion model",
        "GAN",
        "accuracy",
        "mixture of experts",
        "diffusion models",
        "accuracies",
    ]


def rels(nlp, title, abstract):
    (ex,) = extract_papers([Paper(id="x", title=title, abstract=abstract)], nlp)
    return {(r.type.value, r.head, r.tail) for r in ex.relations}


@pytest.mark.parametrize(
    "abstract",
    [
        "Heron reaches new results on tasks including SQuAD and TriviaQA.",
        "Heron is evaluated across three benchmarks: SQuAD, TriviaQA and HotpotQA.",
        "We test Heron on SQuAD, TriviaQA, and HotpotQA.",
        # an example list names the data as "such as" does
        "Heron shows consistent gains on reading datasets, e.g., SQuAD and TriviaQA.",
        "We report results for SQuAD and TriviaQA, where Heron sets a new state of the art.",
    ],
)
def test_evaluates_on_lists(nlp, abstract):
    found = rels(nlp, "Heron: Reading", abstract)
    assert {("evaluates_on", "Heron", "SQuAD"), ("evaluates_on", "Heron", "TriviaQA")} <= found


def test_novel_thing_with_acronym_is_proposed(nlp):
    found = rels(
        nlp,
        "Slides",
        "We elaborate a novel MIL framework with slide-level instance embedding (SLIE-MIL).",
    )
    assert ("proposes", "PAPER", "SLIE-MIL") in found


def test_namely_lists_proposals_but_not_plain_words(nlp):
    found = rels(nlp, "Routing", "Two designs follow, namely token routing and layer pruning.")
    assert {("proposes", "PAPER", "token routing"), ("proposes", "PAPER", "layer pruning")} <= found
    found = rels(nlp, "Languages", "We use data in three languages, namely English and Polish.")
    assert not any(t == "proposes" for t, _, _ in found)


def test_outperforms_needs_a_named_tail(nlp):
    found = rels(nlp, "Heron: Reading", "Heron outperforms existing methods and prior approaches.")
    assert not any(t == "outperforms" for t, _, _ in found)


def test_outperforms_rule_is_the_trigger_id(nlp):
    (ex,) = extract_papers(
        [Paper(id="x", title="Heron: Reading", abstract="Heron is better than ColBERT.")], nlp
    )
    (r,) = [r for r in ex.relations if r.type.value == "outperforms"]
    assert r.rule == "outperform-than"


def test_what_follows_on_is_not_compared(nlp):
    found = rels(nlp, "Lark: Adapters", "Lark is better than DoRA on RoBERTa and GPT-2.")
    assert ("outperforms", "Lark", "DoRA") in found
    assert not {("outperforms", "Lark", "RoBERTa"), ("outperforms", "Lark", "GPT-2")} & found


def test_names_modifying_generic_plurals_are_not_compared(nlp):
    found = rels(
        nlp, "Kite: Control", "Kite exceeds offline RL baselines and a DQN model on Atari."
    )
    assert ("outperforms", "Kite", "deep Q-network") in found
    assert ("outperforms", "Kite", "reinforcement learning") not in found


def test_improvement_on_a_model_is_outperforms(nlp):
    found = rels(
        nlp, "Heron: Reading", "Heron obtains a 10.5% improvement on zero-shot models such as CLIP."
    )
    assert ("outperforms", "Heron", "CLIP") in found


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        (
            "Compared to ResNet-50, our Heron achieves higher accuracy on ImageNet.",
            {("outperforms", "Heron", "ResNet-50")},
        ),
        (
            "We propose Heron. In comparison to BarNet and BazNet, our method reduces the "
            "error rate by 10%.",
            {("outperforms", "Heron", "BarNet"), ("outperforms", "Heron", "BazNet")},
        ),
        (
            "When compared with GPT-4, Llama 3 obtains better scores.",
            {("outperforms", "Llama 3", "GPT-4")},
        ),
    ],
)
def test_fronted_comparisons(nlp, abstract, expected):
    assert expected <= rels(nlp, "Heron: Reading", abstract)


@pytest.mark.parametrize(
    "abstract",
    [
        # no superiority in the main clause
        "Compared with ResNet-50, Heron reaches lower accuracy on ImageNet.",
        # the comparison is not fronted: "X is compared to Y"
        "Heron is compared to ResNet-50, and it is higher in memory use.",
    ],
)
def test_fronted_comparisons_need_a_fronted_cue_and_superiority(nlp, abstract):
    found = rels(nlp, "Heron: Reading", abstract)
    assert ("outperforms", "Heron", "ResNet-50") not in found


def test_the_winner_of_a_comparison_on_data_is_evaluated_there(nlp):
    found = rels(
        nlp, "Heron: Reading", "Results on the GLUE benchmark show consistent gains over BERT."
    )
    assert {("outperforms", "Heron", "BERT"), ("evaluates_on", "Heron", "GLUE")} <= found


def test_benchmarks_listed_after_a_comma_are_evaluated(nlp):
    found = rels(
        nlp,
        "Heron: Reading",
        "We conduct experiments on three benchmarks, SQuAD, TriviaQA and HotpotQA.",
    )
    assert {("evaluates_on", "Heron", "SQuAD"), ("evaluates_on", "Heron", "HotpotQA")} <= found


def test_evaluation_is_not_carried_from_the_sentence_before(nlp):
    # "We prune X. Results on D ..." once made X evaluated on D: right 1 time in 11 on the
    # error-analysis sets (the carried name was mostly a component or a generic technique)
    found = rels(
        nlp,
        "Pruning",
        "We prune Llama2-7b with a new criterion. Results on BoolQ and PIQA show small losses.",
    )
    assert not any(t == "evaluates_on" for t, _, _ in found)
    # the paper's own proposal is still evaluated where results are reported
    found = rels(nlp, "Pruning", "We propose ZorbPrune. Results on BoolQ show small losses.")
    assert ("evaluates_on", "ZorbPrune", "BoolQ") in found


def test_a_known_name_is_proposed_by_the_paper_whose_title_names_it(nlp):
    found = rels(
        nlp,
        "BERT: Pre-training of Deep Bidirectional Transformers",
        "We introduce a new language representation model called BERT.",
    )
    assert ("proposes", "PAPER", "BERT") in found
    # elsewhere the same known name is only used
    found = rels(nlp, "Reading at Scale", "We introduce a reader built on BERT.")
    assert ("proposes", "PAPER", "BERT") not in found


@pytest.mark.parametrize(
    ("abstract", "head", "tail"),
    [
        ("HeronNet, which builds on BERT, outperforms RoBERTa on GLUE.", "HeronNet", "RoBERTa"),
        ("Using BERT as the encoder, HeronNet outperforms RoBERTa.", "HeronNet", "RoBERTa"),
        ("HeronNet (built on BERT) consistently outperforms RoBERTa.", "HeronNet", "RoBERTa"),
        ("HeronNet matches GPT-4 on MMLU and outperforms Llama 2.", "HeronNet", "Llama 2"),
        ("While GPT-4 performs best, HeronNet outperforms Llama 2.", "HeronNet", "Llama 2"),
        ("HeronNet is trained with LoRA and beats DoRA on reasoning.", "HeronNet", "DoRA"),
        ("HeronNet scores 85.2 on GLUE, outperforming RoBERTa.", "HeronNet", "RoBERTa"),
    ],
)
def test_the_head_of_a_comparison_is_its_clause_subject(nlp, abstract, head, tail):
    found = {(h, t) for r, h, t in rels(nlp, "Reading", abstract) if r == "outperforms"}
    assert found == {(head, tail)}


@pytest.mark.parametrize(
    "abstract",
    [
        "We show that Heron outperforms RoBERTa and XLNet.",
        "Heron outperforms RoBERTa on GLUE.",
        "Heron achieves 85.2 on GLUE, outperforming RoBERTa.",
    ],
)
def test_a_plain_capitalised_name_compared_is_a_model_or_method(nlp, abstract):
    assert ("outperforms", "Heron", "RoBERTa") in rels(nlp, "Reading", abstract)
