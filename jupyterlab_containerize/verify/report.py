"""The verify report: one verdict per code cell, and whether the image reproduces the notebook."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from .compare import cell_text, normalise, outputs_match, saved_error

# a cell that fails with one of these lacks a file, the network (off while verifying) or resources:
# no other version of a package would make it pass (pipeline/repair.py, pipeline/verify_step.py)
NOT_A_VERSION_PROBLEM = ("FileNotFoundError", "IsADirectoryError", "NotADirectoryError", "PermissionError",
                         "ConnectionError", "ConnectionRefusedError", "ConnectionResetError", "URLError",
                         "HTTPError", "gaierror", "MaxRetryError", "NewConnectionError", "SSLError",
                         "TimeoutError", "MemoryError", "KeyboardInterrupt", "SystemExit",
                         "StdinNotImplementedError")
# raised inside an installed package where the saved run was not, these are what an API that moved
# raises: a removed name (AttributeError, ImportError), a changed signature or value (TypeError,
# ValueError), a dropped option (KeyError), a renamed style or resource (OSError). --repair steps them.
VERSION_ERRORS = ("ImportError", "AttributeError", "TypeError", "ValueError", "KeyError", "OSError",
                  "NotImplementedError")


@dataclass
class CellVerdict:
    index: int  # 0-based among all the notebook's cells
    status: str  # passed / failed / timeout / not-run
    output_match: Optional[bool]  # None: nothing saved to compare with
    as_saved: bool = False  # failed with the same error the saved notebook shows (a lesson's)
    error: Optional[dict[str, str]] = None
    seconds: float = 0.0
    expected: Optional[str] = None  # only when outputs differ
    actual: Optional[str] = None
    cell: int = 0  # what users are shown: the 1-based position among all cells (index + 1)

    def __post_init__(self) -> None:
        self.cell = self.index + 1


@dataclass
class VerifyReport:
    image: str
    python: str = ""
    cells: list[CellVerdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.first_failure is None

    @property
    def first_failure(self) -> Optional[CellVerdict]:
        """The first cell whose outcome differs from the saved notebook's."""
        return next((c for c in self.cells if c.status in ("failed", "timeout", "not-run")
                     and not c.as_saved), None)

    @property
    def mismatches(self) -> list[CellVerdict]:
        return [c for c in self.cells if c.output_match is False]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(passed=self.passed, mismatched=[c.index for c in self.mismatches],
                    mismatched_cells=[c.cell for c in self.mismatches])
        return data


def build_report(
    image: str, original: dict[str, Any], executed: dict[str, Any], runner_report: dict[str, Any]
) -> VerifyReport:
    report = VerifyReport(image=image, python=runner_report.get("python", ""))
    originals = original.get("cells", [])
    executed_cells = executed.get("cells", [])
    for record in runner_report.get("cells", []):
        index = int(record["index"])
        before = originals[index] if index < len(originals) else {}
        after = executed_cells[index] if index < len(executed_cells) else {}
        status = record.get("status", "not-run")
        error = record.get("error") or {}
        as_saved = status == "failed" and saved_error(before) == error.get("ename")
        match = outputs_match(before, after) if status == "passed" or as_saved else None
        verdict = CellVerdict(index=index, status=status, output_match=match, as_saved=as_saved,
                              error=record.get("error"), seconds=record.get("seconds", 0.0))
        if match is False:
            verdict.expected = normalise(cell_text(before))[:2000]
            verdict.actual = normalise(cell_text(after))[:2000]
        report.cells.append(verdict)
    return report
