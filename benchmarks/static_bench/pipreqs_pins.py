"""pipreqs as a user runs it: from its own venv, on a folder holding just the notebook."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

PIPREQS = "pipreqs==0.5.0"


def pipreqs_python(cache: Path) -> Path:
    venv = cache / "pipreqs-venv"
    python = venv / "bin" / "python"
    if not (venv / ".complete").exists():
        uv = shutil.which("uv") or "uv"
        subprocess.run([uv, "venv", "-q", str(venv)], check=True)  # noqa: S603
        subprocess.run([uv, "pip", "install", "-q", "--python", str(python), PIPREQS], check=True)  # noqa: S603
        (venv / ".complete").write_text("")
    return python


def pipreqs_pins(python: Path, notebook: Path) -> tuple[dict[str, str], str]:
    """({name: version}, error) from `pipreqs --scan-notebooks --print`."""
    with tempfile.TemporaryDirectory(prefix="pipreqs-") as folder:
        shutil.copy(notebook, Path(folder) / notebook.name)
        done = subprocess.run(  # noqa: S603
            [str(python.parent / "pipreqs"), "--scan-notebooks", "--print", "--pypi-server",
             "https://pypi.org/pypi/", folder], capture_output=True, text=True, timeout=300)
    pins: dict[str, str] = {}
    for line in done.stdout.splitlines():
        name, sep, version = line.strip().partition("==")
        if sep:
            pins[name] = version
    error = "" if done.returncode == 0 else (done.stderr.strip().splitlines() or ["failed"])[-1]
    return pins, error
