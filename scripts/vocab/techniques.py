"""Training and adaptation technique names from trl, peft and imitation (read, not imported).

- trl: the ``*Trainer`` classes (``trl/trainer`` and ``trl/experimental``). A trainer names its
  method in its docstring ("Trainer for Direct Preference Optimization (DPO) method." ->
  "Direct Preference Optimization" with alias "DPO"); a trainer whose docstring gives no long
  form is named as its module's prose writes the class prefix ("ORPO", "Online DPO"). Also the
  method names the docstrings link to their paper with (``[SimPO](https://huggingface.co/
  papers/...)``): one to four capitalised words without a digit (a digit marks a model's
  version, "Skywork-OR1"), " paper" dropped, paper titles skipped.
- peft: the members of ``PeftType`` (``peft/utils/peft_types.py``), written as the prose of their
  ``peft/tuners/<member>`` folder writes them ("LORA" -> "LoRA", "PREFIX_TUNING" -> "prefix
  tuning"), with the long forms the folder's docstrings define ("Low Rank Adapter (LoRA)").
- imitation: the algorithm modules of ``imitation/algorithms``: the long forms their module and
  class docstrings define ("Adversarial Inverse Reinforcement Learning (AIRL)"), or the module
  name as its prose writes it ("dagger" -> "DAgger").

Everything here is a technique: METHOD (guideline rule 6, A1).
"""

from __future__ import annotations

import ast
import re
from collections import Counter

from _common import (
    Row,
    best_form,
    defined_abbreviations,
    display_forms,
    key,
    print_rows,
    prose,
    read,
    source_tag,
    wheel,
)

METHOD = ("METHOD",)
# trl trainers that are not one named method: generic distillation, reward modeling.
_TRL_GENERIC = frozenset({"distillation", "serverdistillation", "reward", "base"})
_PAPER_LINK = re.compile(r"\[([^\]\[]{2,80})\]\(https://huggingface\.co/papers/[0-9.]+\)")
_FORM = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+'/ -]*")
_LINK_NAME = re.compile(r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}")


def _first_paragraph(node: ast.AST) -> str:
    return (ast.get_docstring(node) or "").split("\n\n")[0].replace("\n", " ")  # type: ignore[arg-type]


def _named(forms: Counter) -> str | None:
    """The most frequent usable form, lower-case allowed for multi-word names ("prefix tuning")."""
    usable = Counter({f: n for f, n in forms.items() if _FORM.fullmatch(f)})
    if not usable:
        return None
    mixed = [f for f in usable if f != f.upper() and f != f.lower()]
    if mixed:  # "RandLoRA" over "RandLora", "VeRA" over "Vera": the most capitals, then frequency
        return sorted(mixed, key=lambda f: (-sum(c.isupper() for c in f), -usable[f], f))[0]
    named = best_form(usable)
    if named:
        return named
    form, _ = sorted(usable.items(), key=lambda x: (-x[1], x[0]))[0]
    return form if " " in form or "-" in form else None


def pair_row(long: str, short: str, pkg: str) -> Row:
    """A long form and its short form: a coined mixed-case short form ("DoRA") is the official
    name (guideline rule 1), an all-caps abbreviation ("DPO") is the long form's alias."""
    if short != short.upper():
        return Row(METHOD, short, [long], source_tag(pkg))
    return Row(METHOD, long, [short], source_tag(pkg))


def link_names(text: str) -> list[Row]:
    """Method names linked to their paper: ``[SimPO](https://huggingface.co/papers/...)``."""
    rows = []
    for m in _PAPER_LINK.finditer(text):
        name = re.sub(r" (?:paper|tech report)$", "", m.group(1).strip())
        pairs = defined_abbreviations(name)
        if pairs:
            rows.append(pair_row(*pairs[0], "trl"))
        elif _LINK_NAME.fullmatch(name) and not re.search(r"\d", name):
            rows.append(Row(METHOD, name, [], source_tag("trl")))
    return rows


def trl_rows() -> list[Row]:
    files = sorted(n for n in wheel("trl").namelist() if n.endswith("_trainer.py"))
    rows, seen = [], set()
    for name in files:
        src = read("trl", name)
        text = prose(src)
        config = name.replace("_trainer.py", "_config.py")
        if config in wheel("trl").namelist():
            text += "\n" + prose(read("trl", config))
        for cls in ast.parse(src).body:
            if not (isinstance(cls, ast.ClassDef) and cls.name.endswith("Trainer")):
                continue
            prefix = re.sub(r"^Async|^_|Trainer$", "", cls.name)
            pk = key(prefix)
            if pk in _TRL_GENERIC or pk in seen or len(pk) < 3:
                continue
            pairs = [
                p
                for p in defined_abbreviations(_first_paragraph(cls)) + defined_abbreviations(text)
                if key(p[1]) == pk
            ]
            if pairs:
                rows.append(pair_row(*pairs[0], "trl"))
                seen.add(pk)
                continue
            form = best_form(display_forms(pk, text))
            if form:
                rows.append(Row(METHOD, form, [], source_tag("trl")))
                seen.add(pk)
    all_prose = "\n".join(
        prose(read("trl", n)) for n in sorted(wheel("trl").namelist()) if n.endswith(".py")
    )
    return rows + link_names(all_prose)


def _peft_members() -> list[str]:
    tree = ast.parse(read("peft", "peft/utils/peft_types.py"))
    for cls in tree.body:
        if isinstance(cls, ast.ClassDef) and cls.name == "PeftType":
            return [
                n.targets[0].id
                for n in cls.body
                if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
            ]
    return []


def peft_rows() -> list[Row]:
    names = wheel("peft").namelist()
    rows = []
    for member in _peft_members():
        folder = f"peft/tuners/{member.lower()}/"
        files = sorted(n for n in names if n.startswith(folder) and n.endswith(".py"))
        if not files:
            continue
        sources = [read("peft", f) for f in files]
        text = "\n".join(prose(s) for s in sources)
        mk = key(member)
        form = _named(display_forms(mk, text))
        longs = []
        for src in sources:
            for cls in ast.walk(ast.parse(src)):
                if isinstance(cls, ast.ClassDef):
                    longs += [lf for lf, sf in defined_abbreviations(_first_paragraph(cls))
                              if key(sf) == mk and lf not in longs]  # fmt: skip
        if form:
            rows.append(Row(METHOD, form, longs, source_tag("peft")))
    return rows


_IMITATION_SKIP = ("__init__.py", "base.py", "common.py")


def imitation_rows() -> list[Row]:
    rows = []
    for name in sorted(wheel("imitation").namelist()):
        if not (name.startswith("imitation/algorithms/") and name.endswith(".py")):
            continue
        if name.endswith(_IMITATION_SKIP):
            continue
        src = read("imitation", name)
        tree = ast.parse(src)
        stem = name.rsplit("/", 1)[1][:-3]
        classes = [c for c in tree.body if isinstance(c, ast.ClassDef) and c.name[:1] != "_"]
        keys = {key(stem)} | {key(c.name) for c in classes}
        longs: list[str] = []
        short = ""
        for node in [*classes, tree]:
            for lf, sf in defined_abbreviations(_first_paragraph(node)):
                if key(sf) in keys and lf not in longs:
                    longs.append(lf)
                    short = sf
        if longs:
            aliases = longs[1:] + ([short] if len(key(short)) >= 3 else [])
            rows.append(Row(METHOD, longs[0], aliases, source_tag("imitation")))
            continue
        form = best_form(display_forms(key(stem), prose(src)))
        if form:
            rows.append(Row(METHOD, form, [], source_tag("imitation")))
    return rows


def rows() -> list[Row]:
    return trl_rows() + peft_rows() + imitation_rows()


if __name__ == "__main__":
    print_rows(rows())
