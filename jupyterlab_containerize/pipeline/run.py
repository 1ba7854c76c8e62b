"""One build, start to end: inspect -> spec -> base check -> context -> image -> verify -> push / export.

The CLI calls it directly; the BuildManager calls it in a worker thread. Progress goes to `emit`.
"""

from __future__ import annotations

import json
import re
import shlex
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Optional

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..builder.engine import Engine
from ..builder.environment_image import choose_environment
from ..builder.environment_prune import environment_limit, prune_past_limit
from ..builder.image_build import docker_build
from ..builder.package_cache import package_cache_for
from ..deploy import manifest_files
from ..errors import BuildCancelled, BuildFailed, ContainerizeError, PushFailed
from ..evidence.build_step import attach_evidence, build_provenance, prepare_evidence
from ..evidence.provenance import to_bytes as provenance_bytes
from ..evidence.signing import sign
from ..gpu.apply import apply_gpu, base_override_warning
from ..gpu.plan import GpuPlan
from ..inspect import StaticChoices, inspect_notebook
from ..inspect.as_of_pins import pin_for_base_python
from ..layout import OUT
from ..options import BuildOptions
from ..render import check_base_python, choose_base_image, refusing_pins
from ..render.build_only import FOLDER
from ..render.context import RenderedContext, render_context, render_project_context, use_environment_image
from ..render.dockerfile import render_engine_dockerfile
from ..render.repin import newest_fitting
from ..spec import EnvironmentSpec
from .base_fixes import ensure_base, local_python_bases
from .progress import Progress, dockerfile_steps, environment_steps
from .project import Project, check_project_options, inspect_project
from .publish import demote, promote, stage
from .verify_step import verify_notebook, verify_project

# emit(kind, message, step=None, total=None, data=None)
Emit = Callable[..., None]


@dataclass
class BuildRequest:
    notebook: Path  # or a project's folder
    options: BuildOptions
    spec: Optional[EnvironmentSpec] = None
    root: Optional[Path] = None  # the server's root: nothing above it is read (None: the CLI's rule)
    project: Optional[Project] = None  # a folder already inspected (its union spec is `spec`)
    static: StaticChoices = StaticChoices()  # how the inspection pins a kernel-less notebook


def run_pipeline(request: BuildRequest, engine: Engine, emit: Emit, cancel: threading.Event,
                 workdir: Path) -> dict[str, Any]:
    options = request.options
    project = request.project
    if options.signing_key:  # a key that cannot sign must stop the build before it, not after
        sign(b"{}", Path(options.signing_key))
    if project is None and request.notebook.is_dir():
        check_project_options(options.target, options.repair, request.spec is not None)
        project = inspect_project(request.notebook, lambda nb: inspect_notebook(nb, python=options.python,
                                                                             root=request.root,
                                                                             static_choices=request.static,
                                                                             secret_policy=options.secret_policy), emit)
    gpu = apply_gpu(project.spec if project else request.spec or inspect_for_build(request, emit),
                    options.gpu, options.cpu_wheels)
    spec = gpu.spec
    emit("log", f"GPU: {gpu.plan.reason}")
    gpu.warnings += base_override_warning(options.base_image, gpu.plan)
    for warning in gpu.warnings:
        emit("log", f"warning: {warning}")
    base = choose_base_image(spec, options.base_image or gpu.plan.base_image)
    options = replace(options, base_image=base, extra_index_url=_join_indexes(options, gpu.plan))
    emit("log", f"Base image {base}: checking it is here and which Python it has")
    ensure_base(engine, base, spec, lambda line: _pull_line(line, emit))  # offers fixes when it cannot
    base_python = _base_python(engine, base, spec, gpu.plan)
    emit("log", f"{base} has Python {base_python}; the kernel ran {spec.python.version or '?'}")
    repinned = pin_for_base_python(spec, base, base_python)  # a spec from the code alone follows the base
    if repinned:
        emit("log", repinned)
    repins = python_repins(spec, base, base_python, options.repin, emit, engine)
    _check(cancel)
    if project is not None:
        context = render_project_context(spec, project.folder, project.notebooks, options, workdir / "context", repins)
    else:
        context = render_context(spec, request.notebook, options, workdir / "context", repins, root=request.root)
    for warning in context.warnings:
        emit("log", f"warning: {warning}")
    cache, why = package_cache_for(options.no_cache, options.package_cache_max_gb, context.directory / FOLDER)
    emit("log", f"Package cache: {why}")
    progress = Progress(emit, plan_sizes(context, options, project))
    # --repair's oracle is the notebook's own lock: a bigger environment could hide a missing package
    reuse = options.environment == "reuse" and not options.repair
    environment = choose_environment(engine, context, progress.emitter("environment"), cancel, reuse=reuse,
                                     rebuild=options.no_cache, cache=cache)
    if environment.how != "built" and environment.how != "extended":
        progress.skip("environment", f"environment {environment.how}: {environment.image}")
    env_image = environment.image
    _check(cancel)
    evidence = prepare_evidence(engine, context, request.notebook, env_image, request.root)
    use_environment_image(context, env_image, engine.image_info(base).entrypoint)
    staged = stage(engine, options.tag or default_tag(request.notebook, options.target))
    tag = staged.tag
    try:
        staged.image_id = docker_build(engine, context, staged.staging, options, progress.emitter("notebook"),
                                       cancel)
        info = engine.image_info(staged.image_id)
        staged.image_id = info.id
        statement = build_provenance(evidence, context, spec, options, tag, info, env_image,
                                     engine.image_info(env_image))
        result: dict[str, Any] = {
            "image": tag, "tag": tag, "image_id": info.id, "size": info.size, "size_text": size_text(info.size),
            "digest": info.digest, "previous_image_id": staged.previous_id,
            "base_image": base, "base_python": base_python, "target": options.target,
            "environment_image": env_image, "environment": environment.to_dict(),
            "notebook_sha256": context.notebook_sha256,
            "run_command": run_command(tag, options.target, gpu.plan.run_args, _parameters(request, project)),
            "gpu": {"mode": gpu.plan.mode, "cuda": gpu.plan.cuda, "reason": gpu.plan.reason,
                    "warnings": gpu.warnings},
            "warnings": gpu.warnings + context.warnings,
            "sbom": evidence.sbom, "provenance": statement,
        }
        if options.signing_key:
            result["provenance_envelope"] = sign(provenance_bytes(statement), Path(options.signing_key))
        if options.target == "serve":  # what the panel's result card shows for a service
            result["serve"] = {"curl": "curl -s -X POST -H 'Content-Type: application/json' "
                                       "-d '{}' http://127.0.0.1:8080/run", "manifests": []}
        if options.k8s:  # the YAML only: the server writes nothing; the panel shows and downloads it
            result["manifests"] = manifest_files(options.target, spec, tag, request.notebook)
        if project is not None:
            result["notebooks"] = context.notebooks
        if options.verify and project is not None:
            result["verify"] = verify_project(engine, staged.staging, project, context, options, progress, cancel)
        elif options.verify:
            result["verify"] = verify_notebook(engine, staged.staging, request.notebook, options, progress,
                                               cancel, context.notebook_name)
        _check(cancel)
    except ContainerizeError as err:
        raise staged.explain(err) from None
    promote(engine, staged)  # every check passed: now, and only now, the tag names the new image
    emit("log", f"Tagged {tag}" + (f" (it named {staged.previous_id[:19]} before)"
                                   if staged.previous_id and staged.previous_id != info.id else ""))
    try:  # a push needs the tag; one that fails puts the tag back where it was
        if options.push:
            progress.step("push", 1, f"push: {tag}")
            result["digest"] = engine.push(tag, lambda line: _push_line(line, emit)) or info.digest
            if result["digest"]:
                _attach(result, statement, evidence.sbom, emit, options.signing_key)
        if options.export:
            progress.step("push", 2 if options.push else 1, f"export: saving {tag} to {options.export}")
            engine.save(tag, Path(options.export))
            result["export"] = options.export
    except ContainerizeError as err:
        demote(engine, staged)
        raise staged.explain(err) from None
    result["progress_plan"] = {"total": progress.total, "phases": progress.sizes}
    result["warnings"] += prune_past_limit(engine, environment_limit(options.environment_images_max_gb),
                                           lambda line: emit("log", line))
    progress.event("done", f"Built {tag} ({result['size_text']})", data=result)
    return result


def _attach(result: dict[str, Any], statement: dict[str, Any], sbom: dict[str, Any], emit: Emit,
            signing_key: Optional[str]) -> None:
    """The image is pushed either way: a registry that refuses the attachments is a warning."""
    emit("log", f"Attaching the provenance and the SBOM to {result['digest']}")
    try:
        attached = attach_evidence(result["digest"], statement, sbom, signing_key)
    except PushFailed as err:
        warning = f"the provenance and SBOM were not attached in the registry: {err.message}"
        emit("log", f"warning: {warning}")
        result["warnings"].append(warning)
        return
    result.update(attached)


def plan_sizes(context: RenderedContext, options: BuildOptions, project: Optional[Project]) -> dict[str, int]:
    """Every phase's steps, before the first starts (progress.py)."""
    dockerfile = render_engine_dockerfile(context.plan, "environment", None)
    return {"environment": environment_steps(context.directory / FOLDER),
            "notebook": dockerfile_steps(dockerfile),
            "verify": (len(project.notebooks) if project else 1) if options.verify else 0,
            "push": int(bool(options.push)) + int(bool(options.export))}


def size_text(size: int) -> str:
    """The one way a size is written, in the log, the CLI and the panel's card: decimal units, as
    `docker images` prints them (726000000 -> "726 MB")."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if value >= 10 or unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB" if value < 10 else f"{value:.0f} TB"


def python_repins(spec: EnvironmentSpec, base: str, base_python: str, repin: bool,
                  emit: Emit, engine: Optional[Engine] = None) -> dict[str, str]:
    """Pins the base's Python refuses: re-resolved when asked, else a PythonMismatch with fixes."""
    conflicts = refusing_pins(spec.packages, base_python)
    if not conflicts:
        return {}
    target_python = min(Version(base_python), Version(spec.python.version or base_python))
    fits = newest_fitting([c.name for c in conflicts], str(target_python))
    if repin and all(_canon(c.name) in fits for c in conflicts):
        for c in conflicts:
            emit("log", f"re-pinned {c.name} {c.version} -> {fits[_canon(c.name)]} "
                        f"(it requires Python {c.requires_python})")
        return fits
    local = local_python_bases(engine, spec, exclude=(base,)) if engine is not None else []
    check_base_python(spec, base, base_python, fits, local)  # raises PythonMismatch, with its fixes
    return {}


def default_tag(notebook: Path, target: str) -> str:
    """NOTEBOOK-NAME:TARGET; a project's folder by its whole name."""
    stem = notebook.name if notebook.is_dir() else notebook.stem
    stem = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "notebook"
    return f"{stem}:{target}"


# A placeholder the shell refuses to run without: the command fails, saying what to set, instead of
# starting with a token nobody chose. Never a value: the printed command holds no secret to redact.
TOKEN_PLACEHOLDER = '"${JUPYTER_TOKEN:?set JUPYTER_TOKEN to a token of your choice}"'


def run_command(tag: str, target: str, run_args: Optional[list[str]] = None,
                parameters: Optional[dict[str, Any]] = None) -> str:
    """The command the CLI prints and the panel copies; it runs as printed in a POSIX shell."""
    gpus = "".join(f"{arg} " for arg in run_args or [])  # --gpus all for CUDA images
    if target == "batch":
        # created by this user first: a folder Docker creates for -v belongs to root (the runtime
        # then writes as the folder's owner, batch_runtime.py)
        args = "".join(f" -p {name} {shlex.quote(json.dumps(value))}" for name, value in (parameters or {}).items())
        return f'mkdir -p "$PWD/out" && docker run --rm {gpus}-v "$PWD/out:{OUT}" {tag}{args}'
    if target == "serve":
        return f"docker run --rm {gpus}-p 127.0.0.1:8080:8080 {tag}  # then POST JSON to /run"
    return f"docker run --rm {gpus}-p 8888:8888 -e JUPYTER_TOKEN={TOKEN_PLACEHOLDER} {tag}"


def _parameters(request: BuildRequest, project: Optional[Project]) -> dict[str, Any]:
    """The notebook's `parameters` cell defaults, shown as `-p NAME VALUE` in the batch command."""
    if request.options.target != "batch" or project is not None or not request.notebook.is_file():
        return {}
    from ..deploy.batch import notebook_parameters

    try:
        return notebook_parameters(request.notebook)
    except ContainerizeError:
        return {}


def _join_indexes(options: BuildOptions, plan: GpuPlan) -> Optional[str]:
    """The user's extra index and the plan's (PyTorch's +cuXYZ / CPU wheels), space-separated as uv reads them."""
    urls = [u for u in [options.extra_index_url, *plan.extra_index_urls] if u]
    return " ".join(dict.fromkeys(urls)) or None


def _base_python(engine: Engine, base: str, spec: EnvironmentSpec, plan: GpuPlan) -> str:
    """The base's python3; a CUDA runtime base without one gets the kernel's from uv at install."""
    try:
        return engine.image_python(base)
    except BuildFailed:
        if not plan.install_python or not spec.python.version:
            raise
        return spec.python.version


def inspect_for_build(request: BuildRequest, emit: Emit) -> EnvironmentSpec:
    if request.notebook.is_dir():  # the repair loop inspects first: a folder is refused there
        check_project_options(request.options.target, request.options.repair, request.spec is not None)
    emit("log", f"Inspecting {request.notebook.name}")
    return inspect_notebook(request.notebook, python=request.options.python, root=request.root,
                            static_choices=request.static, secret_policy=request.options.secret_policy)


def _pull_line(line: dict[str, Any], emit: Emit) -> None:
    if line.get("status") and not line.get("progressDetail"):
        emit("log", f"{line.get('id', '')} {line['status']}".strip())


def _push_line(line: dict[str, Any], emit: Emit) -> None:
    if line.get("status") in ("Pushed", "Layer already exists") or "aux" in line:
        emit("log", f"{line.get('id', '')} {line.get('status', '')}".strip())


def _check(cancel: threading.Event) -> None:
    if cancel.is_set():
        raise BuildCancelled("The build was cancelled.")


def _canon(name: str) -> str:
    return canonicalize_name(name)
