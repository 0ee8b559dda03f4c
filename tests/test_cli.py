"""The kg command line: help, exit codes, one-line errors, and the README in step with it."""

from __future__ import annotations

import os
import re
import shutil
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


# ------------------------------------------------------------------ issue 11: hostile input


def _one_line_error(res, code, *parts):
    """Assert ``res`` failed with ``code`` and exactly one ``kg: error:`` line naming ``parts``."""
    assert res.returncode == code, (res.returncode, res.stderr)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error:"), res.stderr
    assert "internal error" not in lines[0]
    for part in parts:
        assert part in lines[0], (part, lines[0])


def test_lone_surrogate_does_not_stop_the_build(tmp_path):
    """Regression: "\\ud800" in a title crashed the whole build (exit 70)."""
    src = write_jsonl(
        tmp_path / "s.jsonl",
        [
            '{"title": "Lone \\ud800 Surrogate", "abstract": "We train BERT on SQuAD.",'
            ' "authors": ["A \\udfff"]}',
            {"title": "Second Paper", "abstract": "We evaluate GPT-4 on MMLU."},
        ],
    )
    res = run_kg("build", src, "--out", tmp_path / "out", "--workers", "1")
    assert res.returncode == 0, res.stderr
    assert "papers read: 2" in res.stdout
    assert "Lone \ufffd Surrogate" in (tmp_path / "out" / "extractions.jsonl").read_text("utf-8")


def test_unclosed_csv_quote_is_reported_with_the_lines_it_took(tmp_path):
    rows = ["id,title,abstract"] + [
        f"{i},Paper {i},We train Model{i} on Data{i}." for i in range(9)
    ]
    rows[3] = '2,Paper 2,"We train Model2 on Data2.'
    src = tmp_path / "q.csv"
    src.write_text("\n".join(rows) + "\n")
    res = run_kg("build", src, "--out", tmp_path / "out", "--workers", "1")
    assert res.returncode == 0, res.stderr
    assert "papers read: 8" in res.stdout and "papers skipped: 1" in res.stdout
    assert "q.csv:4" in res.stdout and "lines 5-10" in res.stdout


@pytest.fixture
def built(tmp_path, example_build):
    """A private copy of the example build (links and all)."""
    out = tmp_path / "built"
    shutil.copytree(example_build[0], out, symlinks=True)
    return out


def _corrupt(out, name, data: bytes):
    """Replace one output of a build (through its link) with ``data``."""
    target = (out / name).resolve()
    target.unlink()
    target.write_bytes(data)


@pytest.mark.parametrize(
    "data",
    [b"{not json", b"[1, 2]", b"\xff\xfe", b""],
    ids=["json", "array", "utf8", "empty"],
)
def test_corrupt_manifest_under_update_is_one_line_exit_2(tmp_path, built, example_path, data):
    _corrupt(built, "manifest.json", data)
    res = run_kg("build", example_path, "--out", built, "--update", "--workers", "1")
    _one_line_error(res, 2, "manifest.json", "without --update")


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"{not json\n", 1),
        (b'{"paper": [], "entities": 5}\n', 1),
        (b"FIRST\n\xff\n", 2),
        (b'{"paper_id": "\\ud800"}\n', 1),
        (b"[" * 100_000 + b"\n", 1),
    ],
    ids=["json", "shape", "utf8", "surrogate", "deep"],
)
def test_corrupt_extractions_under_update_is_one_line_exit_2(
    tmp_path, built, example_path, data, line
):
    first = (built / "extractions.jsonl").read_bytes().split(b"\n")[0]
    _corrupt(built, "extractions.jsonl", data.replace(b"FIRST", first))
    res = run_kg("build", example_path, "--out", built, "--update", "--workers", "1")
    _one_line_error(res, 2, f"extractions.jsonl:{line}", "not a kg extraction")


GRAPHS = {
    "not-json": "{",
    "number": "5",
    "array": "[]",
    "nodes-int": '{"nodes": 5}',
    "no-kind": '{"directed": true, "multigraph": true, "graph": {}, "nodes": [{"id": "x"}],'
    ' "links": []}',
    "aliases-text": '{"directed": true, "multigraph": true, "graph": {}, "links": [], "nodes":'
    ' [{"id": "model:x", "kind": "Model", "name": "X", "label": "X", "aliases": "X"}]}',
    "claims-text": '{"directed": true, "multigraph": true, "graph": {}, "nodes": [{"id": "m:a",'
    ' "kind": "Model", "name": "A", "label": "A"}, {"id": "m:b", "kind": "Model", "name": "B",'
    ' "label": "B"}], "links": [{"source": "m:a", "target": "m:b", "key": "outperforms",'
    ' "claims": "x"}]}',
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
@pytest.mark.parametrize("cmd", ["html", "neo4j-push"])
def test_wrongly_shaped_graph_json_is_one_line_exit_2(tmp_path, cmd, name):
    folder = tmp_path / "g"
    folder.mkdir()
    (folder / "graph.json").write_text(GRAPHS[name])
    args = ["--neo4j-uri", "bolt://127.0.0.1:1"] if cmd == "neo4j-push" else []
    res = run_kg(cmd, folder, *args)
    _one_line_error(res, 2, "graph.json", "kg build")
    assert not (folder / "graph.html").exists()


@pytest.mark.parametrize(
    ("uri", "why"),
    [
        ("bolt://[::1", "Invalid IPv6 URL"),
        ("bolt://localhost:abc", "Port could not be cast"),
        ("bolt://localhost:99999", "Port out of range"),
        ("bolt://localhost:0", "port 0"),
        ("bolt://:7687", "no host"),
        ("http://localhost:7687", "use one of"),
    ],
)
def test_malformed_neo4j_uri_is_one_line_exit_5(tmp_path, built, example_path, uri, why):
    res = run_kg("neo4j-push", built, "--neo4j-uri", uri)
    _one_line_error(res, 5, "invalid Neo4j URI", why)
    res = run_kg("build", example_path, "--out", tmp_path / "o", "--neo4j-uri", uri)
    _one_line_error(res, 5, "invalid Neo4j URI", why)
    assert not (tmp_path / "o" / "graph.json").exists()  # refused before building
    res = run_kg("neo4j-push", built, env={"NEO4J_URI": uri})
    _one_line_error(res, 5, "invalid Neo4j URI")


def _file_size_limit(limit):
    """preexec_fn: files of the child may not grow past ``limit`` bytes (EFBIG on write)."""
    import resource
    import signal

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _run_limited(args, limit):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update({"PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"})
    return subprocess.run(
        [sys.executable, "-m", "kg", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=_file_size_limit(limit),
    )


def test_file_too_large_for_the_system_is_one_line_exit_3(tmp_path, built, example_path):
    """The system refusing a write (here RLIMIT_FSIZE: EFBIG) is an output error, not a bug;
    the earlier build is left whole and no staging folder is left behind."""

    def published():
        return {p: p.read_bytes() for p in built.iterdir() if p.is_file() and p.name[0] != "."}

    before = published()
    res = _run_limited(["build", example_path, "--out", built, "--workers", "1"], 100_000)
    _one_line_error(res, 3, "File too large", str(built))
    assert published() == before
    assert len([p for p in built.iterdir() if p.name.startswith(".kg-build-")]) == 1
    res = _run_limited(["extract", example_path, "-o", tmp_path / "x.jsonl"], 10_000)
    _one_line_error(res, 3, "File too large")
    assert not (tmp_path / "x.jsonl").exists()


ENOSPC_PROLOGUE = """
import errno, os, sys
import kg.build

def full(graph, out_dir, options, workers=1, names=None):
    path = os.path.join(out_dir, "graph.json")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

kg.build.export_graph = full
from kg.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_full_disk_is_one_line_exit_3(tmp_path, example_path):
    """ENOSPC from an exporter (simulated: the exporters raise it as a full disk would)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["PYTHONPATH"] = str(REPO)
    out = tmp_path / "out"
    res = subprocess.run(
        [sys.executable, "-c", ENOSPC_PROLOGUE, "build", str(example_path), "--out", str(out)]
        + ["--workers", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    _one_line_error(res, 3, "No space left on device", "free some space")
    assert [p.name for p in out.iterdir()] == [".kg-lock"]  # the staging folder is gone


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 256 KB tmpfs (root only, and only where mounting is allowed)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)])
    if res.returncode != 0:
        pytest.skip("this machine does not allow mounting a tmpfs")
    yield mnt
    subprocess.run(["umount", str(mnt)], check=False)


def test_really_full_disk_is_one_line_exit_3(tiny_tmpfs, example_path):
    res = run_kg("build", example_path, "--out", tiny_tmpfs / "out", "--workers", "1")
    _one_line_error(res, 3, "No space left on device")
    leftovers = [p.name for p in (tiny_tmpfs / "out").iterdir()]
    assert leftovers == [".kg-lock"]
