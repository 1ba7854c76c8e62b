"""Which base image to build on, and whether its Python satisfies every pin's Requires-Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Optional

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..errors import FixAction, InvalidSpec, PythonMismatch
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
    local_bases: Sequence[tuple[str, str]] = (),
) -> None:
    """Raise PythonMismatch, naming each refusing pin and the fixes, before anything is built.
    `repins`: what re-pinning would choose; `local_bases`: (image, its Python) the engine already has
    that every pin accepts. Each fix is an action the panel applies (errors.FixAction)."""
    conflicts = refusing_pins(spec.packages, base_python)
    if not conflicts:
        return
    lines = [f"  {c.name}=={c.version} requires Python {c.requires_python}" for c in conflicts]
    kernel = spec.python.version or "?"
    actions = mismatch_actions(spec, base_image, base_python, conflicts, repins or {}, local_bases)
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
        hint=(f"Build on a base with Python {kernel}, or re-pin those packages for Python {base_python}."
              if actions else f"Build on a base with Python {kernel}, or pick versions that accept Python "
              f"{base_python}."),
        cli_hint="; or ".join(fixes) + ".",
        detail="\n".join(f"{c.name}=={c.version}" for c in conflicts),
        actions=actions,
    )


def mismatch_actions(spec: EnvironmentSpec, base_image: str, base_python: str, conflicts: list[PinConflict],
                     repins: dict[str, str], local_bases: Sequence[tuple[str, str]] = ()) -> list[FixAction]:
    """The fixes for pins that refuse the base's Python: re-pin them (when every one can be), a
    python:X-slim base of the Python the pins ran on, and images already here with such a Python."""
    actions: list[FixAction] = []
    canonical = {canonicalize_name(n): v for n, v in repins.items()}
    if conflicts and all(canonicalize_name(c.name) in canonical for c in conflicts):
        pretty = ", ".join(f"{c.name} {canonical[canonicalize_name(c.name)]}" for c in conflicts)
        actions.append(FixAction(id="repin", label=f"Re-pin for Python {base_python} ({pretty})",
                                 options_patch={"repin": True}, cli="--repin"))
    matching = matching_base(spec)
    if matching is not None and matching != base_image:
        actions.append(FixAction(
            id="matching-base", label=f"Build on {matching} (the Python the pins ran on)",
            options_patch={"base_image": matching}, cli=f"--base {matching}"))
    for image, python in local_bases:
        if image not in (base_image, matching):
            actions.append(FixAction(id="local-image", label=f"Build on {image} (here already, Python {python})",
                                     options_patch={"base_image": image}, cli=f"--base {image}"))
    return actions


def matching_base(spec: EnvironmentSpec) -> Optional[str]:
    """python:X.Y-slim (or the exact patch) of the kernel's Python, when every pin accepts it."""
    version = kernel_python(spec)
    if version is None or refusing_pins(spec.packages, str(version)):
        return None
    return choose_base_image(spec)


def accepts_every_pin(packages: list[Package], python: str) -> bool:
    try:
        return not refusing_pins(packages, python)
    except InvalidVersion:
        return False


def _specifier(pkg: Package) -> Optional[SpecifierSet]:
    if not pkg.requires_python:
        return None
    try:
        return SpecifierSet(pkg.requires_python)
    except InvalidSpecifier:
        return None  # unparseable metadata: the installer has the last word
