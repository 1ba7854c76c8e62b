"""Run the notebook top to bottom inside the built image, network off, with a per-cell timeout."""

from __future__ import annotations

import json
import posixpath
import shlex
import threading
from pathlib import Path
from typing import Callable, Optional

from ..builder.engine import Engine
from ..errors import VerifyFailed
from ..layout import OUT, SCRIPTS, VENV, WORK
from .report import CellVerdict, VerifyReport, build_report

OnVerdict = Callable[[CellVerdict], None]
REPORT = "verify-report.json"
_EXIT_MEANING = {124: ": past the verify time limit", 137: ": killed, out of memory?"}
# no cell ran to a verdict: the image's runner itself failed, not one of the notebook's cells
RUNNER_HINT = (
    "The log below is the runner's own output. Run it yourself to see more: "
    "`docker run --rm --network none --entrypoint {python} {image} {runner} {notebook}`."
)


def verify_image(
    engine: Engine,
    image: str,
    notebook: Path,
    cell_timeout: int = 120,
    on_verdict: Optional[OnVerdict] = None,
    cancel: Optional[threading.Event] = None,
    in_image: Optional[str] = None,  # the notebook's path under the image's work folder
) -> VerifyReport:
    """Raises VerifyFailed naming the first failing cell; output mismatches are only reported."""
    original = json.loads(notebook.read_text(encoding="utf-8"))
    code_cells = sum(1 for c in original.get("cells", []) if c.get("cell_type") == "code")
    name = in_image or notebook.name
    report_path, executed_path = f"{OUT}/{REPORT}", f"{OUT}/{posixpath.basename(name)}"
    command = [f"{WORK}/{name}", "--keep-going", "--timeout", str(cell_timeout),
               "--output-dir", OUT, "--report", report_path]
    limit = cell_timeout * max(code_cells, 1) + 60
    # the results are copied out through the engine's API: nothing on this machine is mounted
    result = engine.run(
        image, command, entrypoint=[f"{VENV}/bin/python", f"{SCRIPTS}/run_notebook.py"],
        files_out=[report_path, executed_path], network=False, timeout=limit, cancel=cancel,
    )
    if report_path not in result.files:
        raise VerifyFailed(
            f"The notebook runner stopped in {image} before writing its report "
            f"(exit {result.exit_code}{_EXIT_MEANING.get(result.exit_code, '')}).",
            hint=RUNNER_HINT.format(python=f"{VENV}/bin/python", image=image,
                                    runner=f"{SCRIPTS}/run_notebook.py",
                                    notebook=shlex.quote(f"{WORK}/{name}")),
            detail=result.logs[-4000:],
        )
    runner = json.loads(result.files[report_path])
    executed = json.loads(result.files[executed_path]) if executed_path in result.files else {}
    report = build_report(image, original, executed, runner)
    for verdict in report.cells:
        if on_verdict:
            on_verdict(verdict)
    failure = report.first_failure
    if failure is not None:
        error = failure.error or {}
        raise VerifyFailed(
            f"Verify failed: cell {failure.cell} {failure.status} in {image}: "
            f"{error.get('ename', '')}: {error.get('evalue', '')}",
            report=report.to_dict(),
        )
    return report
