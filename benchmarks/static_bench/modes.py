"""The three ways to get an environment for a notebook whose kernel is gone, each built and verified
the same way (same base, same renderer, same verify): only the pins differ.

- static: our static inspection, pinned as of the notebook's date;
- repair: static, then build --repair when the static build did not verify;
- pipreqs: pipreqs' requirements (today's newest releases), as a user would `pip install -r` them.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Optional

from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.errors import ContainerizeError, VerifyFailed
from jupyterlab_containerize.inspect import StaticChoices, inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.repair import run_build
from jupyterlab_containerize.pipeline.run import BuildRequest
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec, Package

IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError")


@dataclass
class Outcome:
    mode: str
    built: bool = False
    import_error: bool = False  # any cell raised an ImportError the saved notebook did not
    all_equal: bool = False  # every cell's outcome (passed, or the saved error) as saved
    seconds: float = 0.0
    pins: dict[str, str] = field(default_factory=dict)
    note: str = ""
    repairs: list[dict[str, Any]] = field(default_factory=list)


def static_spec(notebook: Path, python: str) -> EnvironmentSpec:
    return inspect_notebook(notebook, static_choices=StaticChoices(force=True, python_version=python),
                            secret_policy=DEFAULT_POLICY)


def pipreqs_spec(static: EnvironmentSpec, pins: dict[str, str]) -> EnvironmentSpec:
    """The static spec (files, modules, Python) with pipreqs' top-level pins instead of ours."""
    spec = EnvironmentSpec.from_dict(static.to_dict())
    spec.packages = [Package(name=n, version=v or None, reason="imported") for n, v in sorted(pins.items())]
    spec.as_of = None
    return spec


def build_and_verify(mode: str, notebook: Path, spec: EnvironmentSpec, base: str, engine: DockerEngine,
                     repair: bool = False, cell_timeout: int = 120) -> Outcome:
    outcome = Outcome(mode, pins={p.name: p.version or "" for p in spec.packages if p.reason != "dependency"})
    options = BuildOptions(target="batch", base_image=base, verify=True, verify_timeout=cell_timeout,
                           tag=f"localhost/containerize-bench/{mode}:latest", repair=repair, repin=True)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="containerize-bench-") as workdir:
        try:
            result = run_build(BuildRequest(notebook, options, spec), engine, _quiet, threading.Event(),
                               Path(workdir))
            outcome.built = outcome.all_equal = True
            outcome.repairs = result.get("repairs") or []
        except VerifyFailed as err:
            outcome.built = True
            report = _report(err)
            outcome.repairs = report.get("repairs", [])
            cells = report.get("cells", [])
            outcome.import_error = any((c.get("error") or {}).get("ename") in IMPORT_ERRORS
                                       and not c.get("as_saved") for c in cells)
            outcome.note = err.message[:200] if not cells else _first_failure(cells)
        except ContainerizeError as err:
            outcome.note = err.message[:200]
    outcome.seconds = round(time.perf_counter() - start, 1)
    return outcome


def _quiet(*_args: Any, **_kwargs: Any) -> None:
    return None


def _report(err: VerifyFailed) -> dict[str, Any]:
    try:
        data = json.loads(err.detail or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _first_failure(cells: list[dict[str, Any]]) -> str:
    for cell in cells:
        if cell.get("status") in ("failed", "timeout") and not cell.get("as_saved"):
            error = cell.get("error") or {}
            return f"cell {cell.get('index')}: {error.get('ename')}: {str(error.get('evalue'))[:120]}"
    return ""


def replace_outcome(outcome: Optional[Outcome], **changes: Any) -> Optional[Outcome]:
    return replace(outcome, **changes) if outcome else None
