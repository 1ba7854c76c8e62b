"""The benchmark environments: cached virtual environments made with uv, and running other interpreters."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("CONTAINERIZE_BENCH_CACHE", Path.home() / ".cache" / "jupyterlab-containerize-bench"))
BASE_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else (shutil.which("python3") or sys.executable)
# Freeze the resolution of the unpinned dependencies, so the environment is the same every time.
EXCLUDE_NEWER = "2024-06-01T00:00:00Z"
# Several of these are deliberately older than PyPI's newest release.
BENCH_REQUIREMENTS = [
    "pandas==2.1.4", "numpy==1.26.4", "scipy==1.11.4", "scikit-learn==1.3.2", "matplotlib==3.8.2",
    "seaborn==0.13.0", "requests==2.31.0", "beautifulsoup4==4.12.2", "lxml==4.9.3", "PyYAML==6.0.1",
    "pillow==10.1.0", "sympy==1.12", "networkx==3.2.1", "jinja2==3.1.2", "python-dateutil==2.8.2",
    "attrs==23.1.0", "tabulate==0.9.0", "openpyxl==3.1.2", "pyarrow==14.0.2", "sqlalchemy==2.0.23",
    "ipykernel==6.29.4", "jupyterlab==4.1.8",
]

MIN_DISTRIBUTIONS = 100


class SetupError(Exception):
    pass


def clean_env() -> dict[str, str]:
    """The environment for other interpreters: no PYTHONPATH leaking this process's packages."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    return env


def run(cmd: list[str], **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), **kw)  # noqa: S603


def make_venv(label: str, requirements: list[str], exclude_newer: Optional[str] = None) -> Path:
    """A cached venv with these requirements; returns its python. Falls back to uv's cache offline."""
    key = hashlib.sha256(json.dumps([BASE_PYTHON, requirements, exclude_newer]).encode()).hexdigest()[:12]
    venv = CACHE / f"{label}-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").exists() and python.exists():
        return python
    uv = shutil.which("uv")
    if not uv:
        raise SetupError("uv is not on PATH (pip install uv).")
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    done = run([uv, "venv", "-q", "-p", BASE_PYTHON, str(venv)])
    if done.returncode != 0:
        raise SetupError(f"uv venv failed: {last_line(done.stderr)}")
    install = [uv, "pip", "install", "-q", "--python", str(python), *requirements]
    if exclude_newer:
        install += ["--exclude-newer", exclude_newer]
    print(f"  installing {label} ({len(requirements)} requirements) into {venv} ...", flush=True)
    done = run(install)
    if done.returncode != 0:
        online_error = last_line(done.stderr)
        done = run(install + ["--offline"])  # no network: whatever uv has cached
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise SetupError(f"could not install {label}: {online_error}")
    (venv / ".complete").write_text("\n".join(requirements))
    return python


def last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


def count_distributions(python: Path) -> int:
    code = "import importlib.metadata as m; print(len({d.metadata['Name'].lower() for d in m.distributions()}))"
    return int(run([str(python), "-c", code], check=True).stdout.strip())
