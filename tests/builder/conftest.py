"""Fixtures of the build tests: specs, notebooks, venvs, the Docker engine and a local registry.

Unit tests (no mark) render and run the pipeline on a fake engine. Tests marked `docker` need a
running engine (.ci/setup-docker.sh) and the local base image (.ci/build-test-base.sh).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from jupyterlab_containerize.spec import EnvironmentSpec
from tests.venvs import make_venv as shared_make_venv

FIXTURES = Path(__file__).parent / "fixtures"
TEST_BASE = os.environ.get("CONTAINERIZE_TEST_BASE", "localhost/containerize-test/python:3.11")
DEBIAN_PYTHON = "/usr/bin/python3"  # 3.11.2, the test base image's Python
CACHE = Path(os.environ.get("CONTAINERIZE_TEST_CACHE",
                            Path.home() / ".cache" / "jupyterlab-containerize-tests"))
HELLO_ENV = ["six==1.16.0", "attrs==23.2.0", "ipykernel==6.29.5"]


@pytest.fixture
def hello_spec() -> EnvironmentSpec:
    return EnvironmentSpec.from_dict(json.loads((FIXTURES / "hello.spec.json").read_text()))


@pytest.fixture
def hello_dir(tmp_path: Path) -> Path:
    """A fresh copy of the hello notebook folder (notebook, helper.py, data/, and a .env secret)."""
    target = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", target)
    return target



def make_venv(requirements: list[str], python: str = DEBIAN_PYTHON) -> Path:
    return shared_make_venv(requirements, python, prefix="build-venv")


@pytest.fixture(scope="session")
def hello_python() -> Path:
    return make_venv(HELLO_ENV)


@pytest.fixture(scope="session")
def docker_engine():
    """The real engine; the docker tests skip with the command to run when none answers."""
    from jupyterlab_containerize.builder.docker_engine import DockerEngine
    from jupyterlab_containerize.errors import EngineUnavailable

    try:
        engine = DockerEngine()
    except EngineUnavailable:
        pytest.skip("no Docker engine: run .ci/setup-docker.sh")
    try:
        engine.client.api.inspect_image(TEST_BASE)
    except Exception:
        pytest.skip(f"no {TEST_BASE}: run .ci/build-test-base.sh")
    return engine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's docker-registry (Distribution 2.8) on 127.0.0.1; yields host:port."""
    binary = shutil.which("docker-registry") or "/usr/bin/docker-registry"
    if not Path(binary).exists():
        pytest.skip("docker-registry is not installed (apt-get install docker-registry)")
    root = tmp_path_factory.mktemp("registry")
    port = _free_port()
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
        f"    rootdirectory: {root / 'data'}\nhttp:\n  addr: 127.0.0.1:{port}\n"
    )
    proc = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL,  # noqa: S603
                            stderr=open(root / "registry.log", "w"))
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the registry did not start: " + (root / "registry.log").read_text())
    yield f"127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def pytest_configure(config: pytest.Config) -> None:
    # jp_fetch for the REST tests, unless a top-level conftest already loaded the plugin
    if not config.pluginmanager.has_plugin("pytest_jupyter.jupyter_server"):
        config.pluginmanager.import_plugin("pytest_jupyter.jupyter_server")


@pytest.fixture
def jp_server_config() -> dict:
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}}}
