"""A portable build context: the multi-stage Dockerfile and everything beside it, for `docker build`
anywhere (`build --context-only`, and the panel's download when no engine answers here).

Its plan is the server build's (plan.py), made without an engine: the base is not pulled or asked
for its Python, so no pin is re-resolved for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..builder.archive import tar_of
from ..evidence.build_step import annotate_portable
from ..options import BuildOptions
from ..render.context import RenderedContext
from ..spec import EnvironmentSpec
from .plan import make_plan, render_plan


@dataclass
class PortableContext:
    context: RenderedContext
    gpu_reason: str
    warnings: list[str] = field(default_factory=list)


def render_portable_context(spec: EnvironmentSpec, notebook: Path, options: BuildOptions,
                            directory: Path, host_settings: bool = True,
                            root: Optional[Path] = None) -> PortableContext:
    """host_settings=False leaves out this machine's CA bundle, proxies and index URLs: for a
    context that leaves the machine (a download), since they may hold credentials. `root`: nothing
    outside it is copied (the server's root; None: the CLI's, confine.default_root)."""
    plan = make_plan(spec, options, host_settings=host_settings, root=root)
    context = render_plan(plan, notebook, directory)
    annotate_portable(context, notebook, root)
    return PortableContext(context, plan.gpu.reason, plan.gpu_warnings + context.warnings)


def context_archive(directory: Path, top: str) -> bytes:
    """The context folder as a .tar.gz whose entries sit under `top/`, owned by nobody in particular."""
    return tar_of({top: directory}, compress=True, owner="")
