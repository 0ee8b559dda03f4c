"""The Neo4j import files: Cypher script, neo4j-admin CSVs, style and cookbook."""

from __future__ import annotations

import csv
import io
import re
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st
from neo4j_synthetic import big_graph

from kg.errors import DataFileError, ExportError
from kg.export import neo4j_files
from kg.export.cypher import (
    NODE_LABELS,
    REL_TYPES,
    expected_counts,
    literal,
    node_properties,
    string_literal,
)
from kg.graph import build_graph
from kg.link import Linker
from kg.records import Entity, EntityType, Extraction, Mention, Paper, Relation, RelationType

NASTY = "it's \"q\" \\ \\n\nline2\r\ttab x'}) DETACH DELETE n // \U0001f600 \u2028 <b>\x1f\x07"


def _extraction(pid: str, title: str = "Title", evidence: str = "We beat it.") -> Extraction:
    names = (
        ("MegaNet", EntityType.MODEL),
        ("ToyBench", EntityType.BENCHMARK),
        (NASTY, EntityType.METHOD),
    )
    ents = tuple(
        Entity(id="", name=n, type=t, aliases=(n,), mentions=(Mention(n, "abstract", 0, len(n)),))
        for n, t in names
    )
    rels = (
        Relation(RelationType.PROPOSES, "PAPER", "ToyBench", evidence, "p1", 0.7),
        Relation(
            RelationType.EVALUATES_ON, "MegaNet", "ToyBench", evidence, "e1", 0.9, "71.2", "acc"
        ),
        Relation(RelationType.OUTPERFORMS, "MegaNet", NASTY, NASTY, "o1", 0.5),
    )
    paper = Paper(pid, title, NASTY, year=2024, authors=("A. O'Neil", "B;C"))
    return Extraction(paper, ents, rels)


@pytest.fixture
def graph():
    exs = [_extraction("p1", NASTY), _extraction("p2", "Second", "Also: it's better.")]
    return build_graph(Linker().link_all(exs))


def _unescape_cypher(literal_text: str) -> str:
    """Read a single-quoted Cypher string literal (the escapes Neo4j documents)."""
    assert literal_text[0] == literal_text[-1] == "'"
    body, out, i = literal_text[1:-1], [], 0
    simple = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
    while i < len(body):
        ch = body[i]
        assert ch not in "'\n\r", f"raw {ch!r} inside a literal"
        if ch != "\\":
            out.append(ch)
            i += 1
        elif body[i + 1] == "u":
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            out.append(simple[body[i + 1]])
            i += 2
    return "".join(out)


# --- literals ---------------------------------------------------------------------------


@given(st.text())
def test_string_literal_round_trips_any_text(text):
    lit = string_literal(text)
    assert "\n" not in lit and "\r" not in lit
    assert _unescape_cypher(lit) == text


def test_literal_writes_values_lists_and_maps():
    assert (
        literal({"a": [1, 2.5, True, None], "b": "x'y"}) == "{a: [1, 2.5, true, null], b: 'x\\'y'}"
    )
    assert literal({"odd key": 1}) == "{`odd key`: 1}"
    with pytest.raises(ValueError):
        literal(float("nan"))


# --- import.cypher ------------------------------------------------------------------------


def test_write_returns_every_file_under_neo4j(graph, tmp_path):
    files = neo4j_files.write(graph, tmp_path, None)
    names = sorted(p.name for p in files)
    assert names == sorted(
        ["import.cypher", "import.sh", "README.md", "style.grass", "queries.cypher"]
        + [neo4j_files.AFTER_IMPORT]
        + list(neo4j_files.CSV_FILES)
    )
    assert all(p.parent == tmp_path / "neo4j" and p.is_file() for p in files)


def test_output_is_byte_identical_for_the_same_graph(tmp_path):
    exs = [_extraction("p1", NASTY), _extraction("p2", "Second")]
    g1 = build_graph(Linker().link_all(exs))
    g2 = build_graph(Linker().link_all(exs))
    neo4j_files.write(g1, tmp_path / "a", None)
    neo4j_files.write(g2, tmp_path / "b", None)
    neo4j_files.write(g1, tmp_path / "c", None)
    for name in neo4j_files.CSV_FILES + ("import.cypher", "README.md"):
        first = (tmp_path / "a" / "neo4j" / name).read_bytes()
        assert first == (tmp_path / "b" / "neo4j" / name).read_bytes()
        assert first == (tmp_path / "c" / "neo4j" / name).read_bytes()


def test_import_script_has_constraints_first_and_escaped_literals(graph):
    script = neo4j_files.cypher_script(graph)
    statements = [s.strip() for s in script.split(";\n") if s.strip()]
    body = [re.sub(r"^((//.*)?\n)+", "", s) for s in statements]
    constraints = [s for s in body if s.startswith("CREATE CONSTRAINT")]
    assert len(constraints) == len(NODE_LABELS)
    assert body[: len(constraints)] == constraints
    for stmt in body[len(constraints) :]:
        assert stmt.startswith("UNWIND [")
    # every row is one line: text never breaks a line or closes a literal early
    rows = [line for line in script.splitlines() if line.startswith("  {")]
    assert len(rows) == graph.number_of_nodes() + graph.number_of_edges()
    titles = re.findall(r"title: ('(?:[^'\\]|\\.)*')", script)
    assert NASTY in {_unescape_cypher(t) for t in titles}
    assert "DETACH DELETE n //" in script  # present, but only inside a literal
    assert script.count("DETACH DELETE") == len(re.findall(r"DETACH DELETE n //", script))


def test_import_script_mentions_every_label_and_type(graph):
    script = neo4j_files.cypher_script(graph)
    labels, types = expected_counts(graph)
    for label in labels:
        assert f":{label}" in script
    for rtype in types:
        assert f"[r:{rtype}]" in script


# --- CSV ------------------------------------------------------------------------------------


def _read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_headers_use_neo4j_admin_types(graph):
    texts = neo4j_files.csv_texts(graph)
    assert texts["papers.csv"].splitlines()[0] == (
        "id:ID,:LABEL,paperId,title,name,abstract,year:int,date,arxivId,doi,url,"
        "authors:string[],source"
    )
    assert texts["entities.csv"].splitlines()[0] == (
        "id:ID,:LABEL,name,type,aliases:string[],papers:string[],introducedBy:string[],"
        "paperCount:int"
    )
    assert texts["mentions.csv"].splitlines()[0] == ":START_ID,:END_ID,:TYPE,count:int"
    assert texts["claims.csv"].splitlines()[0] == (
        ":START_ID,:END_ID,:TYPE,papers:string[],evidence:string[],rules:string[],"
        "confidences:double[],values:string[],metrics:string[],support:int,confidence:double"
    )


def test_csv_rows_match_the_graph_and_arrays_split(graph):
    texts = neo4j_files.csv_texts(graph)
    papers = _read_csv(texts["papers.csv"])
    entities = _read_csv(texts["entities.csv"])
    mentions = _read_csv(texts["mentions.csv"])
    claims = _read_csv(texts["claims.csv"])
    labels, types = expected_counts(graph)
    assert len(papers) == labels["Paper"] and len(entities) == labels["Entity"]
    assert len(mentions) == types["MENTIONS"]
    assert len(claims) == sum(v for k, v in types.items() if k != "MENTIONS")
    ids = {r["id:ID"] for r in papers + entities}
    assert all(r[":START_ID"] in ids and r[":END_ID"] in ids for r in mentions + claims)
    assert {r[":TYPE"] for r in claims} <= set(REL_TYPES.values())
    # several labels are split on the array delimiter, like any array
    assert {tuple(r[":LABEL"].split(neo4j_files.ARRAY_DELIMITER)) for r in entities} == {
        ("Entity", "Model"),
        ("Entity", "Benchmark"),
        ("Entity", "Method"),
    }
    assert {r[":LABEL"] for r in papers} == {"Paper"}
    p1 = next(r for r in papers if r["paperId"] == "p1")
    assert p1["title"] == NASTY.replace("\x1f", " ")  # newlines survive, quoted
    assert p1["authors:string[]"].split(neo4j_files.ARRAY_DELIMITER) == ["A. O'Neil", "B;C"]
    bench = next(r for r in entities if r["name"] == "ToyBench")
    assert bench["papers:string[]"].split(neo4j_files.ARRAY_DELIMITER) == ["p1", "p2"]
    evaluates = next(r for r in claims if r[":TYPE"] == "EVALUATES_ON")
    assert evaluates["values:string[]"].split(neo4j_files.ARRAY_DELIMITER) == ["71.2", "71.2"]
    assert evaluates["support:int"] == "2" and evaluates["confidence:double"] == "0.9"


def test_admin_command_and_scripts(graph, tmp_path):
    neo4j_files.write(graph, tmp_path, None)
    folder = tmp_path / "neo4j"
    command = neo4j_files.admin_import_command()
    assert command.startswith("neo4j-admin database import full ")
    assert '--array-delimiter="U+001F"' in command and "--multiline-fields=true" in command
    for name in neo4j_files.CSV_FILES:
        assert f"import/{name}" in command
    assert command in (folder / "README.md").read_text()
    sh = (folder / "import.sh").read_text()
    assert sh.startswith("#!/bin/sh") and "neo4j-admin database import full" in sh


# --- style and cookbook ---------------------------------------------------------------------


def test_style_has_a_colour_and_caption_per_label():
    style = neo4j_files._data_text("style.grass")
    for label in NODE_LABELS:
        block = re.search(r"node\." + label + r" \{([^}]*)\}", style)
        assert block, label
        assert "color:" in block.group(1) and "caption:" in block.group(1)
    for rtype in REL_TYPES.values():
        assert f"relationship.{rtype} {{" in style


def test_cookbook_has_documented_parameterised_queries():
    queries = neo4j_files.read_cookbook()
    assert len(queries) >= 12
    assert [q.number for q in queries] == list(range(1, len(queries) + 1))
    for q in queries:
        used = set(re.findall(r"\$(\w+)", q.query))
        assert used == set(q.params), f"query {q.number}: params {used} vs defaults {q.params}"
        assert "'" not in re.sub(r"'[^']*'", "", q.query), "unbalanced quote"
    assert any(q.neo4j_only for q in queries)


def test_cookbook_errors_name_the_line():
    text = "// intro\n// ------------\n// 1. Broken\n:param x => nope\nRETURN $x;\n"
    with pytest.raises(DataFileError, match=r"queries.cypher:4: :param value 'nope'"):
        neo4j_files.read_cookbook(text)


def test_paper_properties_are_camel_case_without_nulls(graph):
    props = node_properties("paper:p1", graph.nodes["paper:p1"])
    assert set(props) == {"id", "paperId", "title", "name", "abstract", "year", "authors", "source"}
    assert props["year"] == 2024 and props["paperId"] == "p1"


def test_write_memory_does_not_grow_with_the_graph(tmp_path):
    """Regression: write() built row dicts of the whole graph and each file as one string
    (11 MB peak for this 3.6 MB output; 1.5 GB extra at 100k papers)."""
    graph = big_graph(1000)
    tracemalloc.start()
    try:
        neo4j_files.write(graph, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = sum(p.stat().st_size for p in (tmp_path / "neo4j").iterdir())
    assert size > 3_000_000
    assert peak < 1_500_000, f"peak {peak} bytes for {size} bytes of files"


def test_streamed_files_equal_the_text_functions(tmp_path):
    graph = big_graph(150)
    neo4j_files.write(graph, tmp_path)
    folder = tmp_path / "neo4j"
    assert (folder / "import.cypher").read_text(encoding="utf-8") == neo4j_files.cypher_script(
        graph
    )
    for name, text in neo4j_files.csv_texts(graph).items():
        assert (folder / name).read_text(encoding="utf-8") == text


def test_output_does_not_depend_on_insertion_order(graph, tmp_path):
    scrambled = type(graph)()
    scrambled.graph.update(graph.graph)
    scrambled.add_nodes_from(reversed(list(graph.nodes(data=True))))
    scrambled.add_edges_from(reversed(list(graph.edges(keys=True, data=True))))
    neo4j_files.write(graph, tmp_path / "a")
    neo4j_files.write(scrambled, tmp_path / "b")
    for name in neo4j_files.CSV_FILES + ("import.cypher", "README.md"):
        assert (tmp_path / "a" / "neo4j" / name).read_bytes() == (
            tmp_path / "b" / "neo4j" / name
        ).read_bytes()


def test_script_groups_relationships_by_head_label_in_order():
    graph = build_graph(Linker().link_all([_extraction("p1")]))
    # OUTPERFORMS from a paper too: two statement groups, the entity-headed one first
    # because its first start id ("method:..."/"model:...") sorts before "paper:p1"
    graph.add_edge("paper:p1", "model:meganet", key="outperforms", type="outperforms")
    script = neo4j_files.cypher_script(graph)
    heads = re.findall(r"MATCH \(a:(\w+) \{id: row.start\}\)\n.*\nMERGE \(a\)-\[r:(\w+)\]", script)
    assert [h for h, t in heads if t == "OUTPERFORMS"] == ["Entity", "Paper"]
    assert [t for _, t in heads] == sorted(
        (t for _, t in heads), key=list(REL_TYPES.values()).index
    )


def test_a_bad_node_kind_leaves_no_file(graph, tmp_path):
    graph.add_node("zzz:bad", kind="Gadget")
    with pytest.raises(ExportError, match="kind 'Gadget'"):
        neo4j_files.write(graph, tmp_path)
    assert not (tmp_path / "neo4j").exists() or not list((tmp_path / "neo4j").iterdir())
