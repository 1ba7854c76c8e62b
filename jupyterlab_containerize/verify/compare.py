"""Compare a cell's text outputs in the image with the notebook's saved outputs.

Only what is meant to be stable is compared: memory addresses, timings and timestamps are masked.
"""

from __future__ import annotations

import re
from typing import Any, Optional

_UNIT = r"(?:ns|[µμu]s|ms|s)"  # IPython prints μ (U+03BC); Python's own text µ (U+00B5)
_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"0x[0-9a-fA-F]{4,}"), "0x…"),
    (re.compile(r"^(CPU times|Wall time):.*$", re.M), r"\1: …"),
    (re.compile(r"^The slowest run took .*$", re.M), ""),
    (re.compile(rf"\d+(?:\.\d+)?\s?{_UNIT} ± \d+(?:\.\d+)?\s?{_UNIT}[^\n]*"), "<timeit>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
     "<datetime>"),
    (re.compile(rf"\b\d+(?:\.\d+)?\s?(?:{_UNIT}|sec|seconds)\b"), "<duration>"),
    # where the kernel and the packages live differs between the kernel's machine and the image
    (re.compile(r"/tmp/ipykernel_\d+/"), "/tmp/ipykernel_…/"),
    (re.compile(r"[^\s'\"]*/lib/python\d+\.\d+/site-packages/"), "<site-packages>/"),
    (re.compile(r"[ \t]+$", re.M), ""),
)


def normalise(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text.strip()


def cell_text(cell: dict[str, Any]) -> str:
    """Streams, text/plain results and errors, in order, as one string."""
    parts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(_join(out.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            parts.append(_join(out.get("data", {}).get("text/plain", "")))
        elif kind == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "\n".join(p for p in parts if p)


def outputs_match(original: dict[str, Any], executed: dict[str, Any]) -> Optional[bool]:
    """None when the saved notebook holds no run of this cell to compare with."""
    if original.get("execution_count") is None and not original.get("outputs"):
        return None
    return normalise(cell_text(original)) == normalise(cell_text(executed))


def saved_error(cell: dict[str, Any]) -> Optional[str]:
    """The ename of the error the saved notebook shows for this cell, if any."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return str(out.get("ename", ""))
    return None


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)
