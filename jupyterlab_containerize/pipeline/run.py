"""One build, start to end: inspect -> spec -> base check -> context -> image -> verify -> push / export.

The CLI calls it directly; the BuildManager calls it in a worker thread. Progress goes to `emit`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Optional

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..build.engine import Engine
from ..build.environment_image import ensure_environment_image
from ..build.image_build import docker_build
from ..deploy import manifest_files
from ..errors import BuildCancelled, BuildFailed
from ..gpu.apply import apply_gpu, base_override_warning
from ..gpu.plan import GpuPlan
from ..inspect import inspect_notebook
from ..render import BuildOptions, check_base_python, choose_base_image, refusing_pins
from ..render.context import render_context, use_environment_image
from ..render.dockerfile import OUT
from ..render.repin import newest_fitting
from ..spec import EnvironmentSpec
from ..verify import verify_image

# emit(kind, message, step=None, total=None, data=None)
Emit = Callable[..., None]


@dataclass
class BuildRequest:
    notebook: Path
    options: BuildOptions
    spec: Optional[EnvironmentSpec] = None
    root: Optional[Path] = None  # the server's root: nothing above it is read (None: the CLI's rule)


def run_pipeline(request: BuildRequest, engine: Engine, emit: Emit, cancel: threading.Event,
                 workdir: Path) -> dict[str, Any]:
    options = request.options
    gpu = apply_gpu(request.spec or inspect_for_build(request, emit), options.gpu, options.cpu_wheels)
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
    context = render_context(spec, request.notebook, options, workdir / "context", repins, root=request.root)
    for warning in context.warnings:
        emit("log", f"warning: {warning}")
    env_image = ensure_environment_image(engine, context, emit, cancel, rebuild=options.no_cache)
    _check(cancel)
    use_environment_image(context, env_image, engine.image_info(base).entrypoint)
    tag = options.tag or default_tag(request.notebook, options.target)
    docker_build(engine, context, tag, options, emit, cancel)
    info = engine.image_info(tag)
    result: dict[str, Any] = {
        "image": tag, "tag": tag, "image_id": info.id, "size": info.size, "digest": info.digest,
        "base_image": base, "base_python": base_python, "target": options.target,
        "environment_image": env_image,
        "notebook_sha256": context.notebook_sha256, "run_command": run_command(tag, options.target, gpu.plan.run_args),
        "gpu": {"mode": gpu.plan.mode, "cuda": gpu.plan.cuda, "reason": gpu.plan.reason,
                "warnings": gpu.warnings},
        "warnings": gpu.warnings + context.warnings,
    }
    if options.target == "serve":  # what the panel's result card shows for a service
        result["serve"] = {"curl": "curl -s -X POST -H 'Content-Type: application/json' "
                                   "-d '{}' http://127.0.0.1:8080/run", "manifests": []}
    if options.k8s:  # the YAML only: the server writes nothing; the panel shows and downloads it
        result["manifests"] = manifest_files(options.target, spec, tag, request.notebook)
    if options.verify:
        result["verify"] = _verify(engine, tag, request.notebook, options, emit, cancel, context.notebook_name)
    if options.push:
        emit("log", f"Pushing {tag}")
        result["digest"] = engine.push(tag, lambda line: _push_line(line, emit)) or info.digest
    if options.export:
        emit("log", f"Saving {tag} to {options.export}")
        engine.save(tag, Path(options.export))
        result["export"] = options.export
    emit("done", f"Built {tag} ({info.size / 1e6:.1f} MB)", data=result)
    return result


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
    stem = re.sub(r"[^a-z0-9._-]+", "-", notebook.stem.lower()).strip("-._") or "notebook"
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
            cancel: threading.Event, in_image: Optional[str] = None) -> dict[str, Any]:
    emit("log", f"Verifying: running {notebook.name} in {tag}, network off, "
                f"{options.verify_timeout} s per cell")

    def on_verdict(v: Any) -> None:
        match = {True: "output matches", False: "output differs", None: "nothing saved to compare"}
        saved = " (the saved notebook raised it too)" if v.as_saved else ""
        emit("verify", f"cell {v.index}: {v.status}, {match[v.output_match]}{saved}",
             data={"index": v.index, "status": v.status, "output_match": v.output_match,
                   "as_saved": v.as_saved, "error": v.error})

    report = verify_image(engine, tag, notebook, options.verify_timeout, on_verdict, cancel, in_image)
    return report.to_dict()


def inspect_for_build(request: BuildRequest, emit: Emit) -> EnvironmentSpec:
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
