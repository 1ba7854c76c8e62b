"""Serve images on the real engine: `jupyter containerize build --target serve`, docker run, HTTP.

Needs a Docker engine (.ci/setup-docker.sh) and the local base (.ci/build-test-base.sh). The kernel
venv is made from Debian's /usr/bin/python3 so it matches the base image's Python.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from .conftest import FIXTURES, Reply, Service, free_port

pytestmark = [pytest.mark.docker, pytest.mark.integration]

TEST_BASE = os.environ.get("CONTAINERIZE_TEST_BASE", "localhost/containerize-test/python:3.11")
DOCKER = shutil.which("docker") or "docker"


def _docker(*args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([DOCKER, *args], capture_output=True, text=True, check=check, timeout=timeout)


@pytest.fixture(scope="module")
def engine() -> None:
    if _docker("info", check=False, timeout=20).returncode != 0:
        pytest.skip("no Docker engine: run .ci/setup-docker.sh")
    if _docker("image", "inspect", TEST_BASE, check=False).returncode != 0:
        pytest.skip(f"no {TEST_BASE}: run .ci/build-test-base.sh")


def build(notebook: Path, tag: str, kernel_python: Path, *extra: str) -> dict[str, Any]:
    """The real CLI, as a user runs it; returns its --json result."""
    # --evidence: the SBOM and provenance go to a temporary folder, not beside the fixture notebook
    command = [sys.executable, "-m", "jupyterlab_containerize", "build", str(notebook), "--target", "serve",
               "--tag", tag, "--base", TEST_BASE, "--python", str(kernel_python), "--json",
               "--evidence", tempfile.mkdtemp(prefix="containerize-evidence-"), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout)


class Container(Service):
    """A Service whose process is a container: stop() removes it."""

    container_id: str = ""

    def stop(self) -> None:
        _docker("rm", "-f", self.container_id, check=False)


def run_container(tag: str, env: dict[str, str], token: str | None = None, *extra: str) -> Container:
    port = free_port()
    args = ["run", "-d", "-p", f"127.0.0.1:{port}:8080", *extra]
    for key, value in {**env, **({"CONTAINERIZE_TOKEN": token} if token else {})}.items():
        args += ["-e", f"{key}={value}"]
    cid = _docker(*args, tag).stdout.strip()
    container = Container(process=_Alive(cid), port=port, log=Path(os.devnull), token=token)  # type: ignore[arg-type]
    container.container_id = cid
    return container


class _Alive:
    """Stands in for Popen in Service.wait_ready: poll() is None while the container runs."""

    def __init__(self, cid: str) -> None:
        self.cid = cid

    def poll(self) -> int | None:
        state = _docker("inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", self.cid, check=False)
        running, _, code = state.stdout.strip().partition(" ")
        if running == "true":
            return None
        raise AssertionError(f"the container exited ({code}): {_docker('logs', self.cid, check=False).stderr}")


@pytest.fixture(scope="module")
def model_image(engine: None, serve_python: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    k8s = tmp_path_factory.mktemp("k8s")
    tag = "localhost/containerize-test/serve-model:test"
    result = build(FIXTURES / "model.ipynb", tag, serve_python, "--k8s", str(k8s), "--k8s-token-secret", "model-token",
                   "--kserve")
    assert result["target"] == "serve" and "127.0.0.1:8080:8080" in result["run_command"]
    yield tag, k8s


@pytest.fixture(scope="module")
def basic_image(engine: None, serve_python: Path) -> str:
    tag = "localhost/containerize-test/serve-basic:test"
    build(FIXTURES / "basic.ipynb", tag, serve_python)
    return tag


@pytest.fixture
def containers() -> Iterator[list[Container]]:
    started: list[Container] = []
    yield started
    for container in started:
        container.stop()


def test_model_image_answers_and_runs_as_uid_1000(model_image: tuple[str, Path], containers: list[Container]) -> None:
    tag, _ = model_image
    container = run_container(tag, {}, token="t0ken")
    containers.append(container)
    started = time.monotonic()
    container.wait_ready(120)
    print(f"container start to ready: {time.monotonic() - started:.2f} s")
    reply = container.run({"features": [6.7, 3.0, 5.2, 2.3]})
    assert reply.status == 200 and reply.body["result"] == {"label": 2, "species": "virginica"}
    assert container.run({}).body["result"]["species"] == "setosa"  # the parameters cell's defaults
    anonymous = Service(container.process, container.port, container.log)
    assert anonymous.run({}).status == 401
    assert anonymous.request("GET", "/health").status == 200
    assert _docker("exec", container.container_id, "id", "-u").stdout.strip() == "1000"
    health = _docker("inspect", "-f", "{{.Config.Healthcheck.Test}}", tag).stdout
    assert "/health" in health
    assert container.run({"features": [1, 2]}).status == 500  # sklearn's own error: wrong shape
    _assert_token_hidden(container, "t0ken")


PROC_PROBE = """
import json, pathlib

def read(path):
    try:
        return pathlib.Path(path).read_bytes().decode("utf-8", "replace")
    except OSError as err:
        return type(err).__name__

kernels = [p.parent.name for p in pathlib.Path("/proc").glob("[0-9]*/cmdline") if "ipykernel" in read(p)]
print(json.dumps({"pid1_environ": read("/proc/1/environ"), "pid1_cmdline": read("/proc/1/cmdline"),
                  "kernels": {k: read(f"/proc/{k}/environ") + read(f"/proc/{k}/cmdline") for k in kernels}}))
"""


def _assert_token_hidden(container: Container, token: str) -> None:
    """What a notebook (uid 1000, no capabilities, like `docker exec`) can read in the container:
    PID 1 is the server, re-executed without the token and non-dumpable; the kernels never had it."""
    seen = _docker("exec", "-e", "CONTAINERIZE_TOKEN=", container.container_id, "/opt/venv/bin/python", "-c",
                   PROC_PROBE).stdout  # `docker exec` starts with the container's configured env: not ours
    found = json.loads(seen)
    assert found["pid1_environ"] == "PermissionError", found["pid1_environ"]
    assert token not in found["pid1_cmdline"] and "serve" in found["pid1_cmdline"]
    assert found["kernels"] and not any(token in text for text in found["kernels"].values())


def test_read_only_root_and_a_token_file(model_image: tuple[str, Path], containers: list[Container],
                                         tmp_path: Path) -> None:
    """As the manifests run it: read-only root, /tmp writable, the token a mounted file."""
    from jupyterlab_containerize.deploy.pod import WRITABLE_ENV

    tag, _ = model_image
    token_file = tmp_path / "token"
    token_file.write_text("f1le-t0ken\n")
    token_file.chmod(0o644)
    env = {**WRITABLE_ENV, "CONTAINERIZE_TOKEN_FILE": "/run/secrets/serve-token"}
    container = run_container(tag, env, None, "--read-only", "--tmpfs", "/tmp",
                              "-v", f"{token_file}:/run/secrets/serve-token:ro")
    containers.append(container)
    container.wait_ready(120)
    container.token = "f1le-t0ken"
    assert container.run({"features": [6.7, 3.0, 5.2, 2.3]}).body["result"]["species"] == "virginica"
    assert Service(container.process, container.port, container.log).run({}).status == 401
    _assert_token_hidden(container, "f1le-t0ken")
    refused = container.request("POST", "/run", b'{"features": ["\\ud800"]}')
    assert refused.status == 400 and refused.body["code"] == "invalid_unicode"


def test_manifests_written_for_the_image(model_image: tuple[str, Path]) -> None:
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    tag, k8s = model_image
    deployment = yaml.safe_load((k8s / "deployment.yaml").read_text())
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == tag
    assert {"name": "CONTAINERIZE_TOKEN_FILE", "value": "/run/secrets/serve-token"} in container["env"]
    volumes = deployment["spec"]["template"]["spec"]["volumes"]
    assert any(v.get("secret", {}).get("secretName") == "model-token" for v in volumes)
    assert (k8s / "kserve" / "inferenceservice.yaml").is_file()
    for path in k8s.glob("*.yaml"):
        kubernetes_validate.validate(yaml.safe_load(path.read_text()), kubernetes_validate.latest_version(),
                                     strict=True)


def test_faults_in_the_image(basic_image: str, containers: list[Container]) -> None:
    env = {"CONTAINERIZE_POOL_SIZE": "2", "CONTAINERIZE_QUEUE_SIZE": "0", "CONTAINERIZE_TIMEOUT": "3"}
    container = run_container(basic_image, env)
    containers.append(container)
    container.wait_ready(120)
    assert container.run({"x": 2, "name": "img"}).body["result"]["name"] == "img"
    assert container.request("POST", "/run", b"{").status == 400
    assert container.run({"unknown": 1}).status == 400
    reply = container.run({"x": 9, "name": "raise"})
    assert (reply.status, reply.body["message"]) == (500, "bad name 9")
    assert container.run({"x": 20, "name": "sleep"}).status == 504
    _wait(lambda: container.request("GET", "/health").body["kernels"]["idle"] == 2)  # interrupted, back
    replies = _parallel(container, 8)
    assert [r.body["result"]["x"] for r in replies] == list(range(8))
    _queue_full(container)
    _kill_recovery(container)


def _parallel(container: Container, count: int) -> list[Reply]:
    """Two at a time (pool 2, queue 0: a kernel is back in the pool before its reply is sent)."""
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda n: container.run({"x": n}), range(count)))


def _queue_full(container: Container) -> None:
    slow = [threading.Thread(target=container.run, args=({"x": 2, "name": "sleep"},)) for _ in range(2)]
    for thread in slow:
        thread.start()
    _wait(lambda: container.request("GET", "/health").body["kernels"]["busy"] == 2)
    assert container.run({}).status == 503
    for thread in slow:
        thread.join()


def _kill_recovery(container: Container) -> None:
    pid = container.run({}).body["result"]["pid"]
    # the base has no `kill` binary (a shell builtin; procps is not installed)
    _docker("exec", container.container_id, "/opt/venv/bin/python", "-c", f"import os; os.kill({pid}, 9)")
    _wait(lambda: all(container.run({}).status == 200 for _ in range(4)), timeout=60)
    pids = {container.run({"x": n}).body["result"]["pid"] for n in range(6)}
    assert pid not in pids


def _wait(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")
