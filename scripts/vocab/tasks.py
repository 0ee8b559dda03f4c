"""Task names of the Hugging Face task taxonomy (read from the wheels, not imported).

- huggingface_hub: the task modules of ``huggingface_hub/inference/_generated/types`` (generated
  from the ``@huggingface/tasks`` specs; one module per pipeline tag, ``depth_estimation.py``),
  kept when their docstrings call it a task ("Outputs of inference for the Depth Estimation
  task");
- transformers: the pipeline tags of ``SUPPORTED_TASKS`` and ``TASK_ALIASES`` in
  ``transformers/pipelines/__init__.py`` ("zero-shot-audio-classification", "sentiment-analysis").

A tag is written in lower-case words ("depth-estimation" -> "depth estimation"); an "X-to-Y" tag
keeps its hyphens ("text-to-speech"). Type TASK. Tags that are not research tasks (guideline A1,
A2: "feature-extraction", "fill-mask", modality pairs such as "image-to-text") are listed in
``exclude.txt``; tags of one plain word ("translation") are dropped by the build.
"""

from __future__ import annotations

import ast
import re

from _common import Row, print_rows, read, source_tag, wheel

_TYPES = "huggingface_hub/inference/_generated/types/"


def tag_name(tag: str) -> str:
    """ "depth-estimation" -> "depth estimation"; "text-to-speech" stays; "vqa" -> "VQA"."""
    tag = tag.replace("_", "-")
    if "-" not in tag and len(tag) <= 4:
        return tag.upper()  # an abbreviation used as a tag ("vqa", "ner")
    parts = re.split(r"(-to-|zero-shot)", tag)
    return "".join(p if p in ("-to-", "zero-shot") else p.replace("-", " ") for p in parts)


def hub_rows() -> list[Row]:
    rows = []
    for name in sorted(wheel("huggingface_hub").namelist()):
        stem = name[len(_TYPES) : -3] if name.startswith(_TYPES) and name.endswith(".py") else ""
        if not stem or stem.startswith("_") or stem == "base":
            continue
        if re.search(r"\btask\b", read("huggingface_hub", name)):
            rows.append(Row(("TASK",), tag_name(stem), [], source_tag("huggingface_hub")))
    return rows


def transformers_rows() -> list[Row]:
    tree = ast.parse(read("transformers", "transformers/pipelines/__init__.py"))
    tags: list[str] = []
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") in (
            "SUPPORTED_TASKS",
            "TASK_ALIASES",
        ):
            value = ast.literal_eval(node.value) if node.targets[0].id == "TASK_ALIASES" else {}
            tags += [ast.literal_eval(k) for k in node.value.keys]  # type: ignore[attr-defined]
            aliases.update(value)
    rows = []
    for tag in sorted(tags):
        name, target = tag_name(tag), tag_name(aliases.get(tag, tag))
        if name.isupper() and _initials(target) == name.lower():
            continue  # "vqa" -> "visual-question-answering": an alias, added below
        extra = [tag_name(a) for a, t in sorted(aliases.items()) if t == tag]
        extra = [a for a in extra if a.isupper() and _initials(name) == a.lower()]
        rows.append(Row(("TASK",), name, extra, source_tag("transformers")))
    return rows


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name.lower()) if w)


def rows() -> list[Row]:
    return hub_rows() + transformers_rows()


if __name__ == "__main__":
    print_rows(rows())
