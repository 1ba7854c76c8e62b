"""Kubernetes manifests: content, GPU, token and security handling, validated offline against the
Kubernetes schemas of 1.25, 1.29 and the newest (kubernetes-validate) and, for KServe's
InferenceService, against the schema vendored from KServe's CRD (fixtures/kserve/)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from jupyterlab_containerize.cli import main as cli_main
from jupyterlab_containerize.deploy import (
    BatchJob,
    batch_job_for,
    batch_manifests,
    inference_service_manifest,
    k8s_name,
    manifest_files,
    manifests,
    write_files,
    write_manifests,
)
from jupyterlab_containerize.deploy.manifests import ServeDeployment, deployment_for
from jupyterlab_containerize.errors import InvalidRequest
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.spec import EnvironmentSpec, GpuFramework

from .conftest import FIXTURES
from .kserve_schema import SCHEMA, sample_documents

kubernetes_validate = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate")
jsonschema = pytest.importorskip("jsonschema")
# the oldest and newest Kubernetes the bundled schemas cover, plus a common one between
K8S_VERSIONS = ["1.25.0", "1.29.0", kubernetes_validate.latest_version()]
KSERVE_NAME = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")  # KServe's admission webhook (IsvcNameFmt)
BASIC = FIXTURES / "basic.ipynb"
RUN_NOTEBOOK = Path(__file__).parents[2] / "jupyterlab_containerize" / "render" / "files" / "run_notebook.py"


def _spec(gpu: bool = False, path: str = "/home/me/Iris Model_v2.ipynb") -> EnvironmentSpec:
    spec = EnvironmentSpec()
    spec.notebook.path = path
    if gpu:
        spec.gpu.frameworks = [GpuFramework(name="torch", version="2.4.0", cuda="12.1")]
    return spec


def _by_kind(paths: list[Path]) -> dict[str, dict]:
    docs = [yaml.safe_load(p.read_text()) for p in paths]
    return {d["kind"]: d for d in docs}


def _pods(doc: dict[str, Any]) -> dict[str, Any]:
    """The pod spec inside any manifest we emit."""
    if doc["kind"] == "CronJob":
        return doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    if doc["kind"] == "InferenceService":
        return doc["spec"]["predictor"]
    return doc["spec"]["template"]["spec"]


def _kserve_validator() -> Any:
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft7Validator(schema)


def _validate_isvc(doc: dict[str, Any]) -> None:
    """The vendored CRD schema, then what KServe's webhook adds (a schema cannot say it)."""
    _kserve_validator().validate(doc)
    assert KSERVE_NAME.fullmatch(doc["metadata"]["name"]), doc["metadata"]["name"]
    predictor = doc["spec"]["predictor"]
    assert predictor["minReplicas"] <= predictor["maxReplicas"]
    assert predictor["containers"][0]["name"] == "kserve-container"


SERVE_VARIANTS = [
    {},
    {"gpus": 1, "token_secret": "serve-token", "autoscale_max": 5},
    {"token_secret": "serve-token", "token_as": "env", "read_only_root": False},
]


# ---------------------------------------------------------------- serve: Deployment, Service, HPA


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("choices", SERVE_VARIANTS)
def test_manifests_validate_against_the_kubernetes_schema(tmp_path: Path, version: str,
                                                          choices: dict[str, Any]) -> None:
    paths = write_manifests(_spec(), "registry.example/iris:1", tmp_path, **choices)
    expected = {"deployment.yaml", "service.yaml"} | ({"hpa.yaml"} if choices.get("autoscale_max") else set())
    assert {p.name for p in paths} == expected
    for path in paths:
        kubernetes_validate.validate(yaml.safe_load(path.read_text()), version, strict=True)


def test_the_validator_catches_mistakes() -> None:
    """Guard against a validator that accepts anything."""
    doc = manifests(deployment_for(_spec(), "img:1"))[0]
    doc["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["pat"] = "/x"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, K8S_VERSIONS[-1], strict=True)
    doc = manifests(deployment_for(_spec(), "img:1"))[0]
    doc["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, K8S_VERSIONS[-1], strict=True)


def test_deployment_content(tmp_path: Path) -> None:
    docs = _by_kind(write_manifests(_spec(), "iris:serve", tmp_path, token_secret="iris-token",
                                    pool_size=2))
    deployment, service = docs["Deployment"], docs["Service"]
    assert deployment["metadata"]["name"] == "iris-model-v2"
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 1000
    container = pod["containers"][0]
    assert container["image"] == "iris:serve"
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["livenessProbe"]["httpGet"]["path"].startswith("/health")
    assert container["resources"]["requests"] == {"cpu": "500m", "memory": "512Mi"}
    assert "nvidia.com/gpu" not in container["resources"]["limits"] and "tolerations" not in pod
    env = {e["name"]: e for e in container["env"]}
    assert env["CONTAINERIZE_POOL_SIZE"]["value"] == "2"
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "iris-model-v2"}
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_token_is_mounted_from_the_secret_as_a_file() -> None:
    pod = _pods(manifests(deployment_for(_spec(), "img:1", token_secret="iris-token"))[0])
    container = pod["containers"][0]
    env = {e["name"]: e for e in container["env"]}
    assert "CONTAINERIZE_TOKEN" not in env  # no secret in the environment, not even a reference
    assert env["CONTAINERIZE_TOKEN_FILE"]["value"] == "/run/secrets/serve-token"
    assert {"name": "serve-token", "mountPath": "/run/secrets/serve-token", "subPath": "token",
            "readOnly": True} in container["volumeMounts"]
    volume = next(v for v in pod["volumes"] if v["name"] == "serve-token")
    assert volume["secret"] == {"secretName": "iris-token", "defaultMode": 0o440,
                                "items": [{"key": "token", "path": "token"}]}
    assert pod["securityContext"]["fsGroup"] == 1000  # group-readable by the service, no one else


def test_token_as_env_is_still_possible() -> None:
    pod = _pods(manifests(deployment_for(_spec(), "img:1", token_secret="t", token_as="env"))[0])
    env = {e["name"]: e for e in pod["containers"][0]["env"]}
    assert env["CONTAINERIZE_TOKEN"] == {"name": "CONTAINERIZE_TOKEN", "valueFrom": {
        "secretKeyRef": {"name": "t", "key": "token"}}}
    assert "CONTAINERIZE_TOKEN_FILE" not in env and all(v["name"] != "serve-token" for v in pod["volumes"])


def test_no_token_secret_means_no_token() -> None:
    for doc in [manifests(deployment_for(_spec(), "img:1"))[0],
                inference_service_manifest(deployment_for(_spec(), "img:1"))]:
        pod = _pods(doc)
        assert not any(e["name"].startswith("CONTAINERIZE_TOKEN") for e in pod["containers"][0]["env"])
        assert [v["name"] for v in pod["volumes"]] == ["tmp"]


def test_gpu_from_the_spec() -> None:
    pod = manifests(deployment_for(_spec(gpu=True), "img:1"))[0]["spec"]["template"]["spec"]
    resources = pod["containers"][0]["resources"]
    assert resources["limits"]["nvidia.com/gpu"] == "1" == resources["requests"]["nvidia.com/gpu"]
    assert pod["tolerations"][0]["key"] == "nvidia.com/gpu"
    cpu_only = manifests(deployment_for(_spec(gpu=True), "img:1", gpus=0))[0]
    assert "nvidia.com/gpu" not in cpu_only["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]


@pytest.mark.parametrize("text, name", [("Iris Model_v2", "iris-model-v2"), ("--", "notebook"),
                                        ("a" * 80, "a" * 63), ("Ünïcode!", "n-code"),
                                        ("2024 report", "nb-2024-report")])
def test_k8s_names(text: str, name: str) -> None:
    assert k8s_name(text) == name
    assert KSERVE_NAME.fullmatch(name)  # a DNS-1035 label: what Services and KServe accept


# ---------------------------------------------------------------- every pod we emit


def _every_manifest() -> list[dict[str, Any]]:
    serve = deployment_for(_spec(gpu=True), "img:1", token_secret="t")
    return [*manifests(serve), inference_service_manifest(serve),
            *batch_manifests(batch_job_for(_spec(gpu=True), "img:1", BASIC))]


@pytest.mark.parametrize("doc", _every_manifest(), ids=lambda d: d["kind"])
def test_every_pod_runs_non_root_without_privileges(doc: dict[str, Any]) -> None:
    if doc["kind"] in ("Service", "HorizontalPodAutoscaler", "PersistentVolumeClaim"):
        return
    pod = _pods(doc)
    assert pod["automountServiceAccountToken"] is False  # notebook code gets no API token
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 1000
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    for container in pod["containers"]:
        security = container["securityContext"]
        assert security["allowPrivilegeEscalation"] is False and security["privileged"] is False
        assert security["capabilities"] == {"drop": ["ALL"]} and security["runAsNonRoot"] is True
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    read_only = pod["containers"][0]["securityContext"]["readOnlyRootFilesystem"]
    assert read_only is (doc["kind"] in ("Deployment", "InferenceService"))  # batch notebooks write beside them


# ---------------------------------------------------------------- KServe InferenceService


@pytest.mark.parametrize("choices", SERVE_VARIANTS)
def test_inference_service_validates_against_kserves_schema(choices: dict[str, Any]) -> None:
    doc = inference_service_manifest(deployment_for(_spec(), "registry.example/iris:1", **choices))
    _validate_isvc(doc)
    _validate_isvc(yaml.safe_load(yaml.safe_dump(doc)))  # and as written


def test_the_vendored_schema_covers_what_we_emit() -> None:
    for doc in sample_documents():
        _validate_isvc(doc)
    assert "KServe v0.20.0" in json.loads(SCHEMA.read_text())["$comment"]


def test_the_kserve_validator_catches_mistakes() -> None:
    validator = _kserve_validator()
    doc = inference_service_manifest(deployment_for(_spec(), "img:1"))
    doc["spec"]["predictor"]["containers"][0]["imagePullPolicyy"] = "Always"  # misspelt
    assert not validator.is_valid(doc)
    doc = inference_service_manifest(deployment_for(_spec(), "img:1"))
    doc["spec"]["predictor"]["minReplicas"] = "1"
    assert not validator.is_valid(doc)
    doc = inference_service_manifest(deployment_for(_spec(), "img:1", autoscale_max=3))
    doc["spec"]["predictor"]["scaleMetric"] = "gpu"  # not one of KServe's
    assert not validator.is_valid(doc)
    doc = inference_service_manifest(deployment_for(_spec(), "img:1"))
    del doc["spec"]["predictor"]["containers"][0]["name"]
    assert not validator.is_valid(doc)


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_inference_service_pod_is_valid_kubernetes(version: str) -> None:
    """KServe inlines a core PodSpec: as a Pod, it must pass each Kubernetes version's schema."""
    doc = inference_service_manifest(deployment_for(_spec(gpu=True), "img:1", token_secret="t", autoscale_max=3))
    kserve_only = ("minReplicas", "maxReplicas", "scaleMetric", "scaleTarget")
    pod_spec = {k: v for k, v in doc["spec"]["predictor"].items() if k not in kserve_only}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": doc["metadata"]["name"]}, "spec": pod_spec}
    kubernetes_validate.validate(pod, version, strict=True)


def test_inference_service_content() -> None:
    doc = inference_service_manifest(deployment_for(_spec(), "iris:serve", token_secret="iris-token",
                                                    replicas=2, autoscale_max=4))
    assert doc["apiVersion"] == "serving.kserve.io/v1beta1" and doc["kind"] == "InferenceService"
    assert doc["metadata"]["annotations"] == {"serving.kserve.io/deploymentMode": "RawDeployment"}
    predictor = doc["spec"]["predictor"]
    assert (predictor["minReplicas"], predictor["maxReplicas"]) == (2, 4)
    assert (predictor["scaleMetric"], predictor["scaleTarget"]) == ("cpu", 70)
    container = predictor["containers"][0]
    assert container["image"] == "iris:serve"
    assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health", "port": 8080}
    assert container["livenessProbe"]["httpGet"] == {"path": "/health?probe=live", "port": 8080}
    assert container["resources"]["limits"]["memory"] == "2Gi"
    assert any(v.get("secret", {}).get("secretName") == "iris-token" for v in predictor["volumes"])


# ---------------------------------------------------------------- batch: Job, CronJob, PVC


BATCH_VARIANTS = [{}, {"gpus": 1, "output_claim": None, "schedule": "@daily"},
                  {"read_only_root": True, "active_deadline_s": 3600, "schedule": "30 6 * * 1-5"}]


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("choices", BATCH_VARIANTS)
def test_batch_manifests_validate_against_the_kubernetes_schema(version: str, choices: dict[str, Any]) -> None:
    for file in manifest_files("batch", _spec(), "registry.example/iris:batch", BASIC, **choices):
        kubernetes_validate.validate(yaml.safe_load(file["yaml"]), version, strict=True)


def test_job_content() -> None:
    job, cronjob, claim = batch_manifests(batch_job_for(_spec(), "iris:batch", BASIC))
    assert job["kind"] == "Job" and job["spec"]["backoffLimit"] == 1
    pod = _pods(job)
    assert pod["restartPolicy"] == "Never"
    container = pod["containers"][0]
    assert container["image"] == "iris:batch" and "command" not in container  # the image's entrypoint
    assert container["args"][:6] == ["-p", "x", "1", "-p", "name", '"world"']
    assert {"name": "output", "mountPath": "/home/jovyan/out"} in container["volumeMounts"]
    assert {"name": "output", "persistentVolumeClaim": {"claimName": "iris-model-v2-output"}} in pod["volumes"]
    assert claim["kind"] == "PersistentVolumeClaim" and claim["metadata"]["name"] == "iris-model-v2-output"
    assert cronjob["spec"]["schedule"] == "0 * * * *" and cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert _pods(cronjob) == pod


def test_output_as_empty_dir() -> None:
    docs = batch_manifests(batch_job_for(_spec(), "iris:batch", BASIC, output_claim=None))
    assert [d["kind"] for d in docs] == ["Job", "CronJob"]
    assert {"name": "output", "emptyDir": {}} in _pods(docs[0])["volumes"]


def test_parameters_reach_run_notebook_as_the_notebook_has_them() -> None:
    """The args, parsed by the image's own entrypoint, give back the parameters cell's defaults."""
    spec = importlib.util.spec_from_file_location("run_notebook", RUN_NOTEBOOK)
    assert spec and spec.loader
    run_notebook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_notebook)
    job = batch_job_for(_spec(), "iris:batch", BASIC, parameters={"n": 3, "s": "1", "d": {"a": [1.5, None]}})
    args = batch_manifests(job)[0]["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[::3] == ["-p"] * 3
    pairs = [(args[i + 1], args[i + 2]) for i in range(0, len(args), 3)]
    assert run_notebook.collect_parameters(pairs, {}) == {"n": 3, "s": "1", "d": {"a": [1.5, None]}}
    defaults = batch_job_for(_spec(), "iris:batch", BASIC).parameters
    assert defaults == {"x": 1, "name": "world", "scale": 1.5, "flag": False, "items": [1, 2],
                        "options": {"a": 1}, "maybe": None}  # `computed` is an expression: no default


@pytest.mark.parametrize("schedule", ["0 * * * * *", "every hour", "0 * * *", "0 * * * *; rm -rf /", ""])
def test_bad_schedules_are_refused(schedule: str) -> None:
    with pytest.raises(InvalidRequest, match="cron expression"):
        BatchJob(name="x", image="y", schedule=schedule)


# ---------------------------------------------------------------- files, CLI and REST


def test_files_layout(tmp_path: Path) -> None:
    serve = write_files(manifest_files("serve", _spec(), "img:1", token_secret="t"), tmp_path / "serve")
    assert sorted(str(p.relative_to(tmp_path / "serve")) for p in serve) == [
        "deployment.yaml", "kserve/inferenceservice.yaml", "service.yaml"]
    batch = write_files(manifest_files("batch", _spec(), "img:1", BASIC), tmp_path / "batch")
    assert sorted(p.name for p in batch) == ["cronjob.yaml", "job.yaml", "pvc.yaml"]
    with pytest.raises(InvalidRequest, match="serve and batch"):
        manifest_files("notebook", _spec(), "img:1")


@pytest.mark.parametrize("argv, message", [
    (["--target", "notebook"], "--target serve or --target batch"),
    (["--target", "batch", "--schedule", "often"], "not a cron expression"),
])
def test_cli_checks_k8s_options_before_building(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                argv: list[str], message: str) -> None:
    notebook = tmp_path / "basic.ipynb"
    shutil.copy(BASIC, notebook)
    assert cli_main(["build", str(notebook), "--k8s", str(tmp_path / "k8s"), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "k8s").exists()


@pytest.mark.parametrize("options, message", [
    ({"target": "notebook", "k8s": True}, "serve and batch"), ({"target": "serve", "k8s": "yes"}, "true or false"),
])
def test_build_options_k8s_is_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        BuildOptions.from_dict(options)


@pytest.mark.parametrize("target, files", [
    ("serve", ["deployment.yaml", "service.yaml", "kserve/inferenceservice.yaml"]),
    ("batch", ["job.yaml", "cronjob.yaml", "pvc.yaml"]),
])
def test_a_build_asked_for_k8s_returns_the_manifests(tmp_path: Path, target: str, files: list[str]) -> None:
    """What the REST API hands the panel: result.manifests = [{path, kind, yaml}], nothing on disk."""
    from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
    from tests.builder.fakes import FakeEngine

    hello = Path(__file__).parents[1] / "builder" / "fixtures"
    shutil.copytree(hello / "hello", tmp_path / "hello")
    spec = EnvironmentSpec.from_dict(json.loads((hello / "hello.spec.json").read_text()))
    options = BuildOptions(target=target, k8s=True, base_image="localhost/containerize-test/python:3.11")
    request = BuildRequest(tmp_path / "hello" / "hello.ipynb", options, spec)
    result = run_pipeline(request, FakeEngine(), lambda *a, **k: None, threading.Event(), tmp_path / "work").to_dict()
    assert [m["path"] for m in result["manifests"]] == files
    for manifest in result["manifests"]:
        doc = yaml.safe_load(manifest["yaml"])
        assert doc["kind"] == manifest["kind"]
        if doc["kind"] in ("Deployment", "InferenceService", "Job", "CronJob"):
            assert _pods(doc)["containers"][0]["image"] == result["image"]
    assert not list(tmp_path.rglob("*.yaml"))
    json.dumps(result)  # the record and the REST answer are JSON


def test_serve_deployment_defaults() -> None:
    d = ServeDeployment(name="x", image="y")
    assert (d.token_as, d.read_only_root, d.replicas) == ("file", True, 1)
