"""Fixtures of the serve tests: a venv like the image's, the bundled runtime, a running service.

The runtime is started exactly as the image starts it (`python BUNDLE NOTEBOOK`), from a venv made
from Debian's /usr/bin/python3 holding only what the image holds, on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

from jupyterlab_containerize.serve.bundle import RUNTIME_REQUIREMENTS, write_runtime
from tests.venvs import BASE_PYTHON
from tests.venvs import make_venv as shared_make_venv

FIXTURES = Path(__file__).parent / "fixtures"
CACHE = Path(os.environ.get("CONTAINERIZE_TEST_CACHE",
                            Path.home() / ".cache" / "jupyterlab-containerize-tests"))
SYSTEM_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else shutil.which("python3")
SERVE_ENV = [*RUNTIME_REQUIREMENTS, "scikit-learn"]



def make_venv(requirements: list[str], python: Optional[str] = SYSTEM_PYTHON) -> Path:
    return shared_make_venv(requirements, python or BASE_PYTHON, prefix="serve-venv")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    text: str = ""


@dataclass
class Service:
    """A running runtime process and a small HTTP client for it."""

    process: subprocess.Popen
    port: int
    log: Path
    token: Optional[str] = None

    def request(self, method: str, path: str, body: Optional[bytes] = None,
                headers: Optional[dict[str, str]] = None, timeout: float = 60) -> Reply:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            all_headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
            all_headers.update(headers or {})
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            text = response.read().decode()
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            return Reply(response.status, parsed, dict(response.getheaders()), text)
        finally:
            conn.close()

    def run(self, params: Optional[dict[str, Any]] = None, **kw: Any) -> Reply:
        body = json.dumps(params or {}).encode()
        return self.request("POST", "/run", body, {"Content-Type": "application/json"}, **kw)

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the service exited: {self.log.read_text()}")
            try:
                if self.request("GET", "/health", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not ready in {timeout} s: {self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@pytest.fixture(scope="session")
def serve_python() -> Path:
    return make_venv(SERVE_ENV)


@pytest.fixture(scope="session")
def runtime_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("runtime") / "serve"
    write_runtime(dest)
    return dest


@pytest.fixture(scope="session")
def start_service(serve_python: Path, runtime_bundle: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """start_service(notebook, env={...}, wait=True) -> Service; all are stopped at the end."""
    started: list[Service] = []

    def start(notebook: str, env: Optional[dict[str, str]] = None, wait: bool = True,
              token: Optional[str] = None) -> Service:
        port = free_port()
        log = tmp_path_factory.mktemp("serve-log") / "serve.log"
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINERIZE_")}
        environ.update(env or {})
        if token:
            environ["CONTAINERIZE_TOKEN"] = token
        process = subprocess.Popen(
            [str(serve_python), str(runtime_bundle), str(FIXTURES / notebook), "--port", str(port)],
            stdout=open(log, "w"), stderr=subprocess.STDOUT, env=environ, cwd=str(runtime_bundle))
        service = Service(process, port, log, token)
        started.append(service)
        if wait:
            service.wait_ready()
        return service

    yield start
    for service in started:
        service.stop()
