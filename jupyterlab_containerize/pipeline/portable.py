"""A portable build context: the multi-stage Dockerfile and everything beside it, for `docker build`
anywhere (`build --context-only`, and the panel's download when no engine answers here)."""

from __future__ import annotations

import io
import tarfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

from ..evidence.build_step import annotate_portable
from ..gpu.apply import apply_gpu, base_override_warning
from ..options import BuildOptions
from ..render.context import RenderedContext, render_context
from ..spec import EnvironmentSpec


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
    gpu = apply_gpu(spec, options.gpu, options.cpu_wheels)
    warnings = gpu.warnings + base_override_warning(options.base_image, gpu.plan)
    base = options.base_image or gpu.plan.base_image
    user_indexes = [options.extra_index_url] if host_settings else []
    indexes = " ".join(dict.fromkeys(u for u in [*user_indexes, *gpu.plan.extra_index_urls] if u))
    options = replace(options, base_image=base, extra_index_url=indexes or None)
    if not host_settings:
        options = replace(options, use_host_ca=False, ca_bundle=None, keep_ca=False, proxy=False, index_url=None)
    context = render_context(gpu.spec, notebook, options, directory, environ=None if host_settings else {},
                             root=root)
    annotate_portable(context, notebook, root)
    return PortableContext(context, gpu.plan.reason, warnings + context.warnings)


def context_archive(directory: Path, top: str) -> bytes:
    """The context folder as a .tar.gz whose entries sit under `top/`, owned by nobody in particular."""
    def anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(directory, arcname=top, filter=anonymous)
    return buffer.getvalue()
