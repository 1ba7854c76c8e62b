"""Pin a kernel-less notebook as of its date: the newest releases on or before that day that install
on its Python, with their whole closure, resolved by uv with --exclude-newer (markers and
Requires-Python respected). A root that did not exist then is dropped and reported."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Optional

from packaging.utils import canonicalize_name

from ..spec import EnvironmentSpec, Package, Problem
from ..uv_compile import Compiled, compile_pins
from ..validate import safe_package_name
from .notebook_date import NotebookDate, python_of_the_day

Resolver = Callable[..., Compiled]
_NOT_FOUND = re.compile(r"(?:Because|because) ([A-Za-z0-9._-]+) (?:was not found|has no versions|"
                        r"there are no versions)|no versions of ([A-Za-z0-9._-]+)")
MAX_DROPS = 8


def pin_as_of(spec: EnvironmentSpec, when: NotebookDate, confirmed: tuple[str, ...] = (),
              resolver: Resolver = compile_pins, bounds: Optional[dict[str, str]] = None) -> None:
    """Fill the spec's pins as of `when`; on failure leave them unpinned and say why.
    `bounds` ({name: "<2.0"}) narrow a root's versions: what --repair uses to step a package back."""
    spec.as_of, spec.as_of_source = when.iso, when.source
    if not spec.python.version:
        spec.python.version = python_of_the_day(when.date)
    for name in confirmed:
        if spec.package(name) is None:
            spec.packages.append(Package(name=safe_package_name(name), version=None, reason="user"))
    roots: dict[str, Package] = {canonicalize_name(p.name): p for p in spec.packages
                                 if p.reason != "dependency" or canonicalize_name(p.name) in (bounds or {})}
    compiled, dropped = _resolve(sorted(roots), spec.python.version, when, resolver, bounds or {})
    later = earliest_workable(when, spec.python.version)
    if compiled.error and later is not None:  # nothing that old installs on this Python (or parses today)
        retry, retry_dropped = _resolve(sorted(roots), spec.python.version, later, resolver, bounds or {})
        if not retry.error:
            spec.problems.append(Problem(kind="as-of-moved", message=(
                f"Nothing as of {when.iso} resolves for Python {spec.python.version} ({compiled.error[:200]}); "
                f"pinned as of {later.iso} instead, the earliest date that Python and today's resolvers can use.")))
            compiled, dropped, when = retry, retry_dropped, later
            spec.as_of = later.iso
    for name in dropped:
        spec.problems.append(Problem(kind="not-on-index", message=(
            f"{roots[name].name} had no release on the index on or before {when.iso}: left out.")))
        roots.pop(name)
    if compiled.error:
        spec.problems.append(Problem(kind="as-of-failed", message=(
            f"Could not pin the packages as of {when.iso}: {compiled.error} The packages stay unpinned.")))
        spec.packages = sorted(roots.values(), key=lambda p: p.name.lower())
        return
    packages = []
    for name, version in sorted(compiled.pins.items()):
        package = roots.get(name) or Package(name=name, version=None, reason="dependency")
        package.version = version
        packages.append(package)
    spec.packages = sorted(packages, key=lambda p: p.name.lower())


# Before these dates no release of the common packages installs on that Python (no wheels yet);
# before 2020-02 many packages' metadata is refused by today's resolvers (pandas 0.2x: `pytz (>=2011k)`).
_PYTHON_FLOOR = {"3.8": "2020-02-01", "3.9": "2021-01-15", "3.10": "2022-01-15", "3.11": "2023-02-01",
                 "3.12": "2024-01-15", "3.13": "2025-01-15", "3.14": "2026-01-15"}
_RESOLVER_FLOOR = "2020-02-01"


def earliest_workable(when: NotebookDate, python: str) -> Optional[NotebookDate]:
    """A later date to retry from when `when` is older than what `python` can install, else None."""
    minor = ".".join(python.split(".")[:2])
    floor = max(_PYTHON_FLOOR.get(minor, _RESOLVER_FLOOR), _RESOLVER_FLOOR)
    if when.iso >= floor:
        return None
    return NotebookDate(dt.date.fromisoformat(floor), when.source)


def _resolve(names: list[str], python: str, when: NotebookDate, resolver: Resolver,
             bounds: dict[str, str]) -> tuple[Compiled, list[str]]:
    dropped: list[str] = []
    wanted = list(names)
    while True:
        lines = [f"{name}{bounds.get(name, '')}" for name in wanted]
        compiled = resolver(lines, python, exclude_newer=when.exclude_newer, target_linux=True, only_binary=True)
        if compiled.error and _missing_name(compiled.error, wanted) is None:  # some old package ships sources only
            compiled = resolver(lines, python, exclude_newer=when.exclude_newer, target_linux=True)
        missing = _missing_name(compiled.error, wanted) if compiled.error else None
        if missing is None or len(dropped) >= MAX_DROPS:
            return compiled, dropped
        dropped.append(missing)
        wanted.remove(missing)
        if not wanted:
            return Compiled(), dropped


def _missing_name(error: Optional[str], wanted: list[str]) -> Optional[str]:
    for match in _NOT_FOUND.finditer(error or ""):
        name = canonicalize_name(match.group(1) or match.group(2))
        if name in wanted:
            return name
    return None
