"""One build, start to end: inspect -> plan -> render -> environment -> image -> verify -> publish.

The entry of every build is build.run_build (with --repair, the loop around this); the BuildManager
calls it in a worker thread, the CLI directly. Progress goes to `emit`. The steps live beside it:
plan.py (GPU, base, indexes, the base's Python), environment_step.py, image_step.py, verify_step.py,
publish.py (the tag, push, export); the result is result.BuildResult.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..builder.engine import Engine
from ..builder.environment_prune import environment_limit, prune_past_limit
from ..errors import BuildCancelled, ContainerizeError, VerifyFailed
from ..evidence.build_step import prepare_evidence
from ..evidence.signing import sign
from ..inspect import StaticChoices, inspect_notebook
from ..options import BuildOptions
from ..render.context import use_environment_image
from ..spec import EnvironmentSpec
from .environment_step import prepare_environment
from .image_step import build_image, describe
from .plan import make_plan, render_plan
from .progress import Emit
from .project import Project, check_project_options, inspect_project
from .publish import publish, stage
from .result import BuildResult
from .verify_step import moved_package_hint, verify_build

__all__ = ["BuildRequest", "Emit", "default_tag", "inspect_for_build", "run_pipeline"]


@dataclass
class BuildRequest:
    notebook: Path  # or a project's folder
    options: BuildOptions
    spec: Optional[EnvironmentSpec] = None
    root: Optional[Path] = None  # the server's root: nothing above it is read (None: the CLI's rule)
    project: Optional[Project] = None  # a folder already inspected (its union spec is `spec`)
    static: StaticChoices = StaticChoices()  # how the inspection pins a kernel-less notebook


def run_pipeline(request: BuildRequest, engine: Engine, emit: Emit, cancel: threading.Event,
                 workdir: Path) -> BuildResult:
    """plan -> render -> environment -> image -> verify -> publish; the tag moves only when all passed."""
    options = request.options
    if options.signing_key:  # a key that cannot sign must stop the build before it, not after
        sign(b"{}", Path(options.signing_key))
    project = request.project or _inspect_folder(request, emit)
    spec = project.spec if project else request.spec or inspect_for_build(request, emit)
    plan = make_plan(spec, options, engine, emit, root=request.root)
    _check(cancel)
    context = render_plan(plan, request.notebook, workdir / "context", project)
    for warning in context.warnings:
        emit("log", f"warning: {warning}")
    progress, environment = prepare_environment(engine, plan, context, project, emit, cancel)
    _check(cancel)
    evidence = prepare_evidence(engine, context, request.notebook, environment.image, request.root,
                                environment.sbom)
    use_environment_image(context, environment.image, engine.image_info(plan.base_image).entrypoint)
    staged = stage(engine, options.tag or default_tag(request.notebook, options.target))
    try:
        info = build_image(engine, plan, context, staged, progress, cancel)
        result = describe(engine, plan, context, environment, evidence, staged, info, request.notebook,
                          project is not None)
        if options.verify:
            result.verify = verify_build(engine, staged.staging, request.notebook, project, context, plan.options,
                                         progress, cancel)
        _check(cancel)
    except ContainerizeError as err:
        explained = staged.explain(err)
        more = moved_package_hint(err, spec, options) if isinstance(err, VerifyFailed) else None
        if more:  # after explain's: what to look at first, then what else may fix it
            explained.hint = f"{explained.hint} {more}"
        raise explained from None
    publish(engine, staged, result, plan.options, progress, emit)
    result.progress_plan = {"total": progress.total, "phases": progress.sizes}
    result.warnings += prune_past_limit(engine, environment_limit(options.environment_images_max_gb),
                                        lambda line: emit("log", line))
    progress.event("done", f"Built {result.tag} ({result.size_text})", data=result.to_dict())
    return result


def default_tag(notebook: Path, target: str) -> str:
    """NOTEBOOK-NAME:TARGET; a project's folder by its whole name."""
    stem = notebook.name if notebook.is_dir() else notebook.stem
    stem = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "notebook"
    return f"{stem}:{target}"


def _inspect_folder(request: BuildRequest, emit: Emit) -> Optional[Project]:
    """A folder is a project: each notebook inspected (the kernel-less way the request says), one union spec."""
    if not request.notebook.is_dir():
        return None
    options = request.options
    check_project_options(options.target, options.repair, request.spec is not None)
    return inspect_project(request.notebook, lambda nb: inspect_notebook(nb, python=options.python, root=request.root,
                                                                         static_choices=request.static,
                                                                         secret_policy=options.secret_policy), emit)


def inspect_for_build(request: BuildRequest, emit: Emit) -> EnvironmentSpec:
    if request.notebook.is_dir():  # the repair loop inspects first: a folder is refused there
        check_project_options(request.options.target, request.options.repair, request.spec is not None)
    emit("log", f"Inspecting {request.notebook.name}")
    return inspect_notebook(request.notebook, python=request.options.python, root=request.root,
                            static_choices=request.static, secret_policy=request.options.secret_policy)


def _check(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise BuildCancelled("The build was cancelled.")
