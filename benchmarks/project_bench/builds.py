"""Builds as a user runs them (run_pipeline with a spec or a project), made cold on purpose:
the environment image a lock would reuse is untagged first, so it is built again."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Optional

import docker.errors

from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.builder.environment_image import REPOSITORY, environment_key
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.project import Project
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render.context import render_context, render_project_context
from jupyterlab_containerize.spec import EnvironmentSpec

# uv's own timings in the install log: where an environment's time goes
UV_PHASES = re.compile(r"(Prepared|Installed|Bytecode compiled) \d+ (?:packages|files) in ([\d.]+)(ms|s)")
COMMIT = re.compile(r"Environment image (committed) in ([\d.]+)()")  # environment_image.py's own line


@dataclass
class Built:
    seconds: float
    result: dict[str, Any]
    environment_steps: int  # install phases seen: 0 when an environment was reused
    phases: dict[str, float]  # uv's: Prepared (download), Installed, Bytecode compiled; seconds

    def breakdown(self) -> str:
        shown = {"Prepared": "download", "Installed": "install", "Bytecode compiled": "compile",
                 "committed": "normalise+commit"}
        return ", ".join(f"{shown[k]} {v:.1f}" for k, v in self.phases.items())


def untag_environment(engine: DockerEngine, spec: EnvironmentSpec, target: Path, options: BuildOptions,
                      work: Path, project: Optional[Project] = None) -> None:
    """Untag the environment image this exact lock names (its layers stay while images use them)."""
    if project is not None:
        probe = render_project_context(spec, project.folder, project.notebooks, options, work)
    else:
        probe = render_context(spec, target, options, work)
    key = environment_key(probe.directory / ".containerize-build", engine.image_info(options.base_image or "").id)
    try:
        engine.client.images.remove(f"{REPOSITORY}:{key}", noprune=True)
    except docker.errors.ImageNotFound:
        pass


def build(engine: DockerEngine, spec: EnvironmentSpec, target: Path, options: BuildOptions, work: Path,
          project: Optional[Project] = None, cold: bool = False) -> Built:
    if cold:
        untag_environment(engine, spec, target, replace(options, tag=None), work / "probe", project)
    steps = {"n": 0}
    phases: dict[str, float] = {}

    def emit(kind: str, message: str, step: Any = None, total: Any = None, data: Any = None) -> None:
        if kind == "step" and message.startswith("environment:"):
            steps["n"] += 1
        found = (UV_PHASES.search(message) or COMMIT.search(message)) if kind == "log" else None
        if found:
            # summed: the wheels' compile runs beside apt, a second one after it (what came later)
            phase = found.group(1)
            phases[phase] = phases.get(phase, 0.0) + float(found.group(2)) / (1000 if found.group(3) == "ms" else 1)

    start = time.monotonic()
    result = run_pipeline(BuildRequest(target, options, spec, project), engine, emit, threading.Event(),
                          work / "build")
    engine.wait_for_removals()  # as run_build does: the build ends once its install container is gone
    return Built(time.monotonic() - start, result, steps["n"], phases)
