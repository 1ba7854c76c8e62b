"""Does this release of a package install on the image's Python and platform? Asked of the release
itself: its own Requires-Python and its files on the package index (PEP 691's JSON simple API, which
PyPI and the common private indexes answer), never the metadata of the version that was inspected.

Used by POST /containerize/package-check (the panel, when the user picks a version) and before a
build of a spec the user edited (spec_edits.check_user_pins).
"""

from __future__ import annotations

import json
import os
import platform as host_platform
import re
import ssl
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Optional
from urllib.parse import quote

from packaging import tags
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from ..ca_bundle import detect_ca_bundle
from ..errors import InvalidRequest
from ..render.buildenv import INDEX_ENV_VARS
from ..validate import safe_index_url, safe_package_name, safe_version

PYPI_SIMPLE = "https://pypi.org/simple"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
GLIBC = re.compile(r"(?:glibc\s*)?(\d+)\.(\d+)")
DEFAULT_GLIBC = (2, 36)  # Debian bookworm's, what python:3.X-slim images carry
MACHINE = re.compile(r"[a-z0-9_]{1,20}")
MACHINES = {"amd64": "x86_64", "arm64": "aarch64", "x86_64": "x86_64", "aarch64": "aarch64"}


@dataclass
class ReleaseCheck:
    """What the index says about one release for one Python and platform."""

    name: str
    version: str
    python: str
    platform: str  # "linux/x86_64"
    checked: bool  # False: the index could not be asked; nothing is known
    found: bool = False  # the index has files of this release
    requires_python: Optional[str] = None  # the release's own
    python_ok: Optional[bool] = None
    wheel: Optional[bool] = None  # a wheel that installs on that Python and platform
    sdist: bool = False
    yanked: bool = False
    ok: Optional[bool] = None  # None when not checked
    message: Optional[str] = None  # one line: why not, or a note (built from source, yanked)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_release(name: str, version: str, python: str, machine: str = "", libc: str = "",
                  index_url: Optional[str] = None, timeout: float = 20) -> ReleaseCheck:
    """The release's Requires-Python and files, judged for CPython `python` on Linux `machine`."""
    name, version, python = safe_package_name(name), safe_version(version), safe_version(python)
    wanted = machine.lower() or host_platform.machine().lower() or "x86_64"
    arch = MACHINES.get(wanted, wanted)
    if not MACHINE.fullmatch(arch):
        raise InvalidRequest(f"'platform' {machine[:40]!r} is not a machine name (x86_64, aarch64...).")
    result = ReleaseCheck(name=name, version=version, python=python, platform=f"linux/{arch}", checked=False)
    try:
        files = _index_files(name, index_url or configured_index(), timeout)
    except (OSError, ValueError) as err:  # no network, an index that does not answer JSON
        result.message = f"The package index could not be asked about {name} {version}: {_short(err)}."
        return result
    result.checked = True
    mine = [f for f in files if _file_version(name, f.get("filename", "")) == canonicalize_version(version)]
    if not mine:
        result.ok, result.message = False, f"{name} {version} is not on the package index: pick a version it has."
        return result
    result.found = True
    result.requires_python = next((f["requires-python"] for f in mine if f.get("requires-python")), None)
    result.yanked = all(bool(f.get("yanked")) for f in mine)
    result.python_ok = _accepts(result.requires_python, python)
    glibc = GLIBC.search(libc)
    supported = _supported_tags(python, arch, (int(glibc.group(1)), int(glibc.group(2))) if glibc else DEFAULT_GLIBC)
    result.wheel = any(_wheel_fits(f["filename"], supported) for f in mine if f["filename"].endswith(".whl"))
    result.sdist = any(not f["filename"].endswith(".whl") for f in mine)
    if not result.python_ok:
        result.ok = False
        result.message = (f"{name} {version} needs Python {result.requires_python}; the image has Python {python}: "
                          f"pick another version of {name}, or a base image with a Python it accepts.")
    elif not result.wheel and not result.sdist:
        result.ok = False
        result.message = (f"{name} {version} has no file for CPython {_minor(python)} on Linux {arch}: "
                          f"pick another version of {name}.")
    else:
        result.ok = True
        if not result.wheel:
            result.message = (f"{name} {version} has no wheel for CPython {_minor(python)} on Linux {arch}: "
                              "it is built from source in the image (slower; it may need compilers).")
        elif result.yanked:
            result.message = f"{name} {version} was yanked from the index; it still installs when pinned."
    return result


def configured_index(options_index: Optional[str] = None) -> str:
    """The index builds use (the option, else UV_INDEX_URL / PIP_INDEX_URL), else PyPI; http(s) only."""
    for url in [options_index, *(os.environ.get(v) for v in INDEX_ENV_VARS)]:
        if url and url.startswith(("https://", "http://")):
            return safe_index_url(url).rstrip("/")
    return PYPI_SIMPLE


@lru_cache(maxsize=256)
def _index_files(name: str, index: str, timeout: float) -> tuple[dict[str, Any], ...]:
    request = urllib.request.Request(f"{index}/{quote(canonicalize_name(name))}/", headers={"Accept": SIMPLE_JSON})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=_tls()) as answer:  # noqa: S310
            data = json.loads(answer.read(64 * 1024 * 1024))
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return ()
        raise
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        raise ValueError("the index did not answer PEP 691 JSON")
    return tuple(f for f in files if isinstance(f, dict) and isinstance(f.get("filename"), str))


def _tls() -> ssl.SSLContext:
    """The host's CA bundle where one is named (TLS-inspecting proxies), else the system's."""
    named = detect_ca_bundle(os.environ)
    return ssl.create_default_context(cafile=str(named) if named else None)


def _file_version(name: str, filename: str) -> Optional[str]:
    try:
        if filename.endswith(".whl"):
            wheel_name, version, _, _ = parse_wheel_filename(filename)
        else:
            wheel_name, version = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
        return None
    return canonicalize_version(version) if wheel_name == canonicalize_name(name) else None


def _accepts(requires_python: Optional[str], python: str) -> bool:
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(Version(python), prereleases=True)
    except (InvalidSpecifier, InvalidVersion):
        return True  # unparseable metadata: the installer has the last word


@lru_cache(maxsize=32)
def _supported_tags(python: str, arch: str, top: tuple[int, int]) -> frozenset[tags.Tag]:
    major, minor = (int(p) for p in _minor(python).split("."))
    platforms = [f"manylinux_{top[0]}_{m}_{arch}" for m in range(top[1], 4, -1)]
    platforms += [f"manylinux2014_{arch}", f"manylinux2010_{arch}", f"manylinux1_{arch}", f"linux_{arch}"]
    return frozenset([*tags.cpython_tags((major, minor), platforms=platforms),
                      *tags.compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=platforms)])


def _wheel_fits(filename: str, supported: frozenset[tags.Tag]) -> bool:
    try:
        return bool(parse_wheel_filename(filename)[3] & supported)
    except InvalidWheelFilename:
        return False


def _minor(python: str) -> str:
    return ".".join(python.split(".")[:2])


def _short(err: BaseException) -> str:
    reason = getattr(err, "reason", None) or err
    return str(reason).splitlines()[0][:200] if str(reason) else type(err).__name__
