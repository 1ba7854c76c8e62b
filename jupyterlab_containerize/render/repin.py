"""Re-resolve pins that refuse the base's Python to the newest version that accepts it (host uv)."""

from __future__ import annotations

import subprocess
from typing import Optional

from packaging.utils import canonicalize_name

from ..validate import safe_package_name, safe_version


def uv_binary() -> Optional[str]:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        import shutil

        return shutil.which("uv")


def newest_fitting(names: list[str], python_version: str, timeout: float = 60) -> dict[str, str]:
    """{name: version} for each name uv can pin for that Python; {} when uv or the index fails."""
    uv = uv_binary()
    if not uv or not names:
        return {}
    wanted = "\n".join(safe_package_name(n) for n in names) + "\n"
    command = [uv, "pip", "compile", "-", "--no-deps", "--python-version",
               safe_version(python_version), "--no-header", "--no-annotate", "--quiet"]
    try:
        done = subprocess.run(command, input=wanted, capture_output=True, text=True,  # noqa: S603
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if done.returncode != 0:
        return {}
    pins: dict[str, str] = {}
    for line in done.stdout.splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[canonicalize_name(name)] = version.strip()
    return pins
