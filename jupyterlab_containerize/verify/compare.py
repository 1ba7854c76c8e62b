"""Compare a cell's text outputs in the image with the notebook's saved outputs.

Only what is meant to be stable is compared: memory addresses, timings and timestamps are masked.
"""

from __future__ import annotations

import re
from typing import Any, Optional

_MASKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"0x[0-9a-fA-F]{4,}"), "0x…"),
    (re.compile(r"^(CPU times|Wall time):.*$", re.M), r"\1: …"),
    (re.compile(r"\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s) ± \d+(?:\.\d+)?\s?(?:ns|µs|us|ms|s)[^\n]*"),
     "<timeit>"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"),
     "<datetime>"),
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ns|µs|us|ms|sec|seconds|s)\b"), "<duration>"),
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


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)
