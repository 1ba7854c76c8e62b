"""Pin a kernel-less notebook as of its date for the Python that will run it.

First the whole set as of the date, wheels only (uv with --exclude-newer; markers and Requires-Python
respected). Where that fails because an old release has no wheel for this Python, each package
named gets its own choice (inspect/release_choice.py: the newest release by the date with such a
wheel, else the first one after it) and the set is re-resolved with those per-package cut-offs
(--exclude-newer-package), so the closure stays consistent. The date itself never moves: every
package that moved is reported, by name. A root that did not exist then is dropped and reported."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Callable, Optional

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..spec import EnvironmentSpec, Package, Problem
from ..uv_compile import Compiled, compile_pins
from ..validate import safe_package_name
from .notebook_date import NotebookDate, python_of_the_day
from .release_choice import IndexFiles, ReleaseChoice, choose_release, python_floor

Resolver = Callable[..., Compiled]
_NOT_FOUND = re.compile(r"(?:Because|because) ([A-Za-z0-9._-]+) (?:was not found|has no versions|"
                        r"there are no versions)|no versions of ([A-Za-z0-9._-]+)")
# uv names the package whose wheels are missing: "Wheels are required for `numpy`", "all versions of
# matplotlib have no usable wheels", "numpy==1.14.0 has no wheels with a matching Python ABI tag", and
# a dependency that did not exist by the date: "`contourpy` was filtered by `exclude-newer`".
_NO_WHEEL = re.compile(r"required for `([A-Za-z0-9._-]+)`|`([A-Za-z0-9._-]+)` was filtered by|"
                       r"versions of ([A-Za-z0-9._-]+) have no|"
                       r"([A-Za-z0-9._-]+)(?:[=<>!~]=?[0-9][^ ]*)? (?:has|have) no (?:usable )?wheels")
MAX_DROPS = 8
MAX_ROUNDS = 12


def pin_as_of(spec: EnvironmentSpec, when: NotebookDate, confirmed: tuple[str, ...] = (),
              resolver: Resolver = compile_pins, bounds: Optional[dict[str, str]] = None,
              files: Optional[IndexFiles] = None) -> None:
    """Fill the spec's pins as of `when` for spec.python; on failure leave them unpinned and say why.
    `bounds` ({name: "<2.0"}) narrow a root's versions: what --repair uses to step a package back.
    `files` reads the index's files of a package (tests pass a fake)."""
    spec.as_of, spec.as_of_source = when.iso, when.source
    if not spec.python.version:
        spec.python.version = python_of_the_day(when.date)
    for name in confirmed:
        if spec.package(name) is None:
            spec.packages.append(Package(name=safe_package_name(name), version=None, reason="user"))
    roots: dict[str, Package] = {canonicalize_name(p.name): p for p in spec.packages
                                 if p.reason != "dependency" or canonicalize_name(p.name) in (bounds or {})}
    bounds = {**{n: f">={floor}" for n in roots if (floor := python_floor(n, spec.python.version))},
              **(bounds or {})}  # a release too old for this Python never resolves, even with a wheel
    compiled, dropped = _resolve_as_of(sorted(roots), spec.python.version, when, resolver, bounds or {})
    for name in dropped:
        spec.problems.append(Problem(kind="not-on-index", message=(
            f"{roots[name].name} had no release on the index on or before {when.iso}: left out.")))
        roots.pop(name)
    choices: dict[str, ReleaseChoice] = {}
    if compiled.error and roots:  # some release of that day has no wheel for this Python
        moved = _resolve_per_package(sorted(roots), spec.python.version, when, resolver, bounds or {}, files)
        if not moved[0].error:  # no source build of an old release that has no wheel: it fails in the image
            compiled, choices = moved
    if compiled.error:
        spec.problems.append(Problem(kind="as-of-failed", message=(
            f"Could not pin the packages as of {when.iso} for Python {spec.python.version}: {compiled.error} "
            "The packages stay unpinned.")))
        spec.packages = sorted(roots.values(), key=lambda p: p.name.lower())
        return
    packages = []
    for name, version in sorted(compiled.pins.items()):
        package = roots.get(name) or Package(name=name, version=None, reason="dependency")
        package.version = version
        packages.append(package)
    spec.packages = sorted(packages, key=lambda p: p.name.lower())
    spec.problems.extend(moves_reported(choices, compiled.pins, when, spec.python.version))


def moves_reported(choices: dict[str, ReleaseChoice], pins: dict[str, str], when: NotebookDate,
                   python: str) -> list[Problem]:
    """One line per package that did not get its release of the notebook's date, and why."""
    minor = ".".join(python.split(".")[:2])
    problems = []
    for name, choice in sorted(choices.items()):
        pinned = pins.get(name)
        if pinned is None:
            continue
        was = f"{name} {choice.as_of_version} as of {when.iso}" if choice.as_of_version else \
            f"{name} (no release by {when.iso})"
        if choice.source_build:
            problems.append(Problem(kind="source-build", message=(
                f"{name} {pinned} has no wheel for any Python on the index: built from source in the image.")))
            continue
        elif choice.followed:
            message = (f"{was} -> {pinned}: its release of the date does not resolve with the packages moved "
                       f"for CPython {minor}, so it follows the latest move.")
        elif choice.moved:
            why = f"the first with a wheel for CPython {minor}"
            if python_floor(name, python) == choice.version:
                why = f"the first that supports CPython {minor}"
            if pinned != choice.version:
                why = (f"the first with a wheel for CPython {minor} was {choice.version}; "
                       f"{pinned} keeps the set consistent")
            message = f"{was} -> {pinned}, {why}."
        elif choice.as_of_version and pinned != choice.as_of_version:
            message = f"{was} -> {pinned}, the newest by then with a wheel for CPython {minor}."
        else:
            continue
        problems.append(Problem(kind="version-moved", message=message))
    return problems


def _lines(names: list[str], bounds: dict[str, str]) -> list[str]:
    return [f"{name}{bounds.get(name, '')}" for name in names]


def _resolve_as_of(names: list[str], python: str, when: NotebookDate, resolver: Resolver,
                   bounds: dict[str, str]) -> tuple[Compiled, list[str]]:
    """The whole set as of the date, wheels only; roots that did not exist then are dropped."""
    dropped: list[str] = []
    wanted = list(names)
    while True:
        compiled = resolver(_lines(wanted, bounds), python, exclude_newer=when.exclude_newer, target_linux=True,
                            only_binary=True)
        missing = _missing_name(compiled.error, wanted) if compiled.error else None
        if missing is None or len(dropped) >= MAX_DROPS:
            return compiled, dropped
        dropped.append(missing)
        wanted.remove(missing)
        if not wanted:
            return Compiled(), dropped


def _resolve_per_package(roots: list[str], python: str, when: NotebookDate, resolver: Resolver,
                         bounds: dict[str, str], files: Optional[IndexFiles]
                         ) -> tuple[Compiled, dict[str, ReleaseChoice]]:
    """Each package uv names gets its own release choice and cut-off (the date, or its move's time);
    the packages nobody chose for (dependencies) are resolved as of the latest move, so that what the
    moved packages require exists. Re-resolved as a set until it holds. A chosen package too old for
    what a moved one requires follows the latest move (reported as such)."""
    choices: dict[str, ReleaseChoice] = {}
    followers: set[str] = set()
    undecided = set(roots)
    compiled = Compiled(error="nothing resolved")
    for _ in range(MAX_ROUNDS):
        for name in sorted(undecided):
            choices[name] = choose_release(name, when.date, python, files)
        moves = [stamp for c in choices.values() if (stamp := c.exclude_newer)]
        latest = max(moves, default=when.exclude_newer)
        caps = {n: c.exclude_newer or when.exclude_newer for n, c in choices.items() if n not in followers}
        sources = {n for n, c in choices.items() if c.source_build}
        compiled = _resolve_moved(roots, sources, caps, latest, python, resolver, bounds)
        behind = set() if compiled.error else _fell_behind(choices, compiled.pins, followers)
        if not compiled.error and not behind:
            for name in followers:
                choices[name] = replace(choices[name], moved=True, followed=True)
            return compiled, choices
        if behind:  # uv went back past the chosen release (ipython 6 -> 3: a dependency has no wheel)
            followers |= behind
            undecided = set()
            continue
        named = _named_in_error(compiled.error or "")
        undecided = {n for n in named if n not in choices}
        stuck = {n for n in named if n in choices and not choices[n].moved and n not in followers}
        if not undecided and not stuck:
            break
        followers |= stuck if not undecided else set()
    return compiled, choices


def _fell_behind(choices: dict[str, ReleaseChoice], pins: dict[str, str], followers: set[str]) -> set[str]:
    """Chosen packages the resolver pinned below their choice: they follow the latest move instead."""
    behind = set()
    for name, choice in choices.items():
        pinned = pins.get(name)
        if name in followers or not pinned or not choice.version or choice.source_build:
            continue
        try:
            if Version(pinned) < Version(choice.version):
                behind.add(name)
        except InvalidVersion:
            continue
    return behind


def _resolve_moved(roots: list[str], sources: set[str], caps: dict[str, str], latest: str, python: str,
                   resolver: Resolver, bounds: dict[str, str]) -> Compiled:
    """Wheels only, each chosen package up to its own time; a package with no wheel at all is built
    from its sources, while everything else of the closure still comes as a wheel."""
    binary = [n for n in roots if n not in sources]
    kwargs = dict(exclude_newer=latest, target_linux=True, exclude_newer_packages=caps)
    compiled = resolver(_lines(binary, bounds), python, only_binary=True, **kwargs) if binary else Compiled()
    if compiled.error or not sources:
        return compiled
    wheels_only = sorted(n for n in compiled.pins if n not in sources) or True
    return resolver(_lines(roots, bounds), python, only_binary=wheels_only, **kwargs)


def _named_in_error(error: str) -> set[str]:
    return {canonicalize_name(next(g for g in match.groups() if g)) for match in _NO_WHEEL.finditer(error)}


def _missing_name(error: Optional[str], wanted: list[str]) -> Optional[str]:
    for match in _NOT_FOUND.finditer(error or ""):
        name = canonicalize_name(match.group(1) or match.group(2))
        if name in wanted:
            return name
    return None


def pin_for_base_python(spec: EnvironmentSpec, base: str, base_python: str,
                        resolver: Resolver = compile_pins, files: Optional[IndexFiles] = None) -> Optional[str]:
    """One Python decides pins and base: a spec guessed from the code (not a kernel's, not a lock's)
    pinned for another Python than the base's is pinned again, as of the same date, for the base's.
    Returns what was done, or None when nothing needed doing."""
    if spec.source != "static" or not spec.as_of:
        return None
    minor = ".".join(base_python.split(".")[:2])
    if ".".join((spec.python.version or "").split(".")[:2]) == minor:
        return None
    before = spec.python.version or "?"
    spec.python.version = base_python
    spec.packages = [p for p in spec.packages if p.reason != "dependency"]
    for package in spec.packages:
        package.version = None
    spec.problems = [p for p in spec.problems
                     if p.kind not in ("version-moved", "source-build", "as-of-failed", "python-choice")]
    message = f"Pinned for Python {base_python}, the base image's ({base}), instead of {before}."
    spec.problems.append(Problem(kind="python-choice", message=message))
    source = spec.as_of_source if spec.as_of_source in ("as-of", "git-commit", "file-time") else "as-of"
    pin_as_of(spec, NotebookDate(dt.date.fromisoformat(spec.as_of), source), resolver=resolver,  # type: ignore[arg-type]
              files=files)
    return message
