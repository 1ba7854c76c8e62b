"""The lock as requirements files: the notebook's pins, and the runtime the target needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from packaging.utils import canonicalize_name

from ..spec import EnvironmentSpec, Package
from ..validate import safe_hash, safe_package_name, safe_requirement_url, safe_vcs, safe_vcs_ref, safe_version
from .local_sources import local_source
from .quoting import requirements_text

# What each target runs the notebook with, installed into the same venv as the lock.
RUNTIME_PACKAGES: dict[str, tuple[str, ...]] = {
    "notebook": ("jupyterlab", "ipykernel", "nbclient", "nbformat"),
    "batch": ("ipykernel", "nbclient", "nbformat"),
    # the serving runtime (serve/bundle.py RUNTIME_REQUIREMENTS); nbclient for --verify
    "serve": ("tornado", "jupyter_client", "ipykernel", "nbformat", "nbclient"),
}


@dataclass
class Requirements:
    lock: list[str] = field(default_factory=list)
    runtime: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # pins that cannot be installed in an image
    # The kernel's own Jupyter stack (ipython, tornado...): the runtime resolves to what ran.
    constraints: list[str] = field(default_factory=list)
    # lock line -> its files' hashes (a lock made with hashes): installed first, with --require-hashes
    hashes: dict[str, list[str]] = field(default_factory=dict)

    def lock_text(self) -> str:
        return requirements_text(self.lock)

    def hashed_text(self) -> str:
        """The pins that carry hashes, one line each with every `--hash=` (pip's and uv's format)."""
        return "".join(f"{requirements_text([line]).rstrip()} {' '.join(f'--hash={safe_hash(h)}' for h in hashes)}\n"
                       for line, hashes in self.hashes.items() if line in self.lock and hashes)

    def runtime_text(self) -> str:
        return requirements_text(self.runtime)

    def constraints_text(self) -> str:
        return requirements_text(self.constraints)


def requirement_line(pkg: Package) -> Optional[str]:
    """One line of requirements.txt for a pin, or None when it only exists on the kernel's disk."""
    name = safe_package_name(pkg.name)
    kind = pkg.source.kind
    if kind in ("local", "editable"):
        return None
    if kind == "url" and pkg.source.url:
        return f"{name} @ {safe_requirement_url(pkg.source.url)}"
    if kind == "vcs" and pkg.source.url:
        vcs = safe_vcs(pkg.source.vcs or "git")
        ref = f"@{safe_vcs_ref(pkg.source.commit)}" if pkg.source.commit else ""
        return f"{name} @ {vcs}+{safe_requirement_url(pkg.source.url)}{ref}"
    if not pkg.version:
        return name
    return f"{name}=={safe_version(pkg.version)}"


def build_requirements(
    spec: EnvironmentSpec, target: str, repins: Optional[dict[str, str]] = None
) -> Requirements:
    """Lock lines in a stable order (sorted, so the dependency layer's cache key is stable)."""
    repins = {canonicalize_name(k): v for k, v in (repins or {}).items()}
    reqs = Requirements()
    for pkg in sorted(spec.packages, key=lambda p: canonicalize_name(p.name)):
        line = requirement_line(pkg)
        canonical = canonicalize_name(pkg.name)
        if line is None and local_source(pkg) is not None:
            continue  # installed from its copied source folder, after the lock (local_sources.py)
        if line is None:
            reqs.skipped.append(f"{pkg.name} ({pkg.source.kind} install: {pkg.source.path or '?'})")
        elif canonical in repins:
            reqs.lock.append(f"{canonical}=={safe_version(repins[canonical])}")
        else:
            reqs.lock.append(line)
            if pkg.hashes and pkg.source.kind == "index" and line.endswith(f"=={pkg.version}"):
                reqs.hashes[line] = [safe_hash(h) for h in pkg.hashes]
    reqs.runtime = runtime_requirements(spec, target)
    reqs.constraints = runtime_constraints(spec)
    return reqs


def runtime_requirements(spec: EnvironmentSpec, target: str) -> list[str]:
    """jupyterlab/ipykernel/nbclient at the kernel's versions if known, unless the lock has them."""
    in_lock = {canonicalize_name(p.name) for p in spec.packages}
    known: dict[str, str] = {
        canonicalize_name(p.name): p.version for p in spec.frontend_packages if p.version
    }
    lines = []
    wanted = list(RUNTIME_PACKAGES[target])
    if any(c.tool == "pip" for c in spec.install_commands):
        wanted.append("pip")  # `%pip install` / `!pip install` cells need the venv's own pip
    for name in wanted:
        if name in in_lock:
            continue
        version = known.get(name)
        lines.append(f"{name}=={safe_version(version)}" if version else name)
    return lines


def runtime_constraints(spec: EnvironmentSpec) -> list[str]:
    in_lock = {canonicalize_name(p.name) for p in spec.packages}
    pins = {safe_package_name(p.name): safe_version(p.version)
            for p in spec.frontend_packages if p.version and p.source.kind == "index"}
    return [f"{name}=={version}" for name, version in sorted(pins.items()) if name not in in_lock]

