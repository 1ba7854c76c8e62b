"""The lock: the dependency closure of the distributions the notebook uses, pinned to what is installed."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from packaging.markers import InvalidMarker, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..spec import Package, PackageSource, PortabilityMark, Problem
from .known_names import DEV_EXTRAS

EXTRA_NAME = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
PLATFORM_ONLY = {"pywin32", "pywinpty", "appnope", "pyobjc", "pyobjc-core", "wmi", "comtypes"}


@dataclass
class InstalledIndex:
    """The probe's distributions, by canonical name."""

    by_name: dict[str, dict[str, Any]]
    marker_environment: dict[str, str]

    @classmethod
    def from_probe(cls, probe: dict[str, Any]) -> InstalledIndex:
        by_name: dict[str, dict[str, Any]] = {}
        for dist in probe.get("distributions", []):
            by_name.setdefault(canonicalize_name(dist["name"]), dist)
        return cls(by_name=by_name, marker_environment=dict(probe.get("marker_environment", {})))

    def get(self, name: str) -> Optional[dict[str, Any]]:
        return self.by_name.get(canonicalize_name(name))


@dataclass
class Closure:
    """Canonical name -> (why it is there, who requires it)."""

    reasons: dict[str, str] = field(default_factory=dict)
    required_by: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def dependency_closure(roots: dict[str, str], index: InstalledIndex) -> Closure:
    """Walk Requires-Dist from `roots` (canonical name -> reason), evaluating markers as the kernel would."""
    closure = Closure()
    queue: deque[tuple[str, frozenset[str]]] = deque()
    for name, reason in roots.items():
        if index.get(name) is not None:
            closure.reasons[name] = reason
            closure.required_by.setdefault(name, set())
            queue.append((name, frozenset()))
    visited: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, extras = queue.popleft()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        dist = index.get(name)
        if dist is None:
            continue
        for line in dist.get("requires") or []:
            requirement = _requirement(line)
            if requirement is None or not _marker_applies(requirement, extras, index.marker_environment):
                continue
            target = canonicalize_name(requirement.name)
            if index.get(target) is None:
                if not _is_extra_only(requirement):
                    closure.problems.append(
                        Problem(
                            kind="missing-dependency",
                            message=(
                                f"{dist['name']} requires {requirement} but it is not installed "
                                f"in the kernel's environment; "
                                "the image may need it. Install it in the kernel and inspect again."
                            ),
                        )
                    )
                continue
            closure.reasons.setdefault(target, "dependency")
            closure.required_by.setdefault(target, set()).add(dist["name"])
            queue.append((target, frozenset(canonicalize_name(e) for e in requirement.extras)))
    return closure


def installed_extras(name: str, index: InstalledIndex) -> list[str]:
    """Distributions a package's optional extras name that are installed beside it.

    pandas imports openpyxl, scipy or pyarrow only when a call needs them; if the kernel's
    environment has them, the notebook may have used them. Developer extras (tests, docs) are skipped.
    """
    return sorted(installed_extra_members(name, index))


def installed_extra_members(name: str, index: InstalledIndex) -> dict[str, list[str]]:
    """Installed distribution -> the (non-developer) extras of `name` that name it."""
    dist = index.get(name)
    if dist is None:
        return {}
    found: dict[str, list[str]] = {}
    for line in dist.get("requires") or []:
        requirement = _requirement(line)
        if requirement is None or requirement.marker is None:
            continue
        user_extras = [e for e in EXTRA_NAME.findall(str(requirement.marker)) if not DEV_EXTRAS.fullmatch(e)]
        applying = [e for e in user_extras if _marker_applies(requirement, frozenset([e]), index.marker_environment)]
        target = canonicalize_name(requirement.name)
        if applying and index.get(target) is not None and target != canonicalize_name(name):
            extras = found.setdefault(target, [])
            extras.extend(e for e in applying if e not in extras)
    return found


@lru_cache(maxsize=8192)
def _requirement(line: str) -> Optional[Requirement]:
    """Parsed once per process: the same Requires-Dist lines come back for every closure."""
    try:
        return Requirement(line)
    except InvalidRequirement:
        return None


def _marker_applies(requirement: Requirement, extras: frozenset[str], env: dict[str, str]) -> bool:
    if requirement.marker is None:
        return True
    try:
        if requirement.marker.evaluate({**env, "extra": ""}):
            return True
        return any(requirement.marker.evaluate({**env, "extra": extra}) for extra in extras)
    except (InvalidMarker, UndefinedEnvironmentName):
        return False


def _is_extra_only(requirement: Requirement) -> bool:
    return requirement.marker is not None and "extra" in str(requirement.marker)


def package_record(dist: dict[str, Any], reason: str, required_by: set[str], imported_as: list[str]) -> Package:
    source = package_source(dist.get("direct_url"))
    return Package(
        name=dist["name"],
        version=dist["version"],
        reason=reason,  # type: ignore[arg-type]
        required_by=sorted(required_by),
        imported_as=sorted(imported_as),
        installer=dist.get("installer"),
        source=source,
        requires_python=dist.get("requires_python"),
        portability=portability_marks(dist["name"], dist["version"]),
        reproducible=source.kind not in ("local", "editable"),
    )


def package_source(direct_url: Optional[dict[str, Any]]) -> PackageSource:
    """PEP 610's direct_url.json -> where the distribution came from."""
    if not direct_url:
        return PackageSource(kind="index")
    url = direct_url.get("url")
    if "vcs_info" in direct_url:
        vcs = direct_url["vcs_info"]
        return PackageSource(kind="vcs", url=url, commit=vcs.get("commit_id"), vcs=vcs.get("vcs"))
    if "dir_info" in direct_url:
        editable = bool(direct_url["dir_info"].get("editable"))
        path = url[len("file://") :] if url and url.startswith("file://") else None
        return PackageSource(kind="editable" if editable else "local", url=url, path=path)
    if url and url.startswith("file://"):
        return PackageSource(kind="local", url=url, path=url[len("file://") :])
    return PackageSource(kind="url", url=url)


def portability_marks(name: str, version: str) -> list[PortabilityMark]:
    marks: list[PortabilityMark] = []
    local = _local_version(version)
    if local and (local.startswith("cu") or local.startswith("rocm")):
        marks.append("cuda-local-version")
    elif local == "cpu":
        marks.append("cpu-local-version")
    canonical = canonicalize_name(name)
    # CUDA-only wheels: nvidia-*-cuXX libraries and jax's CUDA plugins
    if (
        canonical.startswith("nvidia-")
        and canonical.rsplit("-", 1)[-1].startswith("cu")
        or re.fullmatch(r"jax-cuda\d+-(plugin|pjrt)", canonical)
    ):
        marks.append("nvidia-wheel")
    if canonical in PLATFORM_ONLY or canonical.startswith("pyobjc-"):
        marks.append("platform-only")
    return marks


def _local_version(version: str) -> Optional[str]:
    try:
        return Version(version).local
    except InvalidVersion:
        return version.split("+", 1)[1] if "+" in version else None
