"""The pipeline's evidence steps: before the notebook image is built, its annotations (labels) and
its SBOM (a file in the image, in the notebook's layer); after, the provenance of what was built."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

from ..builder.engine import Engine, ImageInfo
from ..layout import IMAGE_SBOM, IMAGE_SBOM_FILE, LABEL_PREFIX, SBOM_PATH
from ..options import BuildOptions
from ..render.build_only import FOLDER
from ..render.context import NOTEBOOKS_DIR, RenderedContext
from ..render.dockerfile import render_dockerfile
from ..safe_write import write_bytes, write_text
from ..spec import EnvironmentSpec
from . import provenance, sbom
from .annotations import image_annotations

LOCK_FILES = ("requirements.txt", "runtime-requirements.txt", "runtime-constraints.txt")
SCRIPTS = ("install-user.sh", "install.sh", "sbom.py")


@dataclass
class Evidence:
    annotations: dict[str, str]
    sbom: dict[str, Any]
    base: ImageInfo
    started: str
    notebooks: dict[str, str] = field(default_factory=dict)  # name in the work folder -> sha256


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def prepare_evidence(engine: Engine, context: RenderedContext, notebook: Path, env_image: str,
                     root: Optional[Path] = None, env_sbom: Optional[bytes] = None) -> Evidence:
    """Labels and the SBOM file into the context; call before use_environment_image renders.
    `env_sbom`: the environment's SBOM when this build made it (else read from the image)."""
    started = now()
    base = engine.image_info(context.base_image)
    annotations = image_annotations(notebook, context.base_image, base.digest, root=root)
    staged = context.directory / NOTEBOOKS_DIR if context.plan.notebooks_dir else context.directory
    notebooks = {name: hashlib.sha256((staged / name).read_bytes()).hexdigest() for name in context.notebooks}
    found = {SBOM_PATH: env_sbom} if env_sbom else engine.read_files(env_image, [SBOM_PATH])
    # named by the notebook, not the tag: the same notebook gives the same file under any tag
    title = context.labels.get("org.opencontainers.image.title", context.notebook_name)
    document = sbom.image_sbom(sbom.environment_sbom(found.get(SBOM_PATH, b"")), title,
                               context.base_image, base.id, base.digest, notebooks)
    write_bytes(context.directory / IMAGE_SBOM_FILE, sbom.to_bytes(document))
    context.labels.update(annotations)
    context.plan.labels.update(annotations)
    context.plan.labels[f"{LABEL_PREFIX}.sbom"] = IMAGE_SBOM
    context.labels[f"{LABEL_PREFIX}.sbom"] = IMAGE_SBOM
    context.plan.image_sbom = True
    return Evidence(annotations, document, base, started, notebooks)


def annotate_portable(context: RenderedContext, notebook: Path, root: Optional[Path] = None) -> None:
    """A portable context's Dockerfile gets the annotations that need no engine (no base digest)."""
    annotations = image_annotations(notebook, context.base_image, None, root=root)
    context.labels.update(annotations)
    context.plan.labels.update(annotations)
    context.dockerfile = render_dockerfile(context.plan)
    write_text(context.directory / "Dockerfile", context.dockerfile)


def build_provenance(evidence: Evidence, context: RenderedContext, spec: EnvironmentSpec,
                     options: BuildOptions, tag: str, info: ImageInfo, env_image: str,
                     env_info: ImageInfo) -> dict[str, Any]:
    folder = context.directory / FOLDER
    dependencies = [{"name": f"notebook:{name}", "uri": f"file:{name}", "digest": {"sha256": sha}}
                    for name, sha in sorted(evidence.notebooks.items())]
    dependencies.append({"name": "spec", "digest": {"sha256": provenance.sha256_hex(spec.to_json().encode())}})
    dependencies += [provenance.file_resource(f"lock:{name}", folder / name)
                     for name in LOCK_FILES if (folder / name).is_file()]
    dependencies.append(provenance.image_resource("base", context.base_image, evidence.base.id,
                                                  evidence.base.digest))
    dependencies.append(provenance.image_resource("environment", env_image, env_info.id, None))
    byproducts = [provenance.file_resource("Dockerfile", context.directory / "Dockerfile", content=True)]
    byproducts += [provenance.file_resource(name, folder / name, content=True)
                   for name in SCRIPTS if (folder / name).is_file()]
    byproducts.append({"name": "sbom", "uri": f"file:{IMAGE_SBOM}",
                       "digest": {"sha256": provenance.sha256_hex(sbom.to_bytes(evidence.sbom))},
                       "mediaType": "application/vnd.cyclonedx+json"})
    external = {
        "notebooks": sorted(evidence.notebooks), "target": options.target, "tag": tag,
        "baseImage": context.base_image, "environment": options.environment, "gpu": options.gpu,
        "noCache": options.no_cache, "repin": options.repin,
        "annotations": {k: v for k, v in evidence.annotations.items() if k.startswith("org.opencontainers")},
    }
    repo = tag.rsplit(":", 1)[0] if ":" in tag.rsplit("/", 1)[-1] else tag
    return provenance.statement(repo, info.id, external, dependencies, byproducts, evidence.started, now(),
                                str(uuid.uuid4()))


def attach_evidence(pushed: str, statement: dict[str, Any], document: dict[str, Any],
                    signing_key: Optional[str] = None) -> dict[str, Any]:
    """The provenance (subject: the pushed manifest; a signed DSSE envelope with a key) and the SBOM,
    attached to `pushed` as referrers."""
    from .referrers import attach
    from .signing import ENVELOPE_MEDIA_TYPE, sign

    repository, _, digest = pushed.partition("@")
    about = provenance.with_subject(statement, repository, digest)
    found: dict[str, Any] = {"provenance": about}
    attested = (provenance.MEDIA_TYPE, provenance.to_bytes(about), provenance.MEDIA_TYPE)
    if signing_key:
        found["provenance_envelope"] = sign(provenance.to_bytes(about), Path(signing_key))
        attested = (provenance.MEDIA_TYPE, json.dumps(found["provenance_envelope"]).encode(), ENVELOPE_MEDIA_TYPE)
    done = attach(pushed, [attested, (sbom.MEDIA_TYPE, sbom.to_bytes(document), sbom.MEDIA_TYPE)], now())
    found["referrers"] = [{"artifactType": a.artifact_type, "digest": a.digest, "fallbackTag": a.fallback_tag}
                          for a in done]
    return found
