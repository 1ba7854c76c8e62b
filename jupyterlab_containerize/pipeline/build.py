"""The entry of every build, the CLI's and the server's: one pipeline run (run.py), or with --repair the
verify-and-repair loop around it (repair.py)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ..builder.engine import Engine
from .repair import run_with_repair
from .run import BuildRequest, Emit, run_pipeline


def run_build(request: BuildRequest, engine: Engine, emit: Emit, cancel: threading.Event,
              workdir: Path) -> dict[str, Any]:
    """The build's result as the JSON the REST API, the panel and the CLI read (BuildResult.to_dict())."""
    try:
        if not request.options.repair:
            return run_pipeline(request, engine, emit, cancel, workdir).to_dict()
        return run_with_repair(request, engine, emit, cancel, workdir).to_dict()
    finally:  # the install container, removed in the background: gone before the build says it ended
        engine.wait_for_removals()
