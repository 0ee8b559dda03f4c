"""Diffusion technique names from diffusers (read from the wheel, not imported).

- Schedulers: each ``diffusers/schedulers/scheduling_*.py`` ``*Scheduler`` class names a sampler
  (DDIM, DDPM, DPM-Solver, UniPC ...): the class name without "Scheduler" and its variant words
  (Multistep, Discrete, Ancestral, Parallel, Inverse ...), written as the module's prose writes
  it, with the long form the prose defines ("denoising diffusion probabilistic models (DDPMs)").
  METHOD: a sampling algorithm is a technique.
- Technique pipelines and loaders: a short reviewed list of diffusers modules that implement a
  published technique on top of a base model (ControlNet, T2I-Adapter, IP-Adapter, textual
  inversion, InstructPix2Pix, perturbed-attention guidance ...), each named as its module's
  prose writes it. Adapters and edited models are techniques that also name trained weights,
  so they are METHOD|MODEL (guideline rule 6); a guidance or training recipe is METHOD.

Only forms written like a name are kept (two capitals, a hyphen or a digit, or several words):
"Euler" or "Heun" alone are people's names.
"""

from __future__ import annotations

import re

from _common import (
    Row,
    defined_abbreviations,
    display_forms,
    key,
    print_rows,
    prose,
    read,
    source_tag,
    wheel,
)
from estimators import name_like

_VARIANT = re.compile(
    r"(Multistep|Singlestep|Discrete|Ancestral|Parallel|Inverse|Wuerstchen|CogVideoX|Cosine"
    r"|FlowMatch|FlowMap|Stochastic|Iterative|SDE|RF)"
)
#: module -> (class-name key it implements, types). Reviewed: modules of a published technique.
TECHNIQUE_MODULES = {
    "diffusers/pipelines/controlnet/pipeline_controlnet.py": ("controlnet", ("METHOD", "MODEL")),
    "diffusers/pipelines/t2i_adapter/pipeline_stable_diffusion_adapter.py": (
        "t2iadapter",
        ("METHOD", "MODEL"),
    ),
    "diffusers/loaders/ip_adapter.py": ("ipadapter", ("METHOD", "MODEL")),
    "diffusers/loaders/textual_inversion.py": ("textualinversion", ("METHOD",)),
    "diffusers/pipelines/stable_diffusion/pipeline_stable_diffusion_instruct_pix2pix.py": (
        "instructpix2pix",
        ("METHOD", "MODEL"),
    ),
    "diffusers/pipelines/pag/pipeline_pag_sd.py": ("perturbedattentionguidance", ("METHOD",)),
    "diffusers/pipelines/animatediff/pipeline_animatediff.py": ("animatediff", ("METHOD", "MODEL")),
    "diffusers/pipelines/ledits_pp/pipeline_leditspp_stable_diffusion.py": (
        "leditspp",
        ("METHOD",),
    ),
    "diffusers/pipelines/latent_consistency_models/pipeline_latent_consistency_text2img.py": (
        "latentconsistencymodel",
        ("METHOD", "MODEL"),
    ),
}


_WRITTEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+ -]*[A-Za-z0-9+]")


def written_forms(target: str, text: str) -> list[str]:
    """The name-like forms of ``target`` in ``text`` (a plural "DDPMs" counts as "DDPM"), the
    one written for people first: with a hyphen or space ("DPM-Solver" over "DPMSolver")."""
    forms = display_forms(target, text)
    for f, n in display_forms(target + "s", text).items():
        if f.endswith("s") and f[:-1] != f[:-1].lower():
            forms[f[:-1]] += n
    named = [f for f in forms if f != f.lower() and name_like(f) and _WRITTEN.fullmatch(f)]
    return sorted(named, key=lambda f: ("-" not in f, " " not in f, -forms[f], f))


def scheduler_base(cls: str) -> str:
    """ "DPMSolverMultistepScheduler" -> "DPMSolver"; "CogVideoXDDIMScheduler" -> "DDIM"."""
    return _VARIANT.sub("", re.sub(r"Scheduler$", "", cls))


def scheduler_rows() -> list[Row]:
    rows, seen = [], set()
    for name in sorted(wheel("diffusers").namelist()):
        if not re.fullmatch(r"diffusers/schedulers/scheduling_\w+\.py", name):
            continue
        src = read("diffusers", name)
        text = prose(src)
        for cls in re.findall(r"^class (\w+Scheduler)\b", src, re.M):
            bk = key(scheduler_base(cls))
            if len(bk) < 3 or bk in seen:
                continue
            forms = written_forms(bk, text)
            if not forms:
                continue
            seen.add(bk)
            longs = [lf for lf, sf in defined_abbreviations(text) if key(sf) == bk]
            rows.append(Row(("METHOD",), forms[0], forms[1:] + longs[:1], source_tag("diffusers")))
    return rows


def technique_rows() -> list[Row]:
    rows = []
    names = set(wheel("diffusers").namelist())
    for module, (target, types) in TECHNIQUE_MODULES.items():
        if module not in names:
            raise SystemExit(f"diffusers has no {module}: review TECHNIQUE_MODULES")
        text = prose(read("diffusers", module))
        forms = display_forms(target, text) + display_forms(target + "s", text)
        form = next(iter(written_forms(target, text)), None) or next(
            (lf for lf, _ in defined_abbreviations(text) if key(lf) == target), None
        )
        if form is None:  # lower-case technique names ("textual inversion") as written
            form = max(sorted(forms), key=forms.get) if forms else None
        if form:
            short = [sf for lf, sf in defined_abbreviations(text) if key(lf) == key(form)]
            rows.append(Row(types, form, short[:1], source_tag("diffusers")))
    return rows


def rows() -> list[Row]:
    return scheduler_rows() + technique_rows()


if __name__ == "__main__":
    print_rows(rows())
