"""Kubernetes manifests for a `serve` image: Deployment, Service and an optional autoscaler.

Plain dicts first (tests validate them against the Kubernetes OpenAPI schema), YAML last.
The token is referenced from a Secret, never written here: create it with kubectl.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..spec import EnvironmentSpec

SERVE_PORT = 8080
SERVE_UID = 1000  # the image's jovyan
TOKEN_KEY = "token"
MANAGED_BY = "jupyterlab-containerize"
GPU_RESOURCE = "nvidia.com/gpu"


@dataclass
class ServeDeployment:
    """What a user may choose about the deployment; defaults suit a small CPU model."""

    name: str
    image: str
    replicas: int = 1
    pool_size: int = 1
    queue_size: int = 16
    timeout_s: int = 60
    cpu_request: str = "500m"
    memory_request: str = "512Mi"
    cpu_limit: Optional[str] = "2"
    memory_limit: str = "2Gi"
    gpus: int = 0
    token_secret: Optional[str] = None  # a Secret holding key `token`: auth is on
    setup_budget_s: int = 300  # how long the startup probe waits for the notebook's setup
    autoscale_max: Optional[int] = None  # a HorizontalPodAutoscaler up to this many replicas
    autoscale_cpu_percent: int = 70
    env: dict[str, str] = field(default_factory=dict)

    @property
    def labels(self) -> dict[str, str]:
        return {"app.kubernetes.io/name": self.name, "app.kubernetes.io/component": "serve",
                "app.kubernetes.io/managed-by": MANAGED_BY}


def deployment_for(spec: EnvironmentSpec, image: str, name: Optional[str] = None,
                   **choices: Any) -> ServeDeployment:
    """Defaults from the spec: the notebook's name, and one GPU when its frameworks use CUDA."""
    base = name or Path(spec.notebook.path or "notebook").stem
    deployment = ServeDeployment(name=k8s_name(base), image=image, **choices)
    if "gpus" not in choices and spec.gpu.used:
        deployment.gpus = 1
    return deployment


def k8s_name(text: str) -> str:
    """A DNS-1123 label: lower case, digits and '-', at most 63, alphanumeric at both ends."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].strip("-")
    return name or "notebook"


def manifests(d: ServeDeployment) -> list[dict[str, Any]]:
    docs = [deployment_manifest(d), service_manifest(d)]
    if d.autoscale_max:
        docs.append(autoscaler_manifest(d))
    return docs


def deployment_manifest(d: ServeDeployment) -> dict[str, Any]:
    pod: dict[str, Any] = {
        "securityContext": {"runAsNonRoot": True, "runAsUser": SERVE_UID, "runAsGroup": SERVE_UID,
                            "fsGroup": SERVE_UID, "seccompProfile": {"type": "RuntimeDefault"}},
        "terminationGracePeriodSeconds": 30,
        "containers": [_container(d)],
    }
    if d.gpus:  # GPU node pools are usually tainted; tolerate it so the pod can land there
        pod["tolerations"] = [{"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}]
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": d.name, "labels": d.labels},
        "spec": {
            "replicas": d.replicas,
            "selector": {"matchLabels": {"app.kubernetes.io/name": d.name}},
            "template": {"metadata": {"labels": d.labels}, "spec": pod},
        },
    }


def service_manifest(d: ServeDeployment) -> dict[str, Any]:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": d.name, "labels": d.labels},
        "spec": {"type": "ClusterIP", "selector": {"app.kubernetes.io/name": d.name},
                 "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]},
    }


def autoscaler_manifest(d: ServeDeployment) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": d.name, "labels": d.labels},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": d.name},
            "minReplicas": d.replicas, "maxReplicas": max(d.replicas, d.autoscale_max or d.replicas),
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                "type": "Utilization", "averageUtilization": d.autoscale_cpu_percent}}}],
        },
    }


def _container(d: ServeDeployment) -> dict[str, Any]:
    env: list[dict[str, Any]] = [
        {"name": "CONTAINERIZE_POOL_SIZE", "value": str(d.pool_size)},
        {"name": "CONTAINERIZE_QUEUE_SIZE", "value": str(d.queue_size)},
        {"name": "CONTAINERIZE_TIMEOUT", "value": str(d.timeout_s)},
    ]
    env += [{"name": k, "value": v} for k, v in sorted(d.env.items())]
    if d.token_secret:
        env.append({"name": "CONTAINERIZE_TOKEN", "valueFrom": {
            "secretKeyRef": {"name": d.token_secret, "key": TOKEN_KEY}}})
    return {
        "name": "serve",
        "image": d.image,
        "ports": [{"name": "http", "containerPort": SERVE_PORT, "protocol": "TCP"}],
        "env": env,
        "resources": _resources(d),
        # startup covers the notebook's setup (model loading); liveness then only asks "answering?"
        "startupProbe": _probe("/health", period=5, failures=max(1, math.ceil(d.setup_budget_s / 5))),
        "readinessProbe": _probe("/health", period=5, failures=2),
        "livenessProbe": _probe("/health?probe=live", period=10, failures=3),
        "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
    }


def _resources(d: ServeDeployment) -> dict[str, Any]:
    requests = {"cpu": d.cpu_request, "memory": d.memory_request}
    limits: dict[str, Any] = {"memory": d.memory_limit}
    if d.cpu_limit:
        limits["cpu"] = d.cpu_limit
    if d.gpus:  # extended resources: the request must equal the limit
        requests[GPU_RESOURCE] = str(d.gpus)
        limits[GPU_RESOURCE] = str(d.gpus)
    return {"requests": requests, "limits": limits}


def _probe(path: str, period: int, failures: int) -> dict[str, Any]:
    return {"httpGet": {"path": path, "port": "http"}, "periodSeconds": period,
            "timeoutSeconds": 3, "failureThreshold": failures}
