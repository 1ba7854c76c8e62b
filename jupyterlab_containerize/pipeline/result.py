"""What a build returns: a typed `BuildResult` whose `to_dict()` is the JSON the REST API, the panel
and the CLI read (docs/rest-api.md), and the strings in it shown to users (size, run command)."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any, Optional

from ..layout import OUT, SERVE_PORT

# A placeholder the shell refuses to run without: the command fails, saying what to set, instead of
# starting with a token nobody chose. Never a value: the printed command holds no secret to redact.
TOKEN_PLACEHOLDER = '"${JUPYTER_TOKEN:?set JUPYTER_TOKEN to a token of your choice}"'
SERVE_CURL = ("curl -s -X POST -H 'Content-Type: application/json' "
              f"-d '{{}}' http://127.0.0.1:{SERVE_PORT}/run")


@dataclass
class BuildResult:
    tag: str  # the image's name (`image` in the JSON too)
    image_id: str
    size: int
    digest: Optional[str]  # the registry's after a push
    previous_image_id: Optional[str]  # what the tag named before this build
    base_image: str
    base_python: str
    target: str
    environment_image: str
    environment: dict[str, Any]  # builder.environment_image.EnvironmentChoice.to_dict()
    notebook_sha256: str
    run_command: str
    gpu: dict[str, Any]  # BuildPlan.gpu_summary()
    warnings: list[str]
    sbom: dict[str, Any]
    provenance: dict[str, Any]
    # the optional keys: in the JSON only when set, in this order
    provenance_envelope: Optional[dict[str, Any]] = None  # signed with the admin's / --sign-key key
    serve: Optional[dict[str, Any]] = None  # target serve: what the panel's result card shows
    manifests: Optional[list[dict[str, str]]] = None  # options.k8s: the YAML, nothing written
    notebooks: Optional[list[str]] = None  # a project's
    verify: Optional[dict[str, Any]] = None  # verify/report.py's (a project's: per notebook)
    referrers: Optional[list[dict[str, Any]]] = None  # the provenance and SBOM attached after a push
    export: Optional[str] = None  # the tar `docker save` wrote
    progress_plan: dict[str, Any] = field(default_factory=dict)  # {total, phases}
    repairs: Optional[list[dict[str, Any]]] = None  # --repair: every change made (repair.py)
    repaired_spec: Optional[dict[str, Any]] = None  # --repair: the spec that verified, if it changed

    @property
    def size_text(self) -> str:
        return size_text(self.size)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "image": self.tag, "tag": self.tag, "image_id": self.image_id, "size": self.size,
            "size_text": self.size_text, "digest": self.digest, "previous_image_id": self.previous_image_id,
            "base_image": self.base_image, "base_python": self.base_python, "target": self.target,
            "environment_image": self.environment_image, "environment": self.environment,
            "notebook_sha256": self.notebook_sha256, "run_command": self.run_command, "gpu": self.gpu,
            "warnings": self.warnings, "sbom": self.sbom, "provenance": self.provenance,
        }
        for key in ("provenance_envelope", "serve", "manifests", "notebooks", "verify", "referrers", "export"):
            if getattr(self, key) is not None:
                result[key] = getattr(self, key)
        result["progress_plan"] = self.progress_plan
        if self.repairs is not None:
            result.update(repairs=self.repairs, repaired_spec=self.repaired_spec)
        return result


def size_text(size: int) -> str:
    """The one way a size is written, in the log, the CLI and the panel's card: decimal units, as
    `docker images` prints them (726000000 -> "726 MB")."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if value >= 10 or unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB" if value < 10 else f"{value:.0f} TB"


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
        return f"docker run --rm {gpus}-p 127.0.0.1:{SERVE_PORT}:{SERVE_PORT} {tag}  # then POST JSON to /run"
    return f"docker run --rm {gpus}-p 8888:8888 -e JUPYTER_TOKEN={TOKEN_PLACEHOLDER} {tag}"
