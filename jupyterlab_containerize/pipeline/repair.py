"""build --repair: build, run the notebook in the image, and when a cell fails where the saved notebook
did not, change the environment and go again, up to N rounds. The saved outputs are the oracle.

- ModuleNotFoundError: add the distribution the curated table names (never a guess);
- an error a moved API raises (verify/report.py's VERSION_ERRORS: a removed name's AttributeError, a
  renamed style's OSError, a dropped option's KeyError...) inside an installed package: step that
  package back to its previous major as of the notebook's date, then its previous minor series, then
  forward.
Every change is reported with its reason, and the repaired spec is in the result.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..builder.engine import Engine
from ..errors import ContainerizeError, VerifyFailed
from ..inspect.as_of_pins import pin_as_of
from ..inspect.known_names import distribution_for_import
from ..inspect.notebook_date import NotebookDate
from ..spec import EnvironmentSpec, ImportRecord, Package
from ..verify.report import VERSION_ERRORS
from .result import BuildResult
from .run import BuildRequest, Emit, inspect_for_build, run_pipeline

_NO_MODULE = re.compile(r"No module named '([A-Za-z0-9_.]+)'")


@dataclass
class RepairChange:
    round: int
    cell: int
    package: str
    change: str  # "added" | "stepped back" | "stepped forward"
    before: Optional[str]
    after: Optional[str]
    why: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def run_with_repair(request: BuildRequest, engine: Engine, emit: Emit, cancel: threading.Event,
                    workdir: Path) -> BuildResult:
    """Build and verify; on a cell that fails where the saved notebook did not, change the spec and
    build again (options.repair_rounds at most). The changes and the spec that verified are in the result."""
    spec = request.spec or inspect_for_build(request, emit)
    when = _window(spec)
    changes: list[RepairChange] = []
    bounds: dict[str, str] = {}  # name -> version bound, e.g. "<2.0"
    tries: dict[str, list[str]] = {}  # name -> versions built so far
    options = replace(request.options, verify=True)
    for round_no in range(request.options.repair_rounds + 1):
        attempt = replace(request, spec=spec, options=options)
        try:
            result = run_pipeline(attempt, engine, emit, cancel, workdir / f"round-{round_no}")
        except VerifyFailed as err:
            change = _next_change(err, spec, tries, round_no + 1)
            if change is None or round_no == request.options.repair_rounds:
                err.report = {**(err.report or {}), "repairs": [c.to_dict() for c in changes]}
                raise
            emit("log", f"repair round {change.round}: {change.package} {change.change} "
                        f"({change.before or '-'} -> {change.after or 'new'}): {change.why}")
            spec = _apply(spec, change, bounds, when)
            _record_after(spec, change, tries)
            changes.append(change)
            continue
        result.repairs = [c.to_dict() for c in changes]
        result.repaired_spec = spec.to_dict() if changes else None
        return result
    raise ContainerizeError("The repair loop ended without a result.")  # not reached: the loop returns or raises


def _next_change(err: VerifyFailed, spec: EnvironmentSpec, tries: dict[str, list[str]],
                 round_no: int) -> Optional[RepairChange]:
    failing = [c for c in (err.report or {}).get("cells", [])
               if c.get("status") in ("failed", "timeout") and not c.get("as_saved")]
    if not failing:
        return None
    cell = failing[0]
    error = cell.get("error") or {}
    ename, evalue = str(error.get("ename", "")), str(error.get("evalue", ""))
    if ename == "ModuleNotFoundError":
        missing = _NO_MODULE.search(evalue)
        name = distribution_for_import(missing.group(1)) if missing else None
        if name is None or spec.package(name) is not None:
            return None
        return RepairChange(round_no, _cell(cell), name, "added", None, None,
                            f"cell {_cell(cell)} raised ModuleNotFoundError: {evalue}")
    owner = _owning_package(spec, str(error.get("package") or ""))
    if ename not in VERSION_ERRORS or owner is None or not owner.version:
        return None
    why = f"cell {_cell(cell)} raised {ename} inside {owner.name}: {evalue}"[:300]
    history = tries.setdefault(canonicalize_name(owner.name), [owner.version])
    step = _step(owner.version, history)
    if step is None:
        return None
    direction, bound = step
    return RepairChange(round_no, _cell(cell), owner.name, direction, owner.version, bound, why)


def _cell(verdict: dict[str, Any]) -> int:
    """The 1-based cell number users are shown (verify/report.py)."""
    return int(verdict.get("cell") or int(verdict.get("index", 0)) + 1)


def _owning_package(spec: EnvironmentSpec, module: str) -> Optional[Package]:
    if not module:
        return None
    record: Optional[ImportRecord] = next((i for i in spec.imports if i.module.split(".")[0] == module
                                           and i.distribution), None)
    name = record.distribution if record else distribution_for_import(module) or module
    return spec.package(name) if name else None


def _step(version: str, history: list[str]) -> Optional[tuple[str, str]]:
    """Back to the previous major first (pandas 2, numpy 2 and most breaking changes are majors), then
    the previous minor series, then forward past the first version tried."""
    try:
        current, first = Version(version), Version(history[0])
    except InvalidVersion:
        return None
    back_steps = len(history) - 1
    if current > first:
        return None  # already stepped forward: out of ideas
    if back_steps == 0:
        return "stepped back", f"<{current.major}" if current.major else f"<0.{current.minor}"
    if back_steps == 1 and (current.minor or current.major == 0):
        return "stepped back", f"<{current.major}.{current.minor}"
    return "stepped forward", f">{first}"


def _apply(spec: EnvironmentSpec, change: RepairChange, bounds: dict[str, str], when: NotebookDate) -> EnvironmentSpec:
    spec = EnvironmentSpec.from_dict(spec.to_dict())
    if change.change == "added":
        spec.packages.append(Package(name=change.package, version=None, reason="user"))
    else:
        bounds[canonicalize_name(change.package)] = str(change.after)
    if change.change == "stepped forward":  # newer releases than the notebook's date: widen the window
        when = NotebookDate(when.date + dt.timedelta(days=730), when.source)
    as_of, source = spec.as_of, spec.as_of_source
    pin_as_of(spec, when, bounds=bounds)
    spec.as_of, spec.as_of_source = as_of or when.iso, source or when.source
    return spec


def _record_after(spec: EnvironmentSpec, change: RepairChange, tries: dict[str, list[str]]) -> None:
    package = spec.package(change.package)
    change.after = package.version if package else change.after
    if package and package.version and change.change != "added":
        tries.setdefault(canonicalize_name(package.name), []).append(package.version)


def _window(spec: EnvironmentSpec) -> NotebookDate:
    if spec.as_of:
        return NotebookDate(dt.date.fromisoformat(spec.as_of), "as-of")
    return NotebookDate(dt.datetime.now(dt.timezone.utc).date(), "as-of")
