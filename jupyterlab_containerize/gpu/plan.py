"""Choose how an image gets CUDA, from what the kernel actually used.

torch and jax ship CUDA inside their wheels: a slim Python base is enough (no CUDA installed twice).
tensorflow (without its nvidia-* wheels), cupy and a bare `--gpu cuda` need system CUDA: an
nvidia/cuda runtime base (never devel), with the kernel's Python installed into it.
A CPU image drops nvidia-* wheels and CUDA local versions, and can take PyTorch's CPU wheels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, Optional

from packaging.utils import canonicalize_name

from ..errors import InvalidRequest
from ..spec import EnvironmentSpec
from . import compat

WHEEL_CUDA_FRAMEWORKS = {"torch", "jax"}
TORCH_INDEX = "https://download.pytorch.org/whl/{flavour}"


@dataclass
class GpuWarning:
    code: str
    message: str
    fix: str = ""


@dataclass
class GpuPlan:
    mode: Literal["cpu", "cuda"] = "cpu"
    cuda: Optional[str] = None
    base_image: Optional[str] = None  # None: the default slim Python image stays
    reason: str = ""
    install_python: bool = False  # the base has no (or another) Python: uv installs the kernel's
    drop_packages: list[str] = field(default_factory=list)
    pin_overrides: dict[str, str] = field(default_factory=dict)  # canonical name -> version
    extra_index_urls: list[str] = field(default_factory=list)
    run_args: list[str] = field(default_factory=list)
    start_check: bool = False
    min_driver: Optional[str] = None
    warnings: list[GpuWarning] = field(default_factory=list)


def parse_gpu_option(option: str) -> tuple[str, Optional[str]]:
    """'none' | 'auto' | 'cuda' | 'cuda:12.1' -> (mode, cuda)."""
    match = re.fullmatch(r"(none|cpu|auto|cuda)(?::(\d+(?:\.\d+)?))?", (option or "auto").strip().lower())
    if not match or (match.group(2) and match.group(1) != "cuda"):
        raise InvalidRequest(
            f"--gpu {option!r} is not understood.", hint="Use none, auto, cuda or cuda:X.Y (for example cuda:12.1)."
        )
    mode = "none" if match.group(1) == "cpu" else match.group(1)
    return mode, match.group(2)


def uses_gpu(spec: EnvironmentSpec) -> bool:
    return (
        any(f.cuda for f in spec.gpu.frameworks)
        or bool(spec.gpu.cuda_wheels)
        or any("nvidia-wheel" in p.portability or "cuda-local-version" in p.portability for p in spec.packages)
    )


def plan_gpu(spec: EnvironmentSpec, option: str = "auto", cpu_wheels: bool = False) -> GpuPlan:
    mode, wanted_cuda = parse_gpu_option(option)
    if mode == "none" or (mode == "auto" and not uses_gpu(spec)):
        return _cpu_plan(spec, cpu_wheels)
    return _cuda_plan(spec, wanted_cuda)


def _cpu_plan(spec: EnvironmentSpec, cpu_wheels: bool) -> GpuPlan:
    plan = GpuPlan(mode="cpu", reason="CPU image: no CUDA base.")
    family = set(compat.data()["torch_family"])
    for package in spec.packages:
        name = canonicalize_name(package.name)
        if "nvidia-wheel" in package.portability or re.fullmatch(r"jax-cuda\d+-(plugin|pjrt)", name):
            plan.drop_packages.append(name)
        elif name == "triton" and cpu_wheels:
            plan.drop_packages.append(name)  # only CUDA builds of torch need it
        elif package.version and name in family and cpu_wheels:
            plan.pin_overrides[name] = f"{_public(package.version)}+cpu"
        elif package.version and "cuda-local-version" in package.portability:
            plan.pin_overrides[name] = _public(package.version)
        if name.startswith("cupy-cuda"):
            plan.warnings.append(
                GpuWarning(
                    "cupy-needs-gpu",
                    f"{package.name} needs a GPU at run time; it will fail to import in a CPU image.",
                    "Build with GPU cuda, or replace cupy with numpy for the CPU image.",
                )
            )
    if cpu_wheels and any(n in family for n in plan.pin_overrides):
        plan.extra_index_urls.append(compat.data()["torch_cpu_index"])
        plan.reason = "CPU image with PyTorch's CPU wheels (no CUDA libraries: a much smaller image)."
    elif plan.drop_packages:
        plan.reason = "CPU image: the kernel's CUDA wheels are dropped."
    return plan


def _cuda_plan(spec: EnvironmentSpec, wanted: Optional[str]) -> GpuPlan:
    frameworks = [f for f in spec.gpu.frameworks if f.cuda]
    has_cuda_wheels = bool(spec.gpu.cuda_wheels) or any("nvidia-wheel" in p.portability for p in spec.packages)
    detected = _detected_cuda(frameworks)
    cuda = compat.normalize_cuda(wanted) or detected or "12.4"
    plan = GpuPlan(mode="cuda", cuda=cuda, run_args=["--gpus", "all"], start_check=True)
    plan.min_driver = compat.min_driver_for(cuda)[0]
    _retarget_torch(spec, plan, wanted)
    system_cuda = [f.name for f in frameworks if f.name not in WHEEL_CUDA_FRAMEWORKS]
    # tensorflow[and-cuda] and cupy with nvidia-* wheels carry CUDA too; a bare `--gpu cuda` does not
    if (frameworks or has_cuda_wheels) and (not system_cuda or has_cuda_wheels):
        names = ", ".join(sorted({f.name for f in frameworks}))
        plan.reason = f"{names} ship CUDA {cuda} in their wheels: slim Python base, no CUDA base image."
        return plan
    image = compat.runtime_image_for(cuda)
    if image is None:
        raise InvalidRequest(
            f"No CUDA runtime image is known for CUDA {cuda}.",
            hint=f"Choose one of: {', '.join(sorted(compat.data()['cuda_runtime_images']))}.",
        )
    plan.base_image, plan.install_python = image, True
    who = ", ".join(system_cuda) if system_cuda else "GPU cuda with no GPU framework"
    plan.reason = f"{who} need{'s' if len(system_cuda) < 2 else ''} system CUDA: {image} (runtime, not devel)."
    return plan


def _detected_cuda(frameworks: list) -> Optional[str]:
    for name in ("tensorflow", "torch", "cupy", "jax"):
        for framework in frameworks:
            if framework.name == name and framework.cuda:
                return compat.normalize_cuda(framework.cuda.replace(".x", ""))
    return None


def _retarget_torch(spec: EnvironmentSpec, plan: GpuPlan, wanted: Optional[str]) -> None:
    """Pin torch to the build for the plan's CUDA; +cuXYZ wheels live on PyTorch's own index."""
    torch = spec.package("torch")
    if torch is None or not torch.version or plan.cuda is None:
        return
    builds = compat.torch_builds(torch.version)
    local = compat.normalize_cuda(torch.version.split("+", 1)[1]) if "+cu" in torch.version else None
    target = compat.normalize_cuda(wanted) if wanted else local
    if wanted and builds and target not in builds:
        plan.warnings.append(
            GpuWarning(
                "no-torch-build",
                f"torch {_public(torch.version)} has no CUDA {target} build (it has {', '.join(builds)}).",
                f"Choose GPU cuda:{builds[-1]}, or upgrade torch in the kernel and inspect again.",
            )
        )
        return
    if target and (wanted or local):
        flavour = "cu" + target.replace(".", "")
        plan.pin_overrides["torch"] = f"{_public(torch.version)}+{flavour}"
        for sibling in ("torchvision", "torchaudio"):
            package = spec.package(sibling)
            if package and package.version:
                plan.pin_overrides[sibling] = f"{_public(package.version)}+{flavour}"
        plan.extra_index_urls.append(TORCH_INDEX.format(flavour=flavour))
        plan.cuda = target
        plan.min_driver = compat.min_driver_for(target)[0]


def _public(version: str) -> str:
    return version.split("+", 1)[0]
