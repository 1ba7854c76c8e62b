"""The lock as Binder's requirements.txt: exact pins, rewritten for a linux/amd64 machine with no GPU."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Optional

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..render.quoting import requirements_text
from ..render.requirements import requirement_line
from ..spec import EnvironmentSpec, Package
from ..validate import safe_requirement, safe_version

# jax's CUDA plugins carry no portability mark in the lock; jax runs on the CPU without them.
_JAX_CUDA_PLUGIN = re.compile(r"jax-cuda\d+-(plugin|pjrt)")


@dataclass
class BinderRequirements:
    lines: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # "name==version (why)"
    relaxed: list[str] = field(default_factory=list)  # "name: 2.1.0+cu121 -> 2.1.0"
    local: list[Package] = field(default_factory=list)  # installed from a folder: no index has them

    def text(self, header: str) -> str:
        return requirements_text(self.lines, header)


def binder_requirements(spec: EnvironmentSpec) -> BinderRequirements:
    """Pins in a stable order; CUDA wheels and platform-only packages left out, local versions cut."""
    reqs = BinderRequirements()
    for pkg in sorted(spec.packages, key=lambda p: canonicalize_name(p.name)):
        why = drop_reason(pkg)
        if why:
            reqs.dropped.append(f"{pkg.name}=={pkg.version} ({why})")
            continue
        cpu = cpu_package(pkg)
        if cpu.version != pkg.version:
            reqs.relaxed.append(f"{pkg.name}: {pkg.version} -> {cpu.version}")
        line = requirement_line(cpu)
        if line is None:
            reqs.local.append(pkg)
        else:
            reqs.lines.append(safe_requirement(line))
    return reqs


def drop_reason(pkg: Package) -> Optional[str]:
    """Why a pin has no place on a CPU-only Linux machine, or None to keep it."""
    if "nvidia-wheel" in pkg.portability:
        return "NVIDIA CUDA wheel; Binder has no GPU"
    if _JAX_CUDA_PLUGIN.fullmatch(canonicalize_name(pkg.name)):
        return "jax CUDA plugin; Binder has no GPU, jax uses the CPU"
    if "platform-only" in pkg.portability:
        return "only for the kernel's operating system"
    return None


def cpu_package(pkg: Package) -> Package:
    """The same pin without a +cuXXX / +rocm / +cpu local version, which PyPI never serves."""
    marks = {"cuda-local-version", "cpu-local-version"}
    if not pkg.version or not marks.intersection(pkg.portability):
        return pkg
    return replace(pkg, version=public_version(pkg.version))


def public_version(version: str) -> str:
    return Version(safe_version(version)).public

