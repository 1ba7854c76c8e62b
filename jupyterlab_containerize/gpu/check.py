"""Checks before the build: will this CUDA run on the user's driver and GPUs?

The driver and devices come from the kernel's probe: the machine the notebook ran on.
"""

from __future__ import annotations

from ..spec import EnvironmentSpec
from . import compat
from .plan import GpuPlan, GpuWarning


def check_plan(spec: EnvironmentSpec, plan: GpuPlan) -> list[GpuWarning]:
    if plan.mode != "cuda" or not plan.cuda:
        return []
    warnings = _driver_warnings(spec.gpu.driver_version, plan.cuda)
    for device in spec.gpu.devices:
        if device.compute_capability:
            warnings += _arch_warnings(spec, device.name, device.compute_capability, plan.cuda)
    return warnings


def _driver_warnings(driver: str | None, cuda: str) -> list[GpuWarning]:
    if not driver:
        return []
    compat_min, toolkit_min = compat.min_driver_for(cuda)
    if not compat.at_least(driver, compat_min):
        return [
            GpuWarning(
                "driver-too-old",
                f"CUDA {cuda} needs NVIDIA driver >= {compat_min}; this machine has {driver}.",
                f"Upgrade the driver to >= {toolkit_min or compat_min}, or build for an older CUDA "
                f"(GPU: cuda:{_newest_cuda_for(driver) or '11.8'}).",
            )
        ]
    if not compat.at_least(driver, toolkit_min):
        return [
            GpuWarning(
                "driver-minor-compat",
                f"Driver {driver} runs CUDA {cuda} only through minor-version compatibility "
                f"(full support from {toolkit_min}); kernels compiled at run time (PTX JIT) may fail.",
                f"Upgrade the driver to >= {toolkit_min} if you see 'PTX JIT compilation failed'.",
            )
        ]
    return []


def _newest_cuda_for(driver: str) -> str | None:
    fits = [c for c, need in compat.data()["cuda_min_driver"].items() if compat.at_least(driver, need)]
    return max(fits, key=lambda c: tuple(int(n) for n in c.split("."))) if fits else None


def _arch_warnings(spec: EnvironmentSpec, gpu: str, cc: str, cuda: str) -> list[GpuWarning]:
    name = f"{gpu} ({compat.arch_name(cc)}, sm_{cc.replace('.', '')})"
    min_cuda, max_cuda = compat.arch_range(cc)
    if min_cuda and not compat.at_least(cuda, min_cuda):
        return [
            GpuWarning(
                "arch-unsupported",
                f"{name} needs CUDA >= {min_cuda}; this image uses CUDA {cuda}: it would fail with "
                "'no kernel image is available for execution on the device'.",
                f"Build with GPU cuda:{min_cuda} or newer (and a framework build for it).",
            )
        ]
    if max_cuda and not compat.at_least(max_cuda, cuda):
        return [
            GpuWarning(
                "arch-dropped",
                f"{name} is not supported by CUDA {cuda} (last supported by CUDA {max_cuda}).",
                f"Build with GPU cuda:{max_cuda}.",
            )
        ]
    return _torch_arch_warnings(spec, name, cc)


def _torch_arch_warnings(spec: EnvironmentSpec, name: str, cc: str) -> list[GpuWarning]:
    torch = spec.package("torch")
    if torch is None or not torch.version:
        return []
    key = compat.major_minor(cc)
    needed = compat.data()["torch_min_version_for_arch"].get(key)
    if needed and not compat.at_least(compat.major_minor(torch.version), needed):
        return [
            GpuWarning(
                "torch-arch-unsupported",
                f"torch {torch.version} has no kernels for {name}; it needs torch >= {needed}.",
                f"Upgrade torch to >= {needed} (a cu128 build) in the kernel and inspect again.",
            )
        ]
    for since, dropped in compat.data()["torch_dropped_archs"].items():
        if key in dropped and compat.at_least(compat.major_minor(torch.version), since):
            return [
                GpuWarning(
                    "torch-arch-dropped",
                    f"torch {torch.version} dropped {name} (from torch {since}).",
                    f"Use torch < {since} for this GPU.",
                )
            ]
    return []
