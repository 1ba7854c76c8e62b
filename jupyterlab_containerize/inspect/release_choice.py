"""Per package, the release an old notebook gets on a new Python: the newest one on or before the
notebook's date with a wheel for the target Python and platform; where none has one, the first one
after the date that does; where no release ever had one, the newest by the date (a source build).

Read from the package index's JSON simple API (PEP 691/700: files with their upload times), which
every index uv reads also serves; the set is then re-resolved by uv (inspect/as_of_pins.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Optional

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from ..uv_compile import linux_platform

PYPI_SIMPLE = "https://pypi.org/simple"
# Pure wheels that install on any Python but whose code does not work on a newer one, and say nothing
# in Requires-Python: the first release that supports each CPython (Cython's generated C needs
# longintrepr.h from 3.11 on, fixed in 0.29.32).
PYTHON_FLOORS: dict[str, dict[str, str]] = {
    "cython": {"3.11": "0.29.32", "3.12": "0.29.36", "3.13": "3.0.11", "3.14": "3.1.0"},
}


def python_floor(name: str, python: str) -> Optional[str]:
    """The first release of `name` that works on CPython `python` (X.Y[.Z]), where a table knows one."""
    minor = ".".join(python.split(".")[:2])
    return PYTHON_FLOORS.get(str(canonicalize_name(name)), {}).get(minor)
IndexFiles = Callable[[str], list[dict[str, Any]]]  # canonical name -> the index's files


@dataclass(frozen=True)
class ReleaseChoice:
    name: str
    version: Optional[str]  # None: the index has no usable release at all
    uploaded: Optional[str]  # the chosen file's upload time (ISO, UTC)
    moved: bool  # True: later than the date, the first with a wheel for the target
    as_of_version: Optional[str]  # the newest release by the date, wheel or not
    source_build: bool = False  # no release ever had a wheel for the target
    followed: bool = False  # moved because a moved package needs a later release of it

    @property
    def exclude_newer(self) -> Optional[str]:
        """uv's --exclude-newer-package time for a move: one second after the chosen wheel's upload."""
        if not self.moved or not self.uploaded:
            return None
        try:
            stamp = dt.datetime.fromisoformat(self.uploaded.replace("Z", "+00:00"))
        except ValueError:
            return None
        later = stamp.astimezone(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(seconds=1)
        return later.strftime("%Y-%m-%dT%H:%M:%SZ")


def target_tags(python: str, platform: Optional[str] = None) -> frozenset[Tag]:
    """The wheel tags CPython `python` (X.Y) on `platform` (uv's `x86_64-manylinux_2_28`) installs."""
    major, minor = (int(p) for p in python.split(".")[:2])
    arch, _, libc = (platform or linux_platform()).partition("-")
    glibc = int(libc.rsplit("_", 1)[-1]) if libc.startswith("manylinux_2_") else 28
    platforms = [f"manylinux_2_{m}_{arch}" for m in range(glibc, 4, -1)]
    platforms += [alias for alias, m in (("manylinux2014", 17), ("manylinux2010", 12), ("manylinux1", 5))
                  if m <= glibc for alias in [f"{alias}_{arch}"]]
    tags = list(cpython_tags((major, minor), platforms=platforms))
    tags += list(compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=platforms))
    return frozenset(tags)


def choose_release(name: str, date: dt.date, python: str, files: Optional[IndexFiles] = None,
                   platform: Optional[str] = None) -> ReleaseChoice:
    """The release `name` gets for a notebook of `date` run on CPython `python`."""
    canonical = canonicalize_name(name)
    releases = _releases(canonical, (files or index_files)(canonical), target_tags(python, platform), python)
    floor = python_floor(canonical, python)
    for release in releases:  # below the floor a wheel installs but does not work: as good as none
        if floor and release.version < Version(floor):
            release.wheel_upload = None
    cutoff = f"{date.isoformat()}T23:59:59Z"
    by_date = [r for r in releases if r.first_upload <= cutoff]
    as_of = max(by_date, key=lambda r: r.version).version if by_date else None
    with_wheel = [r for r in by_date if r.wheel_upload and r.wheel_upload <= cutoff]
    if with_wheel:
        best = max(with_wheel, key=lambda r: r.version)
        return ReleaseChoice(canonical, str(best.version), best.wheel_upload, False, _str(as_of))
    later = sorted((r for r in releases if r.wheel_upload), key=lambda r: r.wheel_upload or "")
    if later:
        first = later[0]
        return ReleaseChoice(canonical, str(first.version), first.wheel_upload, True, _str(as_of))
    return ReleaseChoice(canonical, _str(as_of), None, False, _str(as_of), source_build=as_of is not None)


@dataclass
class _Release:
    version: Version
    first_upload: str
    wheel_upload: Optional[str] = None  # the first compatible wheel's upload time


def _releases(name: str, files: list[dict[str, Any]], tags: frozenset[Tag], python: str) -> list[_Release]:
    found: dict[Version, _Release] = {}
    target = Version(python)
    for entry in files:
        filename, uploaded = entry.get("filename"), entry.get("upload-time")
        if not isinstance(filename, str) or not isinstance(uploaded, str) or entry.get("yanked"):
            continue
        parsed = _parse_filename(name, filename, tags)
        if parsed is None:
            continue
        version, wheel_fits = parsed
        if version.is_prerelease or version.is_devrelease:
            continue
        release = found.setdefault(version, _Release(version, uploaded))
        release.first_upload = min(release.first_upload, uploaded)
        if wheel_fits and _python_ok(entry.get("requires-python"), target):
            release.wheel_upload = min(release.wheel_upload or uploaded, uploaded)
    return list(found.values())


def _parse_filename(name: str, filename: str, tags: frozenset[Tag]) -> Optional[tuple[Version, bool]]:
    try:
        if filename.endswith(".whl"):
            wheel_name, version, _, wheel_tags = parse_wheel_filename(filename)
            return (version, not tags.isdisjoint(wheel_tags)) if wheel_name == name else None
        if filename.endswith((".tar.gz", ".zip", ".tar.bz2")):
            sdist_name, version = parse_sdist_filename(filename.replace(".tar.bz2", ".tar.gz"))
            return (version, False) if sdist_name == name else None
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    return None


def _python_ok(requires: Any, target: Version) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    if not isinstance(requires, str) or not requires.strip():
        return True
    try:
        return SpecifierSet(requires).contains(target, prereleases=True)
    except InvalidSpecifier:
        return True


def _str(version: Optional[Version]) -> Optional[str]:
    return str(version) if version is not None else None


def index_url() -> str:
    """The index uv resolves from: the user's (UV_INDEX_URL / PIP_INDEX_URL), else PyPI."""
    for var in ("UV_INDEX_URL", "PIP_INDEX_URL"):
        if os.environ.get(var, "").startswith(("https://", "http://")):
            return os.environ[var].rstrip("/")
    return PYPI_SIMPLE


@lru_cache(maxsize=256)
def _fetch(url: str) -> tuple[dict[str, Any], ...]:
    request = urllib.request.Request(url, headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - an https index URL
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError):
        return ()
    files = data.get("files") if isinstance(data, dict) else None
    return tuple(f for f in files or [] if isinstance(f, dict))


def index_files(name: str) -> list[dict[str, Any]]:
    """The index's files for `name` (an empty list when the index cannot be read)."""
    return list(_fetch(f"{index_url()}/{canonicalize_name(name)}/"))
