"""Fixtures of the security tests: a fake engine that keeps everything a build sends it, REST helpers."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY
from tests.builder.fakes import FakeEngine

BASE = "localhost/containerize-test/python:3.11"
HELLO_SPEC = Path(__file__).parents[1] / "builder" / "fixtures" / "hello.spec.json"
ABOVE_ROOT = b"ABOVE-THE-SERVER-ROOT"  # content of every file planted above the server's root


class RecordingEngine(FakeEngine):
    """Keeps every file of every context and build-only folder it is given: {relative path: bytes}."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: dict[str, bytes] = {}
        self.lock = threading.Lock()

    def _keep(self, folder: Path, prefix: str) -> None:
        with self.lock:
            for path in folder.rglob("*"):
                if path.is_file():
                    self.sent[f"{prefix}{path.relative_to(folder).as_posix()}"] = path.read_bytes()

    def build(self, context: Path, *args: Any, **kwargs: Any) -> str:
        self._keep(context, "")
        return super().build(context, *args, **kwargs)

    def run_and_commit(self, image: str, command: list[str], files: dict[str, Path], *args: Any,
                       **kwargs: Any) -> tuple[int, str]:
        for name, path in files.items():
            if path.is_dir():
                self._keep(path, f"{name}/")
        return super().run_and_commit(image, command, files, *args, **kwargs)

    def leaked(self, *needles: bytes) -> list[str]:
        """Files sent that hold any of `needles`."""
        return [name for name, data in self.sent.items() if any(n in data for n in needles)]


@pytest.fixture
def engine() -> RecordingEngine:
    return RecordingEngine()


@pytest.fixture
def manager(jp_serverapp: Any, engine: RecordingEngine, tmp_path: Path) -> BuildManager:
    manager = BuildManager(tmp_path / "builds", engine_factory=lambda: engine)
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    return manager


def hello_spec(**changes: Any) -> dict[str, Any]:
    spec = json.loads(HELLO_SPEC.read_text())
    spec.update(changes)
    return spec


async def post(jp_fetch: Any, endpoint: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """(status, JSON answer), errors included."""
    try:
        response = await jp_fetch("containerize", endpoint, method="POST", body=json.dumps(body))
    except HTTPClientError as err:
        assert err.response is not None
        return err.code, json.loads(err.response.body)
    return response.code, json.loads(response.body)


async def build_and_wait(jp_fetch: Any, manager: BuildManager, body: dict[str, Any]) -> dict[str, Any]:
    code, started = await post(jp_fetch, "builds", body)
    assert code == 202, started
    record = await asyncio.get_running_loop().run_in_executor(None, manager.wait, started["id"], 120)
    return manager.view(record.id)
