"""One progress for the whole build: environment, notebook layer, verify, push, numbered as one.

Each phase's size is known before the first of them starts (the install scripts' phase markers, the
Dockerfile's instructions, the notebooks to verify, push and export), so `step n of total` only
goes up and its total never changes. A phase's own `step n of m` events (the environment's markers,
Docker's `Step n/m`) are renumbered into it; a phase that has nothing to do (an environment image
that is up to date) is passed over in one step. Step, verify and done events carry
`data["progress"] = {phase, step, total}`; the build record lifts it onto the event.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

from ..render.install_script import MARK

PHASES = ("environment", "notebook", "verify", "push")
Emit = Callable[..., None]
# instructions Docker counts as steps; a continuation line (LABEL a=b \) or a comment is none
_INSTRUCTIONS = ("FROM", "RUN", "COPY", "ADD", "ENV", "ARG", "LABEL", "USER", "WORKDIR", "ENTRYPOINT",
                 "CMD", "EXPOSE", "HEALTHCHECK", "VOLUME", "SHELL", "STOPSIGNAL", "ONBUILD")


def environment_steps(build_only: Path) -> int:
    """The phase markers the install scripts always echo (indented ones are conditional)."""
    count = 0
    for name in ("install-user.sh", "install.sh"):
        path = build_only / name
        if path.is_file():
            count += sum(line.startswith(f'echo "{MARK}') for line in path.read_text().splitlines())
    return count


def dockerfile_steps(dockerfile: str) -> int:
    return sum(1 for line in dockerfile.splitlines() if line.split(" ", 1)[0].upper() in _INSTRUCTIONS)


class Progress:
    def __init__(self, emit: Emit, sizes: dict[str, int]) -> None:
        self._emit = emit
        self.sizes = {phase: max(0, int(sizes.get(phase, 0))) for phase in PHASES}
        self.total = sum(self.sizes.values())
        self.current = 0
        self.phase: Optional[str] = None

    def offset(self, phase: str) -> int:
        return sum(self.sizes[p] for p in PHASES[:PHASES.index(phase)])

    def value(self) -> dict[str, Any]:
        return {"phase": self.phase, "step": self.current, "total": self.total}

    def step(self, phase: str, local: int, message: str, data: Optional[dict[str, Any]] = None) -> None:
        """Step `local` (1-based) of `phase`, clamped into the phase and never going back."""
        self.phase = phase
        size = self.sizes[phase]
        at = self.offset(phase) + (min(max(local, 1), size) if size else 0)
        self.current = max(self.current, at)
        self._emit("step", message, step=self.current, total=self.total,
                   data={**(data or {}), "progress": self.value()})

    def skip(self, phase: str, message: str) -> None:
        """The phase had nothing to do: straight to its last step."""
        self.step(phase, self.sizes[phase], message)

    def event(self, kind: str, message: str, data: Optional[dict[str, Any]] = None) -> None:
        """A verify or done event, with where the build is."""
        self._emit(kind, message, data={**(data or {}), "progress": self.value()})

    def emitter(self, phase: str) -> Emit:
        """The emit a phase's own code is given: its step events renumbered, the rest passed on."""
        def emit(kind: str, message: str, step: Optional[int] = None, total: Optional[int] = None,
                 data: Optional[dict[str, Any]] = None) -> None:
            if kind == "step":
                self.step(phase, step or 1, message, data)
            elif kind == "verify":
                self.event(kind, message, data)
            else:
                self._emit(kind, message, step=step, total=total, data=data)
        return emit
