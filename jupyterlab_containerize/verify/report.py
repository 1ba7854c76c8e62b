"""The verify report: one verdict per code cell, and whether the image reproduces the notebook."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional

from .compare import cell_text, normalise, outputs_match


@dataclass
class CellVerdict:
    index: int
    status: str  # passed / failed / timeout / not-run
    output_match: Optional[bool]  # None: nothing saved to compare with
    error: Optional[dict[str, str]] = None
    seconds: float = 0.0
    expected: Optional[str] = None  # only when outputs differ
    actual: Optional[str] = None


@dataclass
class VerifyReport:
    image: str
    python: str = ""
    cells: list[CellVerdict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.status == "passed" for c in self.cells)

    @property
    def first_failure(self) -> Optional[CellVerdict]:
        return next((c for c in self.cells if c.status in ("failed", "timeout")), None)

    @property
    def mismatches(self) -> list[CellVerdict]:
        return [c for c in self.cells if c.output_match is False]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(passed=self.passed, mismatched=[c.index for c in self.mismatches])
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
        match = outputs_match(before, after) if status == "passed" else None
        verdict = CellVerdict(index=index, status=status, output_match=match,
                              error=record.get("error"), seconds=record.get("seconds", 0.0))
        if match is False:
            verdict.expected = normalise(cell_text(before))[:2000]
            verdict.actual = normalise(cell_text(after))[:2000]
        report.cells.append(verdict)
    return report
