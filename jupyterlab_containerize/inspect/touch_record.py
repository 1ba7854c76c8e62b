"""The touch record, server side: the one hook source, the expressions that install and read it in a
kernel (silently, through `user_expressions`, like the probe), and their parsed answers.

Used by the panel's recording (server/record_handlers.py), by every probe of a live kernel
(inspect/probe.py) and by `inspect --execute` (inspect/execute.py).
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .kernel_messages import kernel_user_expressions

HOOK_SOURCE = Path(__file__).with_name("touch_hook.py").read_text(encoding="utf-8")
SYSTEM_SOURCE = Path(__file__).with_name("system_probe_script.py").read_text(encoding="utf-8")
NAMESPACE = "{'__name__': '__containerize_touch_hook__'}"  # a throwaway globals dict per call


def _expression(calls: str) -> str:
    """One expression that execs the hook source in a throwaway namespace `g` and evaluates `calls`
    there, as one JSON string (IPython's repr of long containers is cut short)."""
    return f"__import__('json').dumps((lambda g: (exec({HOOK_SOURCE!r}, g), {calls})[1])({NAMESPACE}))"


INSTALL_EXPRESSION = _expression("g['install']()")
STATUS_EXPRESSION = _expression("g['summary']()")
RECORD_EXPRESSION = _expression(f"(exec({SYSTEM_SOURCE!r}, g), g['snapshot'](g['system_facts']))[1]")


@dataclass
class RecordStatus:
    """What the panel shows: is the kernel recording, since when, and how much it has seen."""

    recording: bool
    since: Optional[float] = None
    counts: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"recording": self.recording, "since": self.since, "counts": self.counts, "dropped": self.dropped}


def parse_expression_result(result: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """A user_expressions entry holding one JSON string -> the dict, or None when it failed."""
    if not result or result.get("status") != "ok":
        return None
    try:
        value = json.loads(ast.literal_eval(result.get("data", {}).get("text/plain", "")))
    except (ValueError, SyntaxError, TypeError):
        return None
    return value if isinstance(value, dict) else None


def record_status(data: Optional[dict[str, Any]]) -> RecordStatus:
    if not data or not data.get("recording"):
        return RecordStatus(recording=False)
    since = data.get("since")
    return RecordStatus(
        recording=True,
        since=float(since) if isinstance(since, (int, float)) else None,
        counts={k: int(v) for k, v in (data.get("counts") or {}).items() if isinstance(v, int)},
        dropped={k: int(v) for k, v in (data.get("dropped") or {}).items() if isinstance(v, int)},
    )


def parse_record(result: Optional[dict[str, Any]]) -> Optional[dict[str, Any]]:
    """The kernel's snapshot, or None when the kernel is not recording (or the read failed)."""
    data = parse_expression_result(result)
    return data if data and data.get("recording") else None


async def install_recording(kernel_manager: Any, timeout: float) -> RecordStatus:
    """Install the hook in a live kernel (idempotent: a kernel that records already just answers)."""
    answers = await kernel_user_expressions(kernel_manager, {"install": INSTALL_EXPRESSION}, timeout)
    return record_status(parse_expression_result(answers.get("install")))


async def recording_status(kernel_manager: Any, timeout: float) -> RecordStatus:
    answers = await kernel_user_expressions(kernel_manager, {"status": STATUS_EXPRESSION}, timeout)
    return record_status(parse_expression_result(answers.get("status")))
