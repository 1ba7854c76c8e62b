"""Kubernetes manifests for a `serve` image: Deployment, Service and an optional autoscaler.

Plain dicts first (tests validate them against the Kubernetes OpenAPI schema), YAML last.
The token is referenced from a Secret, never written here: create it with kubectl. By default the
Secret is mounted as a file the service reads at start (CONTAINERIZE_TOKEN_FILE), see docs/serve.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Optional

from ..layout import SERVE_PORT
from ..spec import EnvironmentSpec
from .pod import (
    Workload,
    container_security_context,
    env_list,
    k8s_name,
    labels,
    pod_basics,
    resources,
    tmp_mount,
    tmp_volume,
    writable_env,
)

TOKEN_KEY = "token"
TOKEN_PATH = "/run/secrets/serve-token"  # the runtime's default token file (serve/token_source.py)
TOKEN_VOLUME = "serve-token"
SECRET_FILE_MODE = 0o440  # owner root, group fsGroup (the image's): readable by the service only


@dataclass
class ServeDeployment(Workload):
    """What a user may choose about the service's deployment."""

    replicas: int = 1
    pool_size: int = 1
    queue_size: int = 16
    timeout_s: int = 60
    token_secret: Optional[str] = None  # a Secret holding key `token`: auth is on
    token_as: Literal["file", "env"] = "file"  # how the Secret reaches the service
    setup_budget_s: int = 300  # how long the startup probe waits for the notebook's setup
    autoscale_max: Optional[int] = None  # a HorizontalPodAutoscaler up to this many replicas
    autoscale_cpu_percent: int = 70

    @property
    def labels(self) -> dict[str, str]:
        return labels(self.name, "serve")


def deployment_for(spec: EnvironmentSpec, image: str, name: Optional[str] = None,
                   **choices: Any) -> ServeDeployment:
    """Defaults from the spec: the notebook's name, and one GPU when its frameworks use CUDA."""
    base = name or Path(spec.notebook.path or "notebook").stem
    deployment = ServeDeployment(name=k8s_name(base), image=image, **choices)
    if "gpus" not in choices and spec.gpu.used:
        deployment.gpus = 1
    return deployment


def manifests(d: ServeDeployment) -> list[dict[str, Any]]:
    docs = [deployment_manifest(d), service_manifest(d)]
    if d.autoscale_max:
        docs.append(autoscaler_manifest(d))
    return docs


def deployment_manifest(d: ServeDeployment) -> dict[str, Any]:
    pod = pod_basics(d)
    pod.update({"terminationGracePeriodSeconds": 30, "containers": [_container(d)],
                "volumes": serve_volumes(d)})
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


def serve_env(d: ServeDeployment) -> list[dict[str, Any]]:
    """The service's settings, then the token's reference (a file path, or the Secret's key)."""
    values = {"CONTAINERIZE_POOL_SIZE": str(d.pool_size), "CONTAINERIZE_QUEUE_SIZE": str(d.queue_size),
              "CONTAINERIZE_TIMEOUT": str(d.timeout_s), **writable_env(d), **dict(sorted(d.env.items()))}
    if d.token_secret and d.token_as == "file":  # named explicitly: a missing file stops the service
        values["CONTAINERIZE_TOKEN_FILE"] = TOKEN_PATH
    env = env_list(values)
    if d.token_secret and d.token_as == "env":
        env.append({"name": "CONTAINERIZE_TOKEN", "valueFrom": {
            "secretKeyRef": {"name": d.token_secret, "key": TOKEN_KEY}}})
    return env


def serve_volumes(d: ServeDeployment) -> list[dict[str, Any]]:
    volumes = [tmp_volume(d)]
    if d.token_secret and d.token_as == "file":
        volumes.append({"name": TOKEN_VOLUME, "secret": {
            "secretName": d.token_secret, "defaultMode": SECRET_FILE_MODE,
            "items": [{"key": TOKEN_KEY, "path": TOKEN_KEY}]}})
    return volumes


def serve_mounts(d: ServeDeployment) -> list[dict[str, Any]]:
    mounts = [tmp_mount()]
    if d.token_secret and d.token_as == "file":  # one file, not a folder over /run/secrets
        mounts.append({"name": TOKEN_VOLUME, "mountPath": TOKEN_PATH, "subPath": TOKEN_KEY, "readOnly": True})
    return mounts


def _container(d: ServeDeployment) -> dict[str, Any]:
    return {
        "name": "serve",
        "image": d.image,
        "ports": [{"name": "http", "containerPort": SERVE_PORT, "protocol": "TCP"}],
        "env": serve_env(d),
        "resources": resources(d),
        # startup covers the notebook's setup (model loading); liveness then only asks "answering?"
        "startupProbe": probe("/health", "http", period=5, failures=max(1, math.ceil(d.setup_budget_s / 5))),
        "readinessProbe": probe("/health", "http", period=5, failures=2),
        "livenessProbe": probe("/health?probe=live", "http", period=10, failures=3),
        "securityContext": container_security_context(d),
        "volumeMounts": serve_mounts(d),
    }


def probe(path: str, port: Any, period: int, failures: int) -> dict[str, Any]:
    return {"httpGet": {"path": path, "port": port}, "periodSeconds": period,
            "timeoutSeconds": 3, "failureThreshold": failures}
