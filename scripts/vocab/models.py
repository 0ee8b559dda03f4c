"""Model and architecture names from transformers, timm and torchvision (read, not imported).

- transformers: ``MODEL_NAMES_MAPPING`` of ``models/auto/configuration_auto.py`` (model type ->
  display name, e.g. ``"roberta": "RoBERTa"``); class-like values ("CLIPTextModel") are skipped.
- timm: the families of the functions decorated ``@register_model`` (``resnet50`` -> ``resnet``),
  written as the module's own source writes them ("ResNet").
- torchvision.models: the public model classes of each architecture module (``AlexNet``,
  ``GoogLeNet``), again written as the module's docstrings write the family.

Typing (guideline rule 6): an architecture family is a technique (METHOD) that also names trained
artifacts (MODEL), so timm/torchvision families are ``METHOD|MODEL``; a transformers name that is
not such a family is ``MODEL`` (its checkpoints are downloadable trained models).
"""

from __future__ import annotations

import ast
import re
from collections import Counter

from _common import Row, best_form, display_forms, key, print_rows, prose, read, source_tag, wheel

# Values of MODEL_NAMES_MAPPING that are class names or wrappers, not model names.
_CLASSLIKE = re.compile(
    r"(Model|ForConditionalGeneration|ForCausalLM|Encoder|Backbone|Wrapper|Vision|Text|Audio)$"
    r"|_|Encoder decoder|Generation$"
)


def transformers_rows() -> list[Row]:
    tree = ast.parse(read("transformers", "transformers/models/auto/configuration_auto.py"))
    mapping: list[tuple[str, str]] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == (
            "MODEL_NAMES_MAPPING"
        ):
            mapping = [tuple(ast.literal_eval(e)) for e in node.value.args[0].elts]
    rows, seen = [], set()
    for model_type, display in mapping:
        if _CLASSLIKE.search(display) or key(display) in seen:
            continue
        seen.add(key(display))
        aliases = []
        if " " in display and "-" not in display:
            aliases.append(display.replace(" ", "-"))
        rows.append(Row(("MODEL",), display, aliases, source_tag("transformers")))
        del model_type
    return rows


# timm modules that hold the vision tower of a language model family ("Qwen3 Vision
# Transformer"): the family is that of the language model, not a vision architecture.
_VISION_TOWERS = frozenset({"gemma", "qwen", "deepseek"})
_SOURCE_PREFIXES = ("tf_", "legacy_", "dm_", "gluon_", "tv_", "ig_", "ssl_", "swsl_", "eca_")


def _family(fn: str) -> str:
    for p in _SOURCE_PREFIXES:
        if fn.startswith(p):
            fn = fn[len(p) :]
    m = re.match(r"[a-z]+(?:v\d)?", fn)
    return m.group(0) if m else ""


def timm_rows() -> list[Row]:
    z = wheel("timm")
    rows = []
    for name in sorted(z.namelist()):
        if not (name.startswith("timm/models/") and name.endswith(".py") and name.count("/") == 2):
            continue
        src = read("timm", name)
        tree = ast.parse(src)
        fams = Counter(
            _family(f.name)
            for f in tree.body
            if isinstance(f, ast.FunctionDef)
            and any(getattr(d, "id", "") == "register_model" for d in f.decorator_list)
        )
        for fam in sorted(fams):
            if len(fam) < 3:
                continue
            form = best_form(display_forms(fam, prose(src), max_words=2))
            if form and fam not in _VISION_TOWERS:
                rows.append(Row(("METHOD", "MODEL"), form, [], source_tag("timm")))
    return rows


_TV_MODULES = (
    "alexnet convnext densenet efficientnet googlenet inception maxvit mnasnet mobilenetv2 "
    "mobilenetv3 regnet resnet shufflenetv2 squeezenet swin_transformer vgg vision_transformer "
    "detection/faster_rcnn detection/fcos detection/keypoint_rcnn detection/mask_rcnn "
    "detection/retinanet detection/ssd detection/ssdlite optical_flow/raft "
    "segmentation/deeplabv3 segmentation/fcn segmentation/lraspp video/mvit video/s3d"
).split()


def torchvision_rows() -> list[Row]:
    rows = []
    for mod in _TV_MODULES:
        src = read("torchvision", f"torchvision/models/{mod}.py")
        tree = ast.parse(src)
        exported: list[str] = []
        for node in tree.body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
                exported = list(ast.literal_eval(node.value))
        builders = [n for n in exported if n[:1].islower() and "weights" not in n.lower()]
        fams = Counter(_family(b) for b in builders)
        for fam in sorted(fams):
            if len(fam) < 3:
                continue
            form = best_form(display_forms(fam, prose(src), max_words=3))
            if form:
                rows.append(Row(("METHOD", "MODEL"), form, [], source_tag("torchvision")))
    return rows


def rows() -> list[Row]:
    return transformers_rows() + timm_rows() + torchvision_rows()


if __name__ == "__main__":
    print_rows(rows())
