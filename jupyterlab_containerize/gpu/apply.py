"""The GPU plan applied to a build: the spec's pins, the image's CUDA settings, the warnings."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

from ..spec import EnvironmentSpec
from .check import check_plan
from .plan import GpuPlan, plan_gpu

# Image env that tells the NVIDIA runtime and the start check what this image needs.
CUDA_ENV = "CONTAINERIZE_CUDA"


@dataclass
class GpuBuild:
    spec: EnvironmentSpec
    plan: GpuPlan
    warnings: list[str] = field(default_factory=list)


def apply_gpu(spec: EnvironmentSpec, option: str = "auto", cpu_wheels: bool = False) -> GpuBuild:
    """A copy of the spec with CUDA wheels dropped or retargeted, and the image env for CUDA images."""
    plan = plan_gpu(spec, option, cpu_wheels)
    warnings = [f"{w.message} Fix: {w.fix}" if w.fix else w.message for w in plan.warnings + check_plan(spec, plan)]
    adjusted = copy.deepcopy(spec)
    kept = []
    for package in adjusted.packages:
        name = canonicalize_name(package.name)
        if name in plan.drop_packages:
            continue
        if name in plan.pin_overrides:
            package.version = plan.pin_overrides[name]
        kept.append(package)
    adjusted.packages = kept
    if plan.mode == "cuda" and plan.cuda:
        adjusted.env.update(
            {
                CUDA_ENV: plan.cuda,
                "CONTAINERIZE_MIN_DRIVER": plan.min_driver or "",
                "NVIDIA_VISIBLE_DEVICES": "all",
                "NVIDIA_DRIVER_CAPABILITIES": "compute,utility",
            }
        )
    return GpuBuild(spec=adjusted, plan=plan, warnings=warnings)


def base_override_warning(base: str | None, plan: GpuPlan) -> list[str]:
    """The user's --base wins; say so when the GPU plan wanted a CUDA runtime base instead."""
    if base and plan.base_image and base != plan.base_image:
        return [
            f"The base image {base} replaces {plan.base_image}, which the GPU plan chose: the image needs CUDA "
            f"{plan.cuda} libraries, so make sure {base} has them."
        ]
    return []


def wants_gpu_check(spec: EnvironmentSpec) -> bool:
    return bool(spec.env.get(CUDA_ENV))
