"""Name normalisation and cross-paper identity."""

import pytest

from kg.link import Linker, link_key, slugify, unlatex
from kg.records import Entity, EntityType, Extraction, Paper


@pytest.mark.parametrize(
    "a,b",
    [
        ("Llama 2", "Llama-2"),
        ("knowledge graphs", "Knowledge Graph"),
        ("the COCO", "COCO"),
        ("LLMs", "LLM"),
        ("Fr\\'echet mean", "Fréchet mean"),
        ("GPT\u20114o", "GPT-4o"),  # non-breaking hyphen
        ("ＧＰＴ-4", "GPT-4"),  # full-width letters
        ("strategies", "strategy"),
        ("Mixture of Experts", "mixture-of-experts"),
    ],
)
def test_same_key(a, b):
    assert link_key(a) == link_key(b)


@pytest.mark.parametrize(
    "a,b",
    [
        ("GPT-4", "GPT-4o"),
        ("GPT-4o", "GPT-4V"),
        ("SEED-Bench", "SEED-Bench-2"),
        ("Llama 2", "Llama 3"),
        ("Atlas", "Atla"),
    ],
)
def test_versions_stay_apart(a, b):
    assert link_key(a) != link_key(b)


def test_unlatex_accents():
    assert unlatex("Fr\\'echet") == "Fréchet"
    assert unlatex('G\\"odel') == "Gödel"
    assert unlatex("plain") == "plain"


@pytest.mark.parametrize(
    "name", ["GPT-4o", 'a <b> "c" #d %e', "😀 emoji", "שלום", "x" * 2000, "", "---"]
)
def test_slug_is_safe_and_bounded(name):
    slug = slugify(name)
    assert slug and len(slug) <= 80
    assert not any(c in slug for c in ' <>"#%/?')


def _ex(pid, *ents):
    return Extraction(
        Paper(pid, f"T {pid}", "A."),
        tuple(Entity("", n, t, aliases=tuple(a)) for n, t, a in ents),
    )


def test_linker_shares_ids_across_papers_and_keeps_types_apart():
    linker = Linker()
    a = linker.link(_ex("p1", ("MoE", EntityType.METHOD, ["mixture of experts", "MoE"])))
    b = linker.link(_ex("p2", ("mixture-of-experts", EntityType.METHOD, [])))
    c = linker.link(_ex("p3", ("MoE", EntityType.MODEL, [])))
    assert a.entities[0].id == b.entities[0].id == "method:moe"
    assert c.entities[0].id == "model:moe"


def test_linker_short_acronym_alias_does_not_merge():
    linker = Linker()
    a = linker.link(_ex("p1", ("self-retrieval", EntityType.METHOD, ["SR"])))
    b = linker.link(_ex("p2", ("SR", EntityType.METHOD, [])))
    assert a.entities[0].id != b.entities[0].id


def test_linker_slug_collision_gets_suffix():
    linker = Linker()
    a = linker.link(_ex("p1", ("C# Net", EntityType.MODEL, [])))
    b = linker.link(_ex("p2", ("C& Net", EntityType.MODEL, [])))
    assert (a.entities[0].id, b.entities[0].id) == ("model:c-net", "model:c-net-2")
    assert (
        linker.link(_ex("p3", ("C# Net", EntityType.MODEL, []))).entities[0].id == a.entities[0].id
    )
