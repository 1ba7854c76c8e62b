"""Kubernetes manifests: content, GPU and token handling, validated against the Kubernetes schema."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from jupyterlab_containerize.deploy import k8s_name, manifests, write_manifests
from jupyterlab_containerize.deploy.manifests import deployment_for
from jupyterlab_containerize.spec import EnvironmentSpec, GpuFramework

kubernetes_validate = pytest.importorskip("kubernetes_validate", reason="pip install kubernetes-validate")
# the oldest and newest Kubernetes the bundled schemas cover, plus a common one between
K8S_VERSIONS = ["1.25.0", "1.29.0", kubernetes_validate.latest_version()]


def _spec(gpu: bool = False) -> EnvironmentSpec:
    spec = EnvironmentSpec()
    spec.notebook.path = "/home/me/Iris Model_v2.ipynb"
    if gpu:
        spec.gpu.frameworks = [GpuFramework(name="torch", version="2.4.0", cuda="12.1")]
    return spec


def _by_kind(paths: list[Path]) -> dict[str, dict]:
    docs = [yaml.safe_load(p.read_text()) for p in paths]
    return {d["kind"]: d for d in docs}


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize("gpu, token, hpa", [(False, None, None), (True, "serve-token", 5)])
def test_manifests_validate_against_the_kubernetes_schema(tmp_path: Path, version: str, gpu: bool,
                                                          token: str, hpa: int) -> None:
    paths = write_manifests(_spec(gpu), "registry.example/iris:1", tmp_path, token_secret=token,
                            autoscale_max=hpa)
    assert {p.name for p in paths} == {"deployment.yaml", "service.yaml"} | ({"hpa.yaml"} if hpa else set())
    for path in paths:
        doc = yaml.safe_load(path.read_text())
        kubernetes_validate.validate(doc, version, strict=True)  # raises ValidationError


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
    assert env["CONTAINERIZE_TOKEN"] == {"name": "CONTAINERIZE_TOKEN", "valueFrom": {
        "secretKeyRef": {"name": "iris-token", "key": "token"}}}
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "iris-model-v2"}
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_no_token_secret_means_no_token_env() -> None:
    container = manifests(deployment_for(_spec(), "img:1"))[0]["spec"]["template"]["spec"]["containers"][0]
    assert "CONTAINERIZE_TOKEN" not in {e["name"] for e in container["env"]}


def test_gpu_from_the_spec() -> None:
    pod = manifests(deployment_for(_spec(gpu=True), "img:1"))[0]["spec"]["template"]["spec"]
    resources = pod["containers"][0]["resources"]
    assert resources["limits"]["nvidia.com/gpu"] == "1" == resources["requests"]["nvidia.com/gpu"]
    assert pod["tolerations"][0]["key"] == "nvidia.com/gpu"
    cpu_only = manifests(deployment_for(_spec(gpu=True), "img:1", gpus=0))[0]
    assert "nvidia.com/gpu" not in cpu_only["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]


@pytest.mark.parametrize("text, name", [("Iris Model_v2", "iris-model-v2"), ("--", "notebook"),
                                        ("a" * 80, "a" * 63), ("Ünïcode!", "n-code")])
def test_k8s_names(text: str, name: str) -> None:
    assert k8s_name(text) == name
