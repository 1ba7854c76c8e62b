"""Which base image to build on, and whether its Python satisfies every pin's Requires-Python."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from ..errors import InvalidSpec, PythonMismatch
from ..spec import EnvironmentSpec, Package
from ..validate import safe_image_ref

DEFAULT_PYTHON = "3.11"


@dataclass
class PinConflict:
    name: str
    version: str
    requires_python: str


def kernel_python(spec: EnvironmentSpec) -> Optional[Version]:
    try:
        return Version(spec.python.version) if spec.python.version else None
    except InvalidVersion as err:
        raise InvalidSpec(f"python.version {spec.python.version!r} is not a version.") from err


def choose_base_image(spec: EnvironmentSpec, override: Optional[str] = None) -> str:
    """python:X.Y-slim for the kernel's Python; the exact patch tag when a pin needs it."""
    if override:
        return safe_image_ref(override, "base image")
    version = kernel_python(spec)
    if version is None:
        return f"python:{DEFAULT_PYTHON}-slim"
    minor = f"{version.major}.{version.minor}"
    if needs_patch_release(spec.packages, version):
        return f"python:{version.base_version}-slim"
    return f"python:{minor}-slim"


def needs_patch_release(packages: list[Package], version: Version) -> bool:
    """True when some pin accepts the kernel's Python but not the first release of its minor."""
    first = Version(f"{version.major}.{version.minor}.0")
    for pkg in packages:
        spec = _specifier(pkg)
        if spec is not None and spec.contains(version, prereleases=True) and not spec.contains(
            first, prereleases=True
        ):
            return True
    return False


def refusing_pins(packages: list[Package], base_python: str) -> list[PinConflict]:
    """The pins whose Requires-Python excludes the base image's Python."""
    version = Version(base_python)
    conflicts = []
    for pkg in packages:
        spec = _specifier(pkg)
        if spec is not None and not spec.contains(version, prereleases=True):
            conflicts.append(PinConflict(pkg.name, pkg.version or "", str(pkg.requires_python)))
    return conflicts


def check_base_python(
    spec: EnvironmentSpec,
    base_image: str,
    base_python: str,
    repins: Optional[dict[str, str]] = None,
) -> None:
    """Raise PythonMismatch, naming each refusing pin and the fixes, before anything is built."""
    conflicts = refusing_pins(spec.packages, base_python)
    if not conflicts:
        return
    lines = [f"  {c.name}=={c.version} requires Python {c.requires_python}" for c in conflicts]
    kernel = spec.python.version or "?"
    fixes = [f"either build on a base with the Python the pins were made for: --base python:{kernel}-slim"]
    if repins:
        pretty = ", ".join(f"{n}=={v}" for n, v in sorted(repins.items()))
        fixes.append(
            f"re-resolve those pins for Python {base_python} (--repin would use {pretty})"
        )
    else:
        fixes.append(f"re-resolve those pins for the base's Python {base_python}: --repin")
    raise PythonMismatch(
        f"The base image {base_image} has Python {base_python}, which "
        f"{len(conflicts)} pin(s) of the lock refuse (the kernel ran Python {kernel}):\n"
        + "\n".join(lines),
        hint="; or ".join(fixes) + ".",
        detail="\n".join(f"{c.name}=={c.version}" for c in conflicts),
    )


def _specifier(pkg: Package) -> Optional[SpecifierSet]:
    if not pkg.requires_python:
        return None
    try:
        return SpecifierSet(pkg.requires_python)
    except InvalidSpecifier:
        return None  # unparseable metadata: the installer has the last word
