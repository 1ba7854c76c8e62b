"""A KServe InferenceService (serving.kserve.io/v1beta1) for a `serve` image: a custom predictor.

The service speaks its own API (POST /run, /health), not KServe's inference protocols, so it is a
custom container: `spec.predictor.containers[0]`, with the same settings, probes, security and token
as the Deployment. It asks for KServe's raw-Deployment mode: the runtime queues and pools requests
itself and needs none of Knative's request-driven scaling; a raw Deployment also takes the pod
security context (fsGroup, so the token file is readable) that Knative's defaults refuse.
Tests validate it against a schema vendored from KServe's CRD (tests/serve/fixtures/kserve/).
"""

from __future__ import annotations

from typing import Any

from ..layout import SERVE_PORT
from .manifests import ServeDeployment, probe, serve_env, serve_mounts, serve_volumes
from .pod import container_security_context, pod_basics, resources

API_VERSION = "serving.kserve.io/v1beta1"
CONTAINER_NAME = "kserve-container"  # the name KServe gives a custom predictor's container
# "RawDeployment": understood by KServe 0.8 to 0.20 (which calls it "Standard" and maps it)
DEPLOYMENT_MODE = {"serving.kserve.io/deploymentMode": "RawDeployment"}


def inference_service_manifest(d: ServeDeployment) -> dict[str, Any]:
    predictor = pod_basics(d)
    predictor.update({
        "minReplicas": d.replicas,
        "maxReplicas": max(d.replicas, d.autoscale_max or d.replicas),
        "containers": [_container(d)],
        "volumes": serve_volumes(d),
    })
    if d.autoscale_max:
        predictor.update({"scaleMetric": "cpu", "scaleTarget": d.autoscale_cpu_percent})
    return {
        "apiVersion": API_VERSION, "kind": "InferenceService",
        "metadata": {"name": d.name, "labels": d.labels, "annotations": dict(DEPLOYMENT_MODE)},
        "spec": {"predictor": predictor},
    }


def _container(d: ServeDeployment) -> dict[str, Any]:
    # no startupProbe: liveness asks /health?probe=live, which stays 200 through a slow setup
    return {
        "name": CONTAINER_NAME,
        "image": d.image,
        "ports": [{"containerPort": SERVE_PORT, "protocol": "TCP"}],
        "env": serve_env(d),
        "resources": resources(d),
        "readinessProbe": probe("/health", SERVE_PORT, period=5, failures=2),
        "livenessProbe": probe("/health?probe=live", SERVE_PORT, period=10, failures=3),
        "securityContext": container_security_context(d),
        "volumeMounts": serve_mounts(d),
    }
