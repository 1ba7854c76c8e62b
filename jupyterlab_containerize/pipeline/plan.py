"""The build plan: what a spec and the user's options become before anything is rendered.

One ordered list of small transforms (nbconvert-preprocessor style: a name, when it runs, what it
does) makes a `BuildPlan`: the GPU plan, the warnings, the base image, the package indexes, the host
settings a context that leaves the machine goes without, and, only where an engine answers, the
base's Python and the pins it needs. The server's build, `build --context-only` and the panel's
context download all make their plan here, so the context a user downloads is the one that is built.
Without an engine (a portable context) the base is not checked: nothing pulls it or asks its Python.
`binder` makes no plan: repo2docker picks its own base, and Binder has no GPU and no index settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from packaging.utils import canonicalize_name
from packaging.version import Version

from ..builder.engine import Engine
from ..errors import BuildFailed
from ..gpu.apply import apply_gpu, base_override_warning
from ..gpu.plan import GpuPlan
from ..inspect.as_of_pins import pin_for_base_python
from ..options import BuildOptions
from ..render import check_base_python, choose_base_image, refusing_pins
from ..render.context import RenderedContext, render_context, render_project_context
from ..render.repin import newest_fitting
from ..spec import EnvironmentSpec
from .base_fixes import ensure_base, local_python_bases
from .progress import Emit
from .project import Project


def _quiet(*args: Any, **kwargs: Any) -> None:
    """The emit of a plan nobody watches (a portable context prints its own lines)."""


@dataclass
class BuildPlan:
    spec: EnvironmentSpec  # what the image installs: the GPU plan's pins, re-pinned for the base's Python
    options: BuildOptions  # the base chosen, the indexes joined, host settings kept or left out
    host_settings: bool = True  # False: this machine's CA bundle, proxies and index URLs stay out
    root: Optional[Path] = None  # nothing outside it is copied (the server's root; None: the CLI's rule)
    gpu: GpuPlan = field(default_factory=GpuPlan)
    gpu_warnings: list[str] = field(default_factory=list)  # the GPU plan's, and a --base that replaces its base
    base_python: Optional[str] = None  # the base's python3, as the engine ran it (None: no engine asked)
    repins: dict[str, str] = field(default_factory=dict)  # pins the base's Python refuses, re-resolved

    @property
    def base_image(self) -> str:
        return self.options.base_image or ""

    @property
    def environ(self) -> Optional[Mapping[str, str]]:
        """What the build settings are read from: this machine's environment, or nothing."""
        return None if self.host_settings else {}

    def gpu_summary(self) -> dict[str, Any]:
        """The `gpu` of a build's result."""
        return {"mode": self.gpu.mode, "cuda": self.gpu.cuda, "reason": self.gpu.reason,
                "warnings": self.gpu_warnings}


@dataclass
class PlanInputs:
    emit: Emit = _quiet
    engine: Optional[Engine] = None  # None: a portable context, no base to ask


PlanStep = Callable[[BuildPlan, PlanInputs], None]


def _always(plan: BuildPlan, inputs: PlanInputs) -> bool:
    return True


def _with_engine(plan: BuildPlan, inputs: PlanInputs) -> bool:
    return inputs.engine is not None


def _portable(plan: BuildPlan, inputs: PlanInputs) -> bool:
    return not plan.host_settings


@dataclass(frozen=True)
class Transform:
    name: str
    apply: PlanStep
    enabled: Callable[[BuildPlan, PlanInputs], bool] = _always


def gpu_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    """CUDA wheels dropped or retargeted, the image's CUDA env, the GPU's base and indexes."""
    gpu = apply_gpu(plan.spec, plan.options.gpu, plan.options.cpu_wheels)
    plan.spec, plan.gpu, plan.gpu_warnings = gpu.spec, gpu.plan, gpu.warnings
    inputs.emit("log", f"GPU: {gpu.plan.reason}")


def warnings_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    """The user's --base wins over the GPU plan's, with a warning; every warning so far is logged."""
    plan.gpu_warnings += base_override_warning(plan.options.base_image, plan.gpu)
    for warning in plan.gpu_warnings:
        inputs.emit("log", f"warning: {warning}")


def base_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    base = choose_base_image(plan.spec, plan.options.base_image or plan.gpu.base_image)
    plan.options = replace(plan.options, base_image=base)


def index_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    """The user's extra index (left out of a portable context: it may hold credentials) and the GPU
    plan's (PyTorch's +cuXYZ / CPU wheels), space-separated as uv reads them."""
    user = [plan.options.extra_index_url] if plan.host_settings else []
    urls = [u for u in [*user, *plan.gpu.extra_index_urls] if u]
    plan.options = replace(plan.options, extra_index_url=" ".join(dict.fromkeys(urls)) or None)


def host_settings_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    """A context that leaves the machine goes without its CA bundle, proxies and index URL."""
    plan.options = replace(plan.options, use_host_ca=False, ca_bundle=None, keep_ca=False, proxy=False,
                           index_url=None)


def base_check_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    """The base is here (pulled if need be; fixes offered when it cannot be) and its Python known."""
    assert inputs.engine is not None
    base, spec = plan.base_image, plan.spec
    inputs.emit("log", f"Base image {base}: checking it is here and which Python it has")
    ensure_base(inputs.engine, base, spec, lambda line: _pull_line(line, inputs.emit))
    plan.base_python = _base_python(inputs.engine, base, spec, plan.gpu)
    inputs.emit("log", f"{base} has Python {plan.base_python}; the kernel ran {spec.python.version or '?'}")


def python_step(plan: BuildPlan, inputs: PlanInputs) -> None:
    """A spec from the code alone follows the base's Python; pins that Python refuses are re-pinned
    (--repin) or stop the build with the fixes."""
    assert plan.base_python is not None
    repinned = pin_for_base_python(plan.spec, plan.base_image, plan.base_python)
    if repinned:
        inputs.emit("log", repinned)
    plan.repins = python_repins(plan.spec, plan.base_image, plan.base_python, plan.options.repin,
                                inputs.emit, inputs.engine)


TRANSFORMS: tuple[Transform, ...] = (
    Transform("gpu", gpu_step),
    Transform("warnings", warnings_step),
    Transform("base", base_step),
    Transform("indexes", index_step),
    Transform("host-settings", host_settings_step, _portable),
    Transform("base-python", base_check_step, _with_engine),
    Transform("python", python_step, _with_engine),
)


def make_plan(spec: EnvironmentSpec, options: BuildOptions, engine: Optional[Engine] = None,
              emit: Emit = _quiet, host_settings: bool = True, root: Optional[Path] = None) -> BuildPlan:
    """The plan for building `spec` with `options`. `spec` is not changed (the GPU step copies it)."""
    plan = BuildPlan(spec, options, host_settings=host_settings, root=root)
    inputs = PlanInputs(emit, engine)
    for transform in TRANSFORMS:
        if transform.enabled(plan, inputs):
            transform.apply(plan, inputs)
    return plan


def render_plan(plan: BuildPlan, notebook: Path, directory: Path,
                project: Optional[Project] = None) -> RenderedContext:
    """The plan's context: one notebook's, or a project's (its folder confines it)."""
    if project is not None:
        return render_project_context(plan.spec, project.folder, project.notebooks, plan.options, directory,
                                      plan.repins, environ=plan.environ)
    return render_context(plan.spec, notebook, plan.options, directory, plan.repins, environ=plan.environ,
                          root=plan.root)


def python_repins(spec: EnvironmentSpec, base: str, base_python: str, repin: bool,
                  emit: Emit, engine: Optional[Engine] = None) -> dict[str, str]:
    """Pins the base's Python refuses: re-resolved when asked, else a PythonMismatch with fixes."""
    conflicts = refusing_pins(spec.packages, base_python)
    if not conflicts:
        return {}
    target_python = min(Version(base_python), Version(spec.python.version or base_python))
    fits = newest_fitting([c.name for c in conflicts], str(target_python))
    if repin and all(canonicalize_name(c.name) in fits for c in conflicts):
        for c in conflicts:
            emit("log", f"re-pinned {c.name} {c.version} -> {fits[canonicalize_name(c.name)]} "
                        f"(it requires Python {c.requires_python})")
        return fits
    local = local_python_bases(engine, spec, exclude=(base,)) if engine is not None else []
    check_base_python(spec, base, base_python, fits, local)  # raises PythonMismatch, with its fixes
    return {}


def _base_python(engine: Engine, base: str, spec: EnvironmentSpec, plan: GpuPlan) -> str:
    """The base's python3; a CUDA runtime base without one gets the kernel's from uv at install."""
    try:
        return engine.image_python(base)
    except BuildFailed:
        if not plan.install_python or not spec.python.version:
            raise
        return spec.python.version


def _pull_line(line: dict[str, Any], emit: Emit) -> None:
    if line.get("status") and not line.get("progressDetail"):
        emit("log", f"{line.get('id', '')} {line['status']}".strip())
