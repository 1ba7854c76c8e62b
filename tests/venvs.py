"""Cached virtual environments for the tests, made with uv.

Debian's /usr/bin/python3 by default: it is the test base image's Python, so a lock made in these
venvs installs in that image. Each suite keeps its own cache prefix; the key is the exact inputs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Callable, Optional

BASE_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else (shutil.which("python3") or "python3")
CACHE = Path(os.environ.get("CONTAINERIZE_TEST_CACHE", Path.home() / ".cache" / "jupyterlab-containerize-tests"))


def make_venv(
    requirements: list[str],
    python: str = BASE_PYTHON,
    prefix: str = "venv",
    prepare: Optional[Callable[[Path], None]] = None,
) -> Path:
    """A venv with exactly these requirements (`-e PATH` allowed); returns its python.

    `prepare(python)` runs once before the venv is marked complete (warming caches, say).
    """
    key = hashlib.sha256(json.dumps([python, requirements]).encode()).hexdigest()[:12]
    venv = CACHE / f"{prefix}-{key}"
    venv_python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return venv_python
    shutil.rmtree(venv, ignore_errors=True)
    uv = shutil.which("uv")
    assert uv, "uv is needed for the integration tests (pip install uv)"
    subprocess.run([uv, "venv", "-q", "-p", python, str(venv)], check=True)  # noqa: S603
    args = [part for r in requirements for part in (r.split(" ", 1) if r.startswith("-e ") else [r])]
    subprocess.run([uv, "pip", "install", "-q", "--python", str(venv_python), *args], check=True)  # noqa: S603
    if prepare is not None:
        prepare(venv_python)
    (venv / ".complete").write_text("\n".join(requirements))
    return venv_python
