"""The image phase of a build: the notebook's layers built under the staging tag, and what the build
result says about the image before it is verified and published."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ..builder.engine import Engine, ImageInfo
from ..builder.environment_image import EnvironmentChoice
from ..builder.image_build import docker_build
from ..deploy import manifest_files
from ..errors import ContainerizeError
from ..evidence.build_step import Evidence, build_provenance
from ..evidence.provenance import to_bytes as provenance_bytes
from ..evidence.signing import sign
from ..render.context import RenderedContext
from .plan import BuildPlan
from .progress import Progress
from .publish import Staged
from .result import SERVE_CURL, BuildResult, run_command


def build_image(engine: Engine, plan: BuildPlan, context: RenderedContext, staged: Staged, progress: Progress,
                cancel: threading.Event) -> ImageInfo:
    staged.image_id = docker_build(engine, context, staged.staging, plan.options, progress.emitter("notebook"),
                                   cancel)
    info = engine.image_info(staged.image_id)
    staged.image_id = info.id
    return info


def describe(engine: Engine, plan: BuildPlan, context: RenderedContext, environment: EnvironmentChoice,
             evidence: Evidence, staged: Staged, info: ImageInfo, notebook: Path, project: bool) -> BuildResult:
    """The result of the built image, with its provenance (signed with options.signing_key)."""
    options, tag = plan.options, staged.tag
    statement = build_provenance(evidence, context, plan.spec, options, tag, info, environment.image,
                                 engine.image_info(environment.image))
    return BuildResult(
        tag=tag, image_id=info.id, size=info.size, digest=info.digest, previous_image_id=staged.previous_id,
        base_image=plan.base_image, base_python=plan.base_python or "", target=options.target,
        environment_image=environment.image, environment=environment.to_dict(),
        notebook_sha256=context.notebook_sha256,
        run_command=run_command(tag, options.target, plan.gpu.run_args,
                                {} if project else _parameters(notebook, options.target)),
        gpu=plan.gpu_summary(), warnings=plan.gpu_warnings + context.warnings, sbom=evidence.sbom,
        provenance=statement,
        provenance_envelope=(sign(provenance_bytes(statement), Path(options.signing_key))
                             if options.signing_key else None),
        serve={"curl": SERVE_CURL, "manifests": []} if options.target == "serve" else None,
        # the YAML only: the server writes nothing; the panel shows and downloads it
        manifests=manifest_files(options.target, plan.spec, tag, notebook) if options.k8s else None,
        notebooks=context.notebooks if project else None,
    )


def _parameters(notebook: Path, target: str) -> dict[str, Any]:
    """The notebook's `parameters` cell defaults, shown as `-p NAME VALUE` in the batch command."""
    if target != "batch" or not notebook.is_file():
        return {}
    from ..deploy.batch import notebook_parameters

    try:
        return notebook_parameters(notebook)
    except ContainerizeError:
        return {}
