"""The lock as requirements files: the notebook's pins, and the runtime the target needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from packaging.utils import canonicalize_name

from ..errors import UnsafeValue
from ..spec import EnvironmentSpec, Package
from .local_sources import local_source
from .safety import no_control_chars, safe_package_name, safe_version

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

    def lock_text(self) -> str:
        return "".join(f"{line}\n" for line in self.lock)

    def runtime_text(self) -> str:
        return "".join(f"{line}\n" for line in self.runtime)

    def constraints_text(self) -> str:
        return "".join(f"{line}\n" for line in self.constraints)


def requirement_line(pkg: Package) -> Optional[str]:
    """One line of requirements.txt for a pin, or None when it only exists on the kernel's disk."""
    name = safe_package_name(pkg.name)
    kind = pkg.source.kind
    if kind in ("local", "editable"):
        return None
    if kind == "url" and pkg.source.url:
        return f"{name} @ {_safe_url(pkg.source.url)}"
    if kind == "vcs" and pkg.source.url:
        vcs = pkg.source.vcs or "git"
        if vcs not in ("git", "hg", "svn", "bzr"):
            raise UnsafeValue(f"{vcs!r} is not a version control system pip knows.")
        ref = f"@{_safe_ref(pkg.source.commit)}" if pkg.source.commit else ""
        return f"{name} @ {vcs}+{_safe_url(pkg.source.url)}{ref}"
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


def _safe_url(url: str) -> str:
    no_control_chars(url, "package URL")
    if " " in url or not url.startswith(("https://", "http://", "git+", "file:")):
        raise UnsafeValue(f"{url!r} is not a URL a requirements file can hold.")
    if url.startswith("file:"):
        raise UnsafeValue(f"{url!r} is on the kernel's disk; it cannot be installed in an image.")
    return url


def _safe_ref(ref: str) -> str:
    no_control_chars(ref, "commit")
    if not all(c.isalnum() or c in "._-/" for c in ref):
        raise UnsafeValue(f"{ref!r} is not a commit or tag name.")
    return ref
