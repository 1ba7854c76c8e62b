"""The engine-side package cache: a named volume holding uv's cache, mounted into the environment
container, so a new lock reuses every wheel this engine has already downloaded.

A named volume lives where the engine is (a remote engine keeps its own), is never a bind mount
of this machine's files, and is never committed into an image. It holds uv's cache only (wheels
and index metadata): the CA bundle and env files stay in the build-only folder, and an index URL
that carries credentials turns the cache off for that build. Past its size limit install.sh
clears it (`uv cache clean`) after the install.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlsplit

from ..errors import InvalidRequest
from ..layout import LABEL_PREFIX

VOLUME = "containerize-uv-cache"
VOLUME_ENV = "CONTAINERIZE_PACKAGE_CACHE_VOLUME"  # another volume (tests, one cache per team)
MAX_GB_ENV = "CONTAINERIZE_PACKAGE_CACHE_MAX_GB"
DEFAULT_MAX_GB = 10.0
# Under /dev, the container's own tmpfs: the mount point is not even an empty folder in the commit.
# Outside every folder install.sh deletes (rm -rf would empty the volume).
MOUNT = "/dev/containerize-uv-cache"
VOLUME_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
INDEX_FILES = ("index-url", "extra-index-url")  # written by render/build_only.py when set


@dataclass(frozen=True)
class PackageCache:
    volume: str
    max_mb: int

    def volumes(self) -> dict[str, str]:
        return {self.volume: MOUNT}

    def script_env(self) -> str:
        """What install.sh reads to use the cache: set on its command line, so not committed."""
        return f"CONTAINERIZE_UV_CACHE={MOUNT} CONTAINERIZE_UV_CACHE_MAX_MB={self.max_mb}"


def cache_max_gb(requested: Optional[float], environ: Optional[Mapping[str, str]] = None) -> float:
    """The option if given, else $CONTAINERIZE_PACKAGE_CACHE_MAX_GB, else 10 GB; 0 turns it off."""
    environ = os.environ if environ is None else environ
    value: object = requested if requested is not None else environ.get(MAX_GB_ENV) or DEFAULT_MAX_GB
    try:
        gb = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as err:
        raise InvalidRequest(f"The package cache size must be a number of GB, not {value!r}.",
                             hint=f"Set the package cache's size in GB ({MAX_GB_ENV}); 0 turns it off.",
                             cli_hint=f"Give --package-cache-max-gb N (or {MAX_GB_ENV}); 0 turns it off.") from err
    if not 0 <= gb <= 10_000:
        raise InvalidRequest(f"The package cache size must be 0 to 10000 GB, not {gb}.")
    return gb


def package_cache_for(no_cache: bool, max_gb: Optional[float], build_only: Path,
                      environ: Optional[Mapping[str, str]] = None) -> tuple[Optional[PackageCache], str]:
    """The cache this build uses, or None and why not (shown in the build log)."""
    environ = os.environ if environ is None else environ
    if no_cache:
        return None, "off (no cache asked): every package is downloaded again"
    gb = cache_max_gb(max_gb, environ)
    if gb == 0:
        return None, "turned off (package_cache_max_gb = 0)"
    if any(_has_credentials(build_only / name) for name in INDEX_FILES):
        return None, "not used: the package index URL carries credentials"
    volume = environ.get(VOLUME_ENV) or VOLUME
    if not VOLUME_NAME.fullmatch(volume):
        raise InvalidRequest(f"{VOLUME_ENV} must be a volume name (letters, digits, '_.-'), not {volume!r}.")
    return PackageCache(volume, max(1, int(gb * 1024))), f"volume {volume} (cleared past {gb:g} GB)"


def volume_labels() -> dict[str, str]:
    return {f"{LABEL_PREFIX}.package-cache": "uv"}


def _has_credentials(path: Path) -> bool:
    if not path.is_file():
        return False
    return any("@" in urlsplit(url).netloc for url in path.read_text().split())
