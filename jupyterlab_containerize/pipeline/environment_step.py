"""The environment phase of a build: the package cache, the whole build's progress plan, and the
environment image the notebook's layers go on (reused, extended or built)."""

from __future__ import annotations

import dataclasses
import threading
from typing import Optional

from ..builder.engine import Engine
from ..builder.environment_image import EnvironmentChoice, choose_environment
from ..builder.package_cache import package_cache_for
from ..options import BuildOptions
from ..render.build_only import FOLDER
from ..render.context import RenderedContext
from ..render.dockerfile import render_engine_dockerfile
from .plan import BuildPlan
from .progress import Emit, Progress, dockerfile_steps, environment_steps
from .project import Project


def prepare_environment(engine: Engine, plan: BuildPlan, context: RenderedContext, project: Optional[Project],
                        emit: Emit, cancel: threading.Event) -> tuple[Progress, EnvironmentChoice]:
    options = plan.options
    cache, why = package_cache_for(options.no_cache, options.package_cache_max_gb, context.directory / FOLDER)
    emit("log", f"Package cache: {why}")
    progress = Progress(emit, plan_sizes(context, options, project))
    # --repair's oracle is the notebook's own lock: a bigger environment could hide a missing package
    reuse = options.environment == "reuse" and not options.repair
    environment = choose_environment(engine, context, progress.emitter("environment"), cancel, reuse=reuse,
                                     rebuild=options.no_cache, cache=cache)
    if environment.how != "built" and environment.how != "extended":
        progress.skip("environment", f"environment {environment.how}: {environment.image}")
    return progress, environment


def plan_sizes(context: RenderedContext, options: BuildOptions, project: Optional[Project]) -> dict[str, int]:
    """Every phase's steps, before the first starts (progress.py)."""
    # prepare_evidence adds the image SBOM's step once the environment is known, after this count
    dockerfile = render_engine_dockerfile(dataclasses.replace(context.plan, image_sbom=True), "environment", None)
    return {"environment": environment_steps(context.directory / FOLDER),
            "notebook": dockerfile_steps(dockerfile),
            "verify": (len(project.notebooks) if project else 1) if options.verify else 0,
            "push": int(bool(options.push)) + int(bool(options.export))}
