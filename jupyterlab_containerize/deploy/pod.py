"""What every pod we emit shares: who it runs as, what it may do, what it may write, what it uses.

The images run as uid 1000 (layout.py); the pods say so too, and more: no privilege
escalation, no capabilities, the runtime's default seccomp profile, no service-account token (a
notebook has no business with the Kubernetes API), and, where it works, a read-only root filesystem
with an emptyDir at /tmp for what Jupyter and the usual libraries write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..layout import USER_UID

MANAGED_BY = "jupyterlab-containerize"
GPU_RESOURCE = "nvidia.com/gpu"
TMP_VOLUME = "tmp"
# With a read-only root, these point the kernel's runtime files and the usual caches at /tmp.
WRITABLE_ENV = {
    "JUPYTER_RUNTIME_DIR": "/tmp/jupyter/runtime",  # kernels' connection files
    "IPYTHONDIR": "/tmp/ipython",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "XDG_CACHE_HOME": "/tmp/cache",  # Hugging Face, torch hub, pip... download here
}


@dataclass
class Workload:
    """What a user may choose about any pod we emit; defaults suit a small CPU model."""

    name: str
    image: str
    cpu_request: str = "500m"
    memory_request: str = "512Mi"
    cpu_limit: Optional[str] = "2"
    memory_limit: str = "2Gi"
    gpus: int = 0
    read_only_root: bool = True  # the root filesystem; /tmp stays writable
    tmp_size: str = "1Gi"  # the emptyDir at /tmp
    env: dict[str, str] = field(default_factory=dict)


def k8s_name(text: str) -> str:
    """A DNS-1035 label (what Services and KServe require): lower case, digits and '-', at most 63,
    a letter first and an alphanumeric last."""
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    if name and not name[0].isalpha():
        name = f"nb-{name}"
    return name[:63].strip("-") or "notebook"


def labels(name: str, component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/component": component,
            "app.kubernetes.io/managed-by": MANAGED_BY}


def pod_security_context() -> dict[str, Any]:
    # fsGroup: mounted Secrets and volumes become readable by the image's group
    return {"runAsNonRoot": True, "runAsUser": USER_UID, "runAsGroup": USER_UID, "fsGroup": USER_UID,
            "seccompProfile": {"type": "RuntimeDefault"}}


def container_security_context(w: Workload) -> dict[str, Any]:
    return {"runAsNonRoot": True, "runAsUser": USER_UID, "runAsGroup": USER_UID,
            "allowPrivilegeEscalation": False, "privileged": False, "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": w.read_only_root, "seccompProfile": {"type": "RuntimeDefault"}}


def pod_basics(w: Workload) -> dict[str, Any]:
    """Pod-spec fields every workload takes: security, no API token, GPU toleration, /tmp."""
    pod: dict[str, Any] = {"automountServiceAccountToken": False,
                           "securityContext": pod_security_context()}
    if w.gpus:  # GPU node pools are usually tainted; tolerate it so the pod can land there
        pod["tolerations"] = [{"key": GPU_RESOURCE, "operator": "Exists", "effect": "NoSchedule"}]
    return pod


def tmp_volume(w: Workload) -> dict[str, Any]:
    return {"name": TMP_VOLUME, "emptyDir": {"sizeLimit": w.tmp_size}}


def tmp_mount() -> dict[str, Any]:
    return {"name": TMP_VOLUME, "mountPath": "/tmp"}


def env_list(values: dict[str, str]) -> list[dict[str, Any]]:
    return [{"name": k, "value": v} for k, v in values.items()]


def writable_env(w: Workload) -> dict[str, str]:
    return dict(WRITABLE_ENV) if w.read_only_root else {}


def resources(w: Workload) -> dict[str, Any]:
    requests = {"cpu": w.cpu_request, "memory": w.memory_request}
    limits: dict[str, Any] = {"memory": w.memory_limit}
    if w.cpu_limit:
        limits["cpu"] = w.cpu_limit
    if w.gpus:  # extended resources: the request must equal the limit
        requests[GPU_RESOURCE] = str(w.gpus)
        limits[GPU_RESOURCE] = str(w.gpus)
    return {"requests": requests, "limits": limits}
