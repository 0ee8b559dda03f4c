"""The kg command line: help, exit codes, one-line errors, and the README in step with it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from kg.cli import build_parser, main
from tests.conftest import REPO, write_jsonl

COMMANDS = ["build", "extract", "eval", "neo4j-push", "html", "sparql"]


def run_kg(*args, cwd=None, env=None):
    """Run ``python -m kg`` in a subprocess (as a user would)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    full_env.update({"PYTHONPATH": str(REPO), **(env or {})})
    return subprocess.run(
        [sys.executable, "-m", "kg", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
    )


def test_top_level_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for cmd in COMMANDS:
        assert cmd in out
    assert "example" in out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_command_has_help_with_an_example(cmd, capsys):
    with pytest.raises(SystemExit) as exc:
        main([cmd, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"kg {cmd}" in out


def _options(parser):
    opts = set()
    for action in parser._actions:
        opts.update(o for o in action.option_strings if o.startswith("--"))
        if hasattr(action, "choices") and isinstance(action.choices, dict):
            for sub in action.choices.values():
                opts |= _options(sub)
    return opts


def test_readme_documents_every_command_and_option():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for cmd in COMMANDS:
        assert f"kg {cmd}" in readme, f"README does not show `kg {cmd}`"
    missing = sorted(o for o in _options(build_parser()) if o not in readme and o != "--help")
    assert not missing, f"options missing from README: {missing}"


def test_readme_commands_use_real_options():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    known = _options(build_parser()) | {"--help", "--upgrade"}
    pattern = r"^.*\bkg (?:build|extract|eval|html|sparql|neo4j-push)\b.*$"
    for line in re.findall(pattern, readme, re.M):
        for opt in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", line):
            if opt in ("--out/",):
                continue
            assert opt in known, f"README uses unknown option {opt}: {line}"


def test_missing_input_is_one_line_exit_2(tmp_path):
    res = run_kg("build", tmp_path / "nope.jsonl", "--out", tmp_path / "out")
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "nope.jsonl" in lines[0] and lines[0].startswith("kg: error:")
    assert not (tmp_path / "out" / "graph.json").exists()


def test_unwritable_output_is_one_line_exit_3(tmp_path, example_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run_kg("build", example_path, "--out", blocker / "sub", "--workers", "1")
    assert res.returncode == 3, res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_bad_option_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["build", "x.jsonl", "--out", "o", "--workers", "0"])
    assert exc.value.code == 2
    assert "expected a number >= 1" in capsys.readouterr().err


def test_empty_file_is_one_line_error(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    res = run_kg("build", empty, "--out", tmp_path / "out")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "empty" in res.stderr


def test_bad_records_are_skipped_and_counted_or_fatal_with_strict(tmp_path):
    src = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"title": "Good Paper One", "abstract": "We evaluate BERT on GLUE."},
            "{not json",
            {"title": "No abstract here"},
            {"title": "Good Paper Two", "abstract": "We train ResNet-50 on ImageNet."},
        ],
    )
    res = run_kg("build", src, "--out", tmp_path / "out", "--workers", "1")
    assert res.returncode == 0, res.stderr
    assert "papers read: 2" in res.stdout
    assert "papers skipped: 2" in res.stdout
    assert "mixed.jsonl:2" in res.stdout and "mixed.jsonl:3" in res.stdout

    res = run_kg("build", src, "--out", tmp_path / "strict", "--strict", "--workers", "1")
    assert res.returncode == 2 and "mixed.jsonl:2" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "strict" / "graph.json").exists()


def test_extract_writes_one_line_per_paper(tmp_path, example_path):
    out = tmp_path / "ex.jsonl"
    res = run_kg("extract", example_path, "-o", out, "--workers", "1")
    assert res.returncode == 0, res.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(1 for _ in open(example_path, encoding="utf-8"))
    assert "extracted" in res.stderr


def test_neo4j_push_without_uri_says_what_to_do(tmp_path):
    res = run_kg("neo4j-push", tmp_path, env={"NEO4J_URI": ""})
    assert res.returncode != 0
    assert "--neo4j-uri" in res.stderr and "Traceback" not in res.stderr


def test_build_is_quiet_when_not_a_terminal(tmp_path, example_path):
    res = run_kg("build", example_path, "--out", tmp_path / "out", "--workers", "1")
    assert res.returncode == 0
    assert res.stderr == ""  # no progress bar, no log noise in a pipe
    for part in ("papers read: 6", "entities (per paper):", "relations (per paper):", "seconds:"):
        assert part in res.stdout


def test_readme_library_example_runs(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Library", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "papers.jsonl").write_bytes(
        (REPO / "examples" / "papers.jsonl").read_bytes()
    )
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    assert len(namespace["papers"]) == 6
    assert namespace["graph"].number_of_nodes() > 6
    assert namespace["summary"].papers_read == 6
    assert (tmp_path / "out" / "graph.html").exists()
