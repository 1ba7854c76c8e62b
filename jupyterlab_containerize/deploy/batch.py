"""Kubernetes manifests for a `batch` image: a Job (run once), a CronJob (run on a schedule) and the
PersistentVolumeClaim their output folder lives on.

The image's entrypoint is run_notebook.py: each parameter is an argument pair `-p NAME VALUE`, the
value JSON (a string that is not JSON stays a string). The manifests carry the notebook's defaults
as those arguments, so the place to change one is plain to see; a parameter that looks like a secret
(its name says password, token, key...; or its value is a token) goes into a Secret (secret.yaml)
instead, and reaches its `-p` pair through an environment variable from a secretKeyRef: a pod's
arguments are visible to whoever may read pods, a Secret has its own permissions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .. import secret_content
from ..errors import InvalidRequest
from ..layout import OUT
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

DEFAULT_SCHEDULE = "0 * * * *"  # hourly
OUTPUT_VOLUME = "output"
_CRON_FIELD = r"(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?)*"
_CRON = re.compile(rf"@(yearly|annually|monthly|weekly|daily|midnight|hourly)|{_CRON_FIELD}( {_CRON_FIELD}){{4}}")


@dataclass
class BatchJob(Workload):
    """What a user may choose about the batch runs."""

    # Batch notebooks usually write files beside themselves, in the image's read-only work folder.
    read_only_root: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)  # name -> value, as `-p NAME VALUE`
    schedule: str = DEFAULT_SCHEDULE
    backoff_limit: int = 1  # one retry: a notebook that fails twice will fail again
    active_deadline_s: Optional[int] = None  # the whole run, retries included
    keep_finished_s: int = 86400  # then Kubernetes deletes the finished Job and its pod (and logs)
    output_claim: Optional[str] = ""  # a PersistentVolumeClaim; "" = NAME-output (written too); None = emptyDir
    output_size: str = "1Gi"

    def __post_init__(self) -> None:
        check_schedule(self.schedule)
        if self.output_claim == "":
            self.output_claim = f"{self.name[:56]}-output"

    @property
    def labels(self) -> dict[str, str]:
        return labels(self.name, "batch")


def check_schedule(schedule: str) -> str:
    if not isinstance(schedule, str) or not _CRON.fullmatch(schedule):
        raise InvalidRequest(f"The schedule {schedule!r} is not a cron expression: five fields "
                             "(minute hour day month weekday), e.g. '0 * * * *' or '30 6 * * 1-5', "
                             "or @hourly, @daily, @weekly...",
                             hint="Quote it on the command line: --schedule '30 6 * * 1-5'.")
    return schedule


def batch_job_for(spec: EnvironmentSpec, image: str, notebook: Optional[Path] = None,
                  name: Optional[str] = None, **choices: Any) -> BatchJob:
    """Defaults from the spec and the notebook: its name, its parameters, one GPU if it used CUDA."""
    base = name or Path(spec.notebook.path or (notebook and str(notebook)) or "notebook").stem
    if "parameters" not in choices and notebook is not None:
        choices["parameters"] = notebook_parameters(notebook)
    job = BatchJob(name=k8s_name(base), image=image, **choices)
    if "gpus" not in choices and spec.gpu.used:
        job.gpus = 1
    return job


def notebook_parameters(notebook: Path) -> dict[str, Any]:
    """The parameters cell's literal defaults (papermill's convention); others have no default."""
    from ..inspect.notebook_source import load_notebook
    from ..serve.notebook import plan_of

    # plain JSON: importing nbformat would cost a second of every CLI build
    return {p.name: p.default for p in plan_of(load_notebook(notebook), notebook).parameters if p.has_default}


SECRET_NAME = re.compile(r"(?i)" + secret_content.SECRET_KEY + r"|(?:^|_)key$|(?:^|_)pat$|dsn$")
PARAM_ENV = "CONTAINERIZE_PARAM_"


def is_secret_parameter(name: str, value: Any) -> bool:
    """A parameter whose name or default looks like a credential."""
    found = isinstance(value, str) and secret_content.scan_text(value) is not None
    return bool(SECRET_NAME.search(name)) or found


def secret_parameters(job: BatchJob) -> dict[str, Any]:
    return {n: v for n, v in job.parameters.items() if is_secret_parameter(n, v)}


def parameters_secret_name(job: BatchJob) -> str:
    return f"{job.name[:52]}-parameters"


def parameters_secret_manifest(job: BatchJob) -> dict[str, Any]:
    """The notebook's defaults of its secret-looking parameters, as JSON (what `-p` takes). Keep
    secret.yaml out of git; or create the Secret with kubectl and leave this file out."""
    return {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": parameters_secret_name(job), "labels": job.labels},
            "stringData": {_key(name): json.dumps(value) for name, value in secret_parameters(job).items()}}


def _key(name: str) -> str:
    """A Secret key and an env name from a parameter's name (a Python identifier, maybe not ASCII)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def batch_manifests(job: BatchJob) -> list[dict[str, Any]]:
    docs = [job_manifest(job), cronjob_manifest(job)]
    if secret_parameters(job):
        docs.append(parameters_secret_manifest(job))
    if job.output_claim:
        docs.append(output_claim_manifest(job))
    return docs


def job_manifest(job: BatchJob) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": job.name, "labels": job.labels},
            "spec": _job_spec(job)}


def cronjob_manifest(job: BatchJob) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": job.name, "labels": job.labels},
        "spec": {
            "schedule": job.schedule,
            "concurrencyPolicy": "Forbid",  # a run still going when the next is due: skip the next
            "startingDeadlineSeconds": 600,
            "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 3,
            "jobTemplate": {"metadata": {"labels": job.labels}, "spec": _job_spec(job)},
        },
    }


def output_claim_manifest(job: BatchJob) -> dict[str, Any]:
    """A placeholder claim: the cluster's default storage class, ReadWriteOnce, output_size."""
    return {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": job.output_claim, "labels": job.labels},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": job.output_size}}},
    }


def parameter_args(parameters: dict[str, Any], secret: tuple[str, ...] = ()) -> list[str]:
    """`-p NAME VALUE` pairs; values as JSON, so "1" stays a string and 1 a number. A name in
    `secret` gets `$(CONTAINERIZE_PARAM_NAME)`, which Kubernetes fills from the container's env."""
    args: list[str] = []
    for name, value in parameters.items():
        args += ["-p", name, f"$({PARAM_ENV}{_key(name).upper()})" if name in secret else json.dumps(value)]
    return args


def _job_spec(job: BatchJob) -> dict[str, Any]:
    pod = pod_basics(job)
    pod.update({"restartPolicy": "Never", "containers": [_container(job)], "volumes": _volumes(job)})
    spec: dict[str, Any] = {"backoffLimit": job.backoff_limit, "ttlSecondsAfterFinished": job.keep_finished_s,
                            "template": {"metadata": {"labels": job.labels}, "spec": pod}}
    if job.active_deadline_s:
        spec["activeDeadlineSeconds"] = job.active_deadline_s
    return spec


def _container(job: BatchJob) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "notebook",
        "image": job.image,
        "args": parameter_args(job.parameters, tuple(secret_parameters(job))),
        "resources": resources(job),
        "securityContext": container_security_context(job),
        "volumeMounts": [{"name": OUTPUT_VOLUME, "mountPath": OUT}, tmp_mount()],
    }
    env = {**writable_env(job), **dict(sorted(job.env.items()))}
    from_secret = [{"name": f"{PARAM_ENV}{_key(name).upper()}", "valueFrom": {"secretKeyRef": {
        "name": parameters_secret_name(job), "key": _key(name)}}} for name in secret_parameters(job)]
    if env or from_secret:
        container["env"] = env_list(env) + from_secret
    return container


def _volumes(job: BatchJob) -> list[dict[str, Any]]:
    output: dict[str, Any] = {"name": OUTPUT_VOLUME}
    if job.output_claim:
        output["persistentVolumeClaim"] = {"claimName": job.output_claim}
    else:
        output["emptyDir"] = {}
    return [output, tmp_volume(job)]
