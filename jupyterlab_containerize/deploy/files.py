"""The manifests as files: which ones a target gets, their names, their YAML, writing them.

One function for both fronts: the CLI writes `manifest_files(...)` to `--k8s DIR`; the REST API
returns them in the build result (`result.manifests`) for the panel to show and download.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ..errors import InvalidRequest
from ..safe_write import make_dirs, write_text
from ..spec import EnvironmentSpec
from .batch import DEFAULT_SCHEDULE, batch_job_for, batch_manifests, check_schedule
from .kserve import inference_service_manifest
from .manifests import deployment_for, manifests

FILE_NAMES = {"Deployment": "deployment.yaml", "Service": "service.yaml",
              "HorizontalPodAutoscaler": "hpa.yaml", "Job": "job.yaml", "CronJob": "cronjob.yaml",
              "PersistentVolumeClaim": "pvc.yaml", "Secret": "secret.yaml",
              "InferenceService": "kserve/inferenceservice.yaml"}
K8S_TARGETS = ("serve", "batch")


def render_yaml(doc: dict[str, Any]) -> str:
    # PyYAML quotes what needs quoting (image refs, "1" strings, env values); key order kept
    import yaml

    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)


def check_k8s_request(target: str, schedule: str = DEFAULT_SCHEDULE) -> None:
    """What can be checked before a build, so that a mistake here costs no build."""
    if target not in K8S_TARGETS:
        raise InvalidRequest(f"Kubernetes manifests are made for the serve and batch targets, not {target!r}.",
                             hint="Build with --target serve or --target batch (REST: options.target).")
    check_schedule(schedule)


def manifest_files(target: str, spec: EnvironmentSpec, image: str, notebook: Optional[Path] = None, *,
                   kserve: bool = True, token_secret: Optional[str] = None, schedule: str = DEFAULT_SCHEDULE,
                   **choices: Any) -> list[dict[str, str]]:
    """[{path, kind, yaml}] for the target: serve -> deployment, service (hpa) and, with kserve,
    kserve/inferenceservice.yaml (an alternative to those: apply one or the other); batch -> job,
    cronjob and pvc (the output folder's claim). `token_secret` is for serve, `schedule` for batch.

    `choices` are more ServeDeployment or BatchJob fields: autoscale_max, gpus, output_claim...
    """
    check_k8s_request(target, schedule)
    if target == "serve":
        deployment = deployment_for(spec, image, token_secret=token_secret, **choices)
        docs = manifests(deployment) + ([inference_service_manifest(deployment)] if kserve else [])
    else:
        docs = batch_manifests(batch_job_for(spec, image, notebook, schedule=schedule, **choices))
    return [{"path": FILE_NAMES[d["kind"]], "kind": d["kind"], "yaml": render_yaml(d)} for d in docs]


def write_files(files: list[dict[str, str]], out_dir: Path) -> list[Path]:
    """Each file atomically under `out_dir`; a link at a name or a folder there is refused."""
    written = []
    make_dirs(out_dir)
    for file in files:
        path = out_dir / file["path"]
        make_dirs(path.parent, base=out_dir)
        write_text(path, file["yaml"])
        written.append(path)
    return written


def write_manifests(spec: EnvironmentSpec, image: str, out_dir: Path, name: Optional[str] = None,
                    **choices: Any) -> list[Path]:
    """A serve image's deployment.yaml, service.yaml (hpa.yaml with autoscale_max) under out_dir."""
    kserve = choices.pop("kserve", False)
    return write_files(manifest_files("serve", spec, image, kserve=kserve, name=name, **choices), out_dir)
