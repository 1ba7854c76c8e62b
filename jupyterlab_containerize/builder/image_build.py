"""The notebook image: `docker build` of a rendered context on an engine, its steps as progress events."""

from __future__ import annotations

import collections
import os
import threading
from pathlib import Path
from typing import Any, Callable

from ..layout import CONTEXT_FOLDER, SOURCE_DATE_EPOCH
from ..options import BuildOptions
from .engine import BuildContext, Engine
from .logparse import classify_failure, parse_step

# emit(kind, message, step=None, total=None, data=None)
Emit = Callable[..., None]


def docker_build(engine: Engine, context: BuildContext, tag: str, options: BuildOptions,
                 emit: Emit, cancel: threading.Event) -> str:
    lock = (context.directory / CONTEXT_FOLDER / "requirements.txt").read_text().split()
    tail: collections.deque[str] = collections.deque(maxlen=80)
    state = {"step": ""}

    def on_line(line: dict[str, Any]) -> None:
        if "error" in line:
            raise classify_failure(line["error"], list(tail), state["step"], lock)
        text = str(line.get("stream", "")).rstrip()
        if not text:
            return
        parsed = parse_step(text)
        if parsed:
            state["step"] = parsed[2]
            emit("step", text.strip(), step=parsed[0], total=parsed[1])
        else:
            tail.append(text)
            emit("log", text)

    emit("log", f"Building {tag} from {context.directory}")
    fix_times(context.directory)
    return engine.build(context.directory, tag, context.build_args, on_line, cancel,
                        no_cache=options.no_cache)


def fix_times(folder: Path) -> None:
    """One fixed time on every file sent, whatever a builder keeps of it (the layers' own times
    come from the archives, render/layer_archive.py)."""
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (SOURCE_DATE_EPOCH, SOURCE_DATE_EPOCH), follow_symlinks=False)
