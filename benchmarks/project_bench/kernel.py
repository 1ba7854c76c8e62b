"""One kernel venv for the whole project, as a real project has: made with uv from Debian's python3
(the test base's Python), its resolution frozen with --exclude-newer, cached by its inputs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

CACHE = Path(os.environ.get("CONTAINERIZE_BENCH_CACHE", Path.home() / ".cache" / "jupyterlab-containerize-bench"))


def kernel_venv(requirements: list[str], exclude_newer: str, python: str = "/usr/bin/python3") -> Path:
    """The venv's python; `requirements` are requirement strings or `-r FILE`."""
    files = [Path(r.split(" ", 1)[1]).read_text() for r in requirements if r.startswith("-r ")]
    key = hashlib.sha256(json.dumps([python, requirements, files, exclude_newer]).encode()).hexdigest()[:12]
    venv = CACHE / f"project-venv-{key}"
    if not (venv / ".complete").exists():
        shutil.rmtree(venv, ignore_errors=True)
        uv = shutil.which("uv") or "uv"
        subprocess.run([uv, "venv", "-q", "-p", python, str(venv)], check=True)  # noqa: S603
        args = [part for r in requirements for part in (r.split(" ", 1) if r.startswith("-r ") else [r])]
        subprocess.run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"),  # noqa: S603
                        "--exclude-newer", exclude_newer, *args], check=True)
        (venv / ".complete").write_text("\n".join(requirements))
    return venv / "bin" / "python"
