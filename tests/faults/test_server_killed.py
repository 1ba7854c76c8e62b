"""The Jupyter server killed (SIGKILL) in the middle of a build's environment step (issue 23).

A real server with the extension, the real engine: a build started over REST, the server killed
while the environment installs, started again. No environment image is labelled as built, the
record says the build was interrupted, and the next build succeeds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional

import docker
import pytest

from jupyterlab_containerize.builder.environment_reuse import APT_LABEL, REPOSITORY
from tests.builder.conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
TOKEN = "h23-faults-token"
TAG = "localhost/h23-faults/killed:1"
APT = "tree"


class Server:
    def __init__(self, root: Path, builds: Path, log: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={self.port}", "--ip=127.0.0.1",
             f"--ServerApp.root_dir={root}", f"--IdentityProvider.token={TOKEN}", "--ServerApp.allow_root=True",
             "--ServerApp.jpserver_extensions=jupyterlab_containerize=True",
             f"--Containerize.builds_dir={builds}"],
            stdout=subprocess.DEVNULL, stderr=open(log, "ab"), start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.call("GET", "builds")
                return
            except OSError:
                time.sleep(0.5)
        self.kill()
        raise AssertionError("the server did not start: " + log.read_text()[-2000:])

    def call(self, method: str, path: str, body: Optional[dict] = None) -> Any:
        request = urllib.request.Request(f"{self.url}/containerize/{path}", method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
            return json.loads(reply.read())

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)  # the server and anything it started
        self.proc.wait(30)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "hello", root / "hello")
    yield root


def env_with_apt(engine: Any) -> set[str]:
    return {i["Id"] for i in engine.client.api.images(filters={"label": f"{APT_LABEL}={APT}"})}


def wait_for(server: Server, build_id: str, done: Any, limit: float) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        view = server.call("GET", f"builds/{build_id}")
        if done(view):
            return view
        time.sleep(1)
    raise AssertionError(f"build {build_id}: {view['status']}, last events {view['events'][-5:]}")


def test_a_server_killed_mid_build_leaves_no_built_environment(docker_engine, folder, tmp_path):
    spec = json.loads((FIXTURES / "hello.spec.json").read_text())
    spec["apt_packages"] = [APT]
    # a kernel of its own name: an environment of its own, built now (never one already on the engine)
    spec["notebook"]["kernel_name"] = f"h23-kill-{uuid.uuid4().hex[:8]}"
    body = {"path": "hello/hello.ipynb", "spec": spec,
            "options": {"target": "batch", "base_image": TEST_BASE, "tag": TAG, "environment": "minimal"}}
    before = env_with_apt(docker_engine)
    started_at = time.time()
    server = Server(folder, tmp_path / "builds", tmp_path / "server.log")
    try:
        build = server.call("POST", "builds", body)
        # killed once the install container runs (its first marker is the user, then apt)
        wait_for(server, build["id"], lambda v: any(e["kind"] == "step" and e["message"].startswith("environment:")
                                                    for e in v["events"]), 240)
    finally:
        server.kill()
    try:
        assert _install_containers(docker_engine, started_at)  # it runs on, alone: never committed
        assert env_with_apt(docker_engine) == before  # nothing labelled as built
        server = Server(folder, tmp_path / "builds", tmp_path / "server.log")
        try:
            view = server.call("GET", f"builds/{build['id']}")
            assert view["status"] == "failed" and view["error"]["code"] == "interrupted"
            assert "\n" not in view["error"]["message"]
            assert env_with_apt(docker_engine) == before
            again = server.call("POST", "builds", body)
            finished = wait_for(server, again["id"], lambda v: v["status"] in ("succeeded", "failed", "cancelled"),
                                540)
            assert finished["status"] == "succeeded", finished.get("error")
            # the next environment step removed the killed server's install container (and its own is
            # removed in the background once committed: its removal may take a few seconds more)
            assert _eventually(lambda: _install_containers(docker_engine, started_at) == [], 120)
            assert any("left by a build whose process was killed" in e["message"] for e in finished["events"])
        finally:
            server.kill()
    finally:
        _remove_what_this_made(docker_engine, before, started_at)


def _install_containers(engine: Any, since: float) -> list[str]:
    """This test's install containers (started since), running or not."""
    return [c["Id"] for c in engine.client.api.containers(all=True, filters={"ancestor": TEST_BASE})
            if c["Created"] >= since - 5 and "containerize-check" in c.get("Command", "")]


def _remove_orphans(engine: Any, since: float) -> None:
    """The install container the killed server could not remove (this test's: started since)."""
    for container in engine.client.api.containers(all=True, filters={"ancestor": TEST_BASE}):
        if container["Created"] >= since - 5 and "containerize-check" in container.get("Command", ""):
            try:
                engine.client.api.remove_container(container["Id"], force=True)
            except docker.errors.APIError:  # gone, or its removal already under way
                pass


def _eventually(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def _remove_what_this_made(engine: Any, before: set[str], since: float) -> None:
    """The image, its environment, and any install container left."""
    _remove_orphans(engine, since)
    for tag in [TAG, *(t for i in engine.client.api.images(filters={"label": f"{APT_LABEL}={APT}"})
                      if i["Id"] not in before for t in i.get("RepoTags") or []
                      if t.startswith(f"{REPOSITORY}:"))]:
        try:
            engine.client.api.remove_image(tag)
        except Exception:  # noqa: S110  already gone
            pass
