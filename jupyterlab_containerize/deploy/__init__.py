"""Deploy: Kubernetes manifests for a `serve` image (Deployment, Service, autoscaler)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ..spec import EnvironmentSpec
from .manifests import ServeDeployment, deployment_for, k8s_name, manifests

__all__ = ["ServeDeployment", "deployment_for", "k8s_name", "manifests", "render_yaml", "write_manifests"]

FILE_NAMES = {"Deployment": "deployment.yaml", "Service": "service.yaml",
              "HorizontalPodAutoscaler": "hpa.yaml"}


def render_yaml(doc: dict[str, Any]) -> str:
    # PyYAML quotes what needs quoting (image refs, "1" strings, env values); key order kept
    import yaml

    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)


def write_manifests(spec: EnvironmentSpec, image: str, out_dir: Path, name: Optional[str] = None,
                    **choices: Any) -> list[Path]:
    """Write deployment.yaml, service.yaml (and hpa.yaml with autoscale_max) under out_dir.

    `choices` are ServeDeployment fields: replicas, pool_size, token_secret, gpus, autoscale_max...
    """
    deployment = deployment_for(spec, image, name, **choices)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in manifests(deployment):
        path = out_dir / FILE_NAMES[doc["kind"]]
        path.write_text(render_yaml(doc))
        written.append(path)
    return written
