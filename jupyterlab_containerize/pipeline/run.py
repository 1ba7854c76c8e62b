"""One build, start to end: inspect -> spec -> base check -> context -> image -> verify -> push / export.

The CLI calls it directly; the BuildManager calls it in a worker thread. Progress goes to `emit`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Optional

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..build.engine import Engine
from ..build.environment_image import choose_environment
from ..build.environment_prune import environment_limit, prune_past_limit
from ..build.image_build import docker_build
from ..build.package_cache import package_cache_for
from ..deploy import manifest_files
from ..errors import BuildCancelled, BuildFailed, PushFailed, VerifyFailed
from ..evidence.build_step import attach_evidence, build_provenance, prepare_evidence
from ..evidence.provenance import to_bytes as provenance_bytes
from ..evidence.signing import sign
from ..gpu.apply import apply_gpu, base_override_warning
from ..gpu.plan import GpuPlan
from ..inspect import inspect_notebook
from ..render import BuildOptions, check_base_python, choose_base_image, refusing_pins
from ..render.build_only import FOLDER
from ..render.context import RenderedContext, render_context, render_project_context, use_environment_image
from ..render.dockerfile import OUT
from ..render.repin import newest_fitting
from ..spec import EnvironmentSpec
from ..verify import verify_image
from .project import Project, check_project_options, inspect_project

# emit(kind, message, step=None, total=None, data=None)
Emit = Callable[..., None]


@dataclass
class BuildRequest:
    notebook: Path  # or a project's folder
    options: BuildOptions
    spec: Optional[EnvironmentSpec] = None
    root: Optional[Path] = None  # the server's root: nothing above it is read (None: the CLI's rule)
    project: Optional[Project] = None  # a folder already inspected (its union spec is `spec`)


def run_pipeline(request: BuildRequest, engine: Engine, emit: Emit, cancel: threading.Event,
                 workdir: Path) -> dict[str, Any]:
    options = request.options
    project = request.project
    if options.signing_key:  # a key that cannot sign must stop the build before it, not after
        sign(b"{}", Path(options.signing_key))
    if project is None and request.notebook.is_dir():
        check_project_options(options.target, options.repair, request.spec is not None)
        project = inspect_project(request.notebook, lambda nb: inspect_notebook(nb, python=options.python,
                                                                             root=request.root), emit)
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
    engine.ensure_image(base, lambda line: _pull_line(line, emit))
    base_python = _base_python(engine, base, spec, gpu.plan)
    emit("log", f"{base} has Python {base_python}; the kernel ran {spec.python.version or '?'}")
    repins = python_repins(spec, base, base_python, options.repin, emit)
    _check(cancel)
    if project is not None:
        context = render_project_context(spec, project.folder, project.notebooks, options, workdir / "context", repins)
    else:
        context = render_context(spec, request.notebook, options, workdir / "context", repins, root=request.root)
    for warning in context.warnings:
        emit("log", f"warning: {warning}")
    cache, why = package_cache_for(options.no_cache, options.package_cache_max_gb, context.directory / FOLDER)
    emit("log", f"Package cache: {why}")
    # --repair's oracle is the notebook's own lock: a bigger environment could hide a missing package
    reuse = options.environment == "reuse" and not options.repair
    environment = choose_environment(engine, context, emit, cancel, reuse=reuse, rebuild=options.no_cache,
                                     cache=cache)
    env_image = environment.image
    _check(cancel)
    evidence = prepare_evidence(engine, context, request.notebook, env_image, request.root)
    use_environment_image(context, env_image, engine.image_info(base).entrypoint)
    tag = options.tag or default_tag(request.notebook, options.target)
    docker_build(engine, context, tag, options, emit, cancel)
    info = engine.image_info(tag)
    statement = build_provenance(evidence, context, spec, options, tag, info, env_image,
                                 engine.image_info(env_image))
    result: dict[str, Any] = {
        "image": tag, "tag": tag, "image_id": info.id, "size": info.size, "digest": info.digest,
        "base_image": base, "base_python": base_python, "target": options.target,
        "environment_image": env_image, "environment": environment.to_dict(),
        "notebook_sha256": context.notebook_sha256, "run_command": run_command(tag, options.target, gpu.plan.run_args),
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
        result["verify"] = _verify_project(engine, tag, project, context, options, emit, cancel)
    elif options.verify:
        result["verify"] = _verify(engine, tag, request.notebook, options, emit, cancel, context.notebook_name)
    if options.push:
        emit("log", f"Pushing {tag}")
        result["digest"] = engine.push(tag, lambda line: _push_line(line, emit)) or info.digest
        if result["digest"]:
            _attach(result, statement, evidence.sbom, emit, options.signing_key)
    if options.export:
        emit("log", f"Saving {tag} to {options.export}")
        engine.save(tag, Path(options.export))
        result["export"] = options.export
    result["warnings"] += prune_past_limit(engine, environment_limit(options.environment_images_max_gb),
                                           lambda line: emit("log", line))
    emit("done", f"Built {tag} ({info.size / 1e6:.1f} MB)", data=result)
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


def python_repins(spec: EnvironmentSpec, base: str, base_python: str, repin: bool,
                  emit: Emit) -> dict[str, str]:
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
    check_base_python(spec, base, base_python, fits)  # raises PythonMismatch
    return {}


def default_tag(notebook: Path, target: str) -> str:
    """NOTEBOOK-NAME:TARGET; a project's folder by its whole name."""
    stem = notebook.name if notebook.is_dir() else notebook.stem
    stem = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "notebook"
    return f"{stem}:{target}"


def run_command(tag: str, target: str, run_args: Optional[list[str]] = None) -> str:
    gpus = "".join(f"{arg} " for arg in run_args or [])  # --gpus all for CUDA images
    if target == "batch":
        return f'docker run --rm {gpus}-v "$PWD/out:{OUT}" {tag} -p NAME VALUE'
    if target == "serve":
        return f"docker run --rm {gpus}-p 127.0.0.1:8080:8080 {tag}  # then POST JSON to /run"
    return f"docker run --rm {gpus}-p 8888:8888 -e JUPYTER_TOKEN=choose-a-token {tag}"


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


def _verify(engine: Engine, tag: str, notebook: Path, options: BuildOptions, emit: Emit,
            cancel: threading.Event, in_image: Optional[str] = None,
            project: bool = False) -> dict[str, Any]:
    shown = in_image if project and in_image else notebook.name
    emit("log", f"Verifying: running {shown} in {tag}, network off, "
                f"{options.verify_timeout} s per cell")

    def on_verdict(v: Any) -> None:
        match = {True: "output matches", False: "output differs", None: "nothing saved to compare"}
        saved = " (the saved notebook raised it too)" if v.as_saved else ""
        where = f"{shown} " if project else ""
        emit("verify", f"{where}cell {v.index}: {v.status}, {match[v.output_match]}{saved}",
             data={"index": v.index, "status": v.status, "output_match": v.output_match,
                   "as_saved": v.as_saved, "error": v.error, **({"notebook": shown} if project else {})})

    report = verify_image(engine, tag, notebook, options.verify_timeout, on_verdict, cancel, in_image)
    return report.to_dict()


def _verify_project(engine: Engine, tag: str, project: Project, context: RenderedContext,
                    options: BuildOptions, emit: Emit, cancel: threading.Event) -> dict[str, Any]:
    """Every notebook in the image, one after the other; a failing one does not stop the rest."""
    reports: dict[str, Any] = {}
    failed: list[str] = []
    for notebook, name in zip(project.notebooks, context.notebooks):
        _check(cancel)
        try:
            reports[name] = _verify(engine, tag, notebook, options, emit, cancel, name, project=True)
        except VerifyFailed as err:
            if cancel.is_set():
                raise
            failed.append(name)
            emit("log", f"{name}: {err.message}")
            reports[name] = _report_of(err)
    summary = {"passed": not failed, "failed": failed, "notebooks": reports}
    if failed:
        raise VerifyFailed(f"Verify failed in {len(failed)} of {len(reports)} notebooks: {', '.join(failed[:5])}"
                           + (" ..." if len(failed) > 5 else ""), detail=json.dumps(summary))
    return summary


def _report_of(err: VerifyFailed) -> dict[str, Any]:
    try:
        report = json.loads(err.detail or "")
    except ValueError:
        report = None
    if isinstance(report, dict):
        return report
    return {"passed": False, "cells": [], "mismatched": [], "error": err.message, "log": err.detail}


def inspect_for_build(request: BuildRequest, emit: Emit) -> EnvironmentSpec:
    if request.notebook.is_dir():  # the repair loop inspects first: a folder is refused there
        check_project_options(request.options.target, request.options.repair, request.spec is not None)
    emit("log", f"Inspecting {request.notebook.name}")
    return inspect_notebook(request.notebook, python=request.options.python, root=request.root)


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
