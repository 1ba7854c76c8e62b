"""Deploy: Kubernetes manifests for what we export.

serve -> Deployment, Service, autoscaler (manifests.py) or a KServe InferenceService (kserve.py);
batch -> Job, CronJob and the output folder's claim (batch.py); what every pod shares is pod.py;
files.py names, renders and writes them for the CLI (`--k8s DIR`) and the REST API.
"""

from __future__ import annotations

from .batch import BatchJob, batch_job_for, batch_manifests
from .files import K8S_TARGETS, check_k8s_request, manifest_files, render_yaml, write_files, write_manifests
from .kserve import inference_service_manifest
from .manifests import ServeDeployment, deployment_for, manifests
from .pod import k8s_name

__all__ = ["K8S_TARGETS", "BatchJob", "ServeDeployment", "batch_job_for", "batch_manifests", "check_k8s_request",
           "deployment_for",
           "inference_service_manifest", "k8s_name", "manifest_files", "manifests", "render_yaml",
           "write_files", "write_manifests"]
