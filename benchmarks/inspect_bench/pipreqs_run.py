"""Running pipreqs as a user would, from its own virtual environment, for comparison."""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .environment import SetupError, last_line, make_venv, run
from .notebook import Notebook
from .timing import cpu_seconds

PIPREQS_DEFAULT = "pipreqs==0.5.0"
PYPI_JSON = "https://pypi.org/pypi/"


@dataclass
class PipreqsRun:
    version: str = ""
    time_s: Optional[float] = None
    cpu_s: Optional[float] = None
    stdout: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    error: Optional[str] = None


def run_pipreqs(notebook: Notebook, spec: str) -> PipreqsRun:
    result = PipreqsRun()
    try:
        python = make_venv("pipreqs", [spec])
    except SetupError as err:
        result.error = f"pipreqs could not be installed ({err})"
        return result
    pipreqs = python.parent / "pipreqs"
    info = run([str(python), "-c", "import importlib.metadata as m, os, pipreqs; "
                 "print(m.version('pipreqs')); print(os.path.dirname(pipreqs.__file__))"])
    if info.returncode == 0:
        version, folder = info.stdout.split()
        result.version = version
        mapping_file = Path(folder) / "mapping"
        if mapping_file.exists():
            for line in mapping_file.read_text(encoding="utf-8").splitlines():
                if ":" in line:
                    module, _, name = line.strip().partition(":")
                    result.mapping[module] = name
    help_text = run([str(pipreqs), "--help"]).stdout
    cmd = [str(pipreqs), "--print"]
    if "--scan-notebooks" in help_text:
        cmd.append("--scan-notebooks")
    if "--pypi-server" in help_text:
        # Its default, https://pypi.python.org/pypi/, only redirects here (and may not resolve behind a proxy).
        cmd += ["--pypi-server", PYPI_JSON]
    cmd.append(str(notebook.path.parent))
    start, start_cpu = time.perf_counter(), cpu_seconds()
    try:
        done = run(cmd, timeout=300, cwd=str(notebook.path.parent))
    except subprocess.TimeoutExpired:
        result.error = "pipreqs did not finish within 300 s"
        return result
    result.time_s, result.cpu_s = time.perf_counter() - start, cpu_seconds() - start_cpu
    if done.returncode != 0:
        network = re.search(r"(ConnectionError|NewConnectionError|Max retries exceeded|Name or service not known|"
                            r"Temporary failure in name resolution)", done.stderr)
        why = "it could not reach PyPI (no network)" if network else last_line(done.stderr)
        result.error = f"pipreqs could not run: {why}"
    result.stdout = done.stdout
    return result
