"""Run the notebook top to bottom inside the built image, network off, with a per-cell timeout."""

from __future__ import annotations

import json
import tempfile
import threading
from pathlib import Path
from typing import Callable, Optional

from ..build.engine import Engine, Mount
from ..errors import VerifyFailed
from ..render.dockerfile import OUT, SCRIPTS, VENV, WORK
from .report import CellVerdict, VerifyReport, build_report

OnVerdict = Callable[[CellVerdict], None]


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
    with tempfile.TemporaryDirectory(prefix="containerize-verify-") as tmp:
        out = Path(tmp)
        out.chmod(0o777)  # the image runs as uid 1000
        command = [f"{WORK}/{in_image or notebook.name}", "--keep-going", "--timeout", str(cell_timeout),
                   "--output-dir", OUT, "--report", f"{OUT}/verify-report.json"]
        result = engine.run(
            image, command, entrypoint=[f"{VENV}/bin/python", f"{SCRIPTS}/run_notebook.py"],
            mounts=[Mount(out, OUT)], network=False,
            timeout=cell_timeout * max(code_cells, 1) + 60, cancel=cancel,
        )
        report_path = out / "verify-report.json"
        if not report_path.exists():
            raise VerifyFailed(
                f"The notebook could not be run in {image} (exit {result.exit_code}).",
                detail=result.logs[-4000:],
            )
        runner = json.loads(report_path.read_text())
        executed_path = out / notebook.name
        executed = json.loads(executed_path.read_text()) if executed_path.exists() else {}
    report = build_report(image, original, executed, runner)
    for verdict in report.cells:
        if on_verdict:
            on_verdict(verdict)
    failure = report.first_failure
    if failure is not None:
        error = failure.error or {}
        raise VerifyFailed(
            f"Verify failed: cell {failure.index} {failure.status} in {image}: "
            f"{error.get('ename', '')}: {error.get('evalue', '')}",
            detail=json.dumps(report.to_dict()),
        )
    return report
