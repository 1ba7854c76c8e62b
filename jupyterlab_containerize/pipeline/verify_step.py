"""The verify phase of a build: the notebook (or each of a project's) run in the new image.

Cells are named by their 1-based position among all the notebook's cells (markdown included), as
the notebook's own cell numbering and the verify table show them: `cell` in every event, report
and message.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Optional

from ..builder.engine import Engine
from ..errors import BuildCancelled, VerifyFailed
from ..options import BuildOptions
from ..render.context import RenderedContext
from ..spec import EnvironmentSpec
from ..verify import verify_image
from ..verify.report import NOT_A_VERSION_PROBLEM, VERSION_ERRORS
from .progress import Progress
from .project import Project


def verify_build(engine: Engine, image: str, notebook: Path, project: Optional[Project], context: RenderedContext,
                 options: BuildOptions, progress: Progress, cancel: threading.Event) -> dict[str, Any]:
    """The verify of a build: its notebook's report, or a project's summary of all of them."""
    if project is not None:
        return verify_project(engine, image, project, context, options, progress, cancel)
    return verify_notebook(engine, image, notebook, options, progress, cancel, context.notebook_name)


def verify_notebook(engine: Engine, image: str, notebook: Path, options: BuildOptions, progress: Progress,
                    cancel: threading.Event, in_image: Optional[str] = None, project: bool = False,
                    number: int = 1) -> dict[str, Any]:
    shown = in_image if project and in_image else notebook.name
    progress.step("verify", number, f"verify: running {shown} in {image}, network off, "
                                    f"{options.verify_timeout} s per cell")

    def on_verdict(v: Any) -> None:
        match = {True: "output matches", False: "output differs", None: "nothing saved to compare"}
        saved = " (the saved notebook raised it too)" if v.as_saved else ""
        where = f"{shown} " if project else ""
        progress.event("verify", f"{where}cell {v.cell}: {v.status}, {match[v.output_match]}{saved}",
                       data={"index": v.index, "cell": v.cell, "status": v.status,
                             "output_match": v.output_match, "as_saved": v.as_saved, "error": v.error,
                             **({"notebook": shown} if project else {})})

    report = verify_image(engine, image, notebook, options.verify_timeout, on_verdict, cancel, in_image)
    return report.to_dict()


def verify_project(engine: Engine, image: str, project: Project, context: RenderedContext,
                   options: BuildOptions, progress: Progress, cancel: threading.Event) -> dict[str, Any]:
    """Every notebook in the image, one after the other; a failing one does not stop the rest."""
    reports: dict[str, Any] = {}
    failed: list[str] = []
    for number, (notebook, name) in enumerate(zip(project.notebooks, context.notebooks), start=1):
        if cancel.is_set():
            raise BuildCancelled("The build was cancelled during verify.")
        try:
            reports[name] = verify_notebook(engine, image, notebook, options, progress, cancel, name,
                                            project=True, number=number)
        except VerifyFailed as err:
            if cancel.is_set():
                raise
            failed.append(name)
            progress.event("log", f"{name}: {err.message}")
            reports[name] = _report_of(err)
    summary = {"passed": not failed, "failed": failed, "notebooks": reports}
    if failed:
        raise VerifyFailed(f"Verify failed in {len(failed)} of {len(reports)} notebooks: {', '.join(failed[:5])}"
                           + (" ..." if len(failed) > 5 else ""), report=summary)
    return summary


def _report_of(err: VerifyFailed) -> dict[str, Any]:
    """The notebook's report; the runner's own failure (no cell ran to a verdict) in its shape."""
    if err.report is not None:
        return err.report
    return {"passed": False, "cells": [], "mismatched": [], "error": err.message, "log": err.detail}


def moved_package_hint(err: VerifyFailed, spec: EnvironmentSpec, options: BuildOptions) -> Optional[str]:
    """What else to try when a cell raised where the saved notebook did not: most often a package
    that changed since the notebook ran. None for a timeout, a runner that stopped, or a first
    failure that no version would change (a missing file, the network)."""
    reports = [err.report or {}, *((err.report or {}).get("notebooks") or {}).values()]
    first = next((cell for report in reports if isinstance(report, dict) for cell in report.get("cells") or []
                  if cell.get("status") == "failed" and not cell.get("as_saved")), None)
    error = (first or {}).get("error") or {}
    if first is None or error.get("ename") in NOT_A_VERSION_PROBLEM:
        return None
    steps = []
    if spec.as_of and spec.as_of_source == "file-time":
        steps.append(f"the pins are as of {spec.as_of}, only the file's own time: give the day it last "
                     "ran with --as-of DATE")
    if not options.repair and (error.get("package") and error.get("ename") in VERSION_ERRORS
                               or error.get("ename") == "ModuleNotFoundError"):
        steps.append(f"build with --repair (the panel's Repair option), which steps {error.get('package') or 'it'} "
                     "to another version")
    return ("A package may also have changed since the notebook ran: " + "; or ".join(steps) + ".") if steps else None
