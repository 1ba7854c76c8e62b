"""REST /containerize/builds on a fake engine: start, poll events since N, list, cancel, errors."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY

from .conftest import FIXTURES
from .fakes import FakeEngine

OPTIONS = {"target": "batch", "base_image": "localhost/containerize-test/python:3.11"}


@pytest.fixture
def manager(jp_serverapp, jp_root_dir: Path, tmp_path: Path) -> BuildManager:
    shutil.copytree(FIXTURES / "hello", jp_root_dir / "hello")
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    return manager


def spec() -> dict:
    return json.loads((FIXTURES / "hello.spec.json").read_text())


async def fetch_json(jp_fetch, *parts, **kwargs):
    response = await jp_fetch("containerize", *parts, **kwargs)
    return response.code, json.loads(response.body)


async def wait_finished(jp_fetch, build_id: str) -> dict:
    for _ in range(100):
        _, view = await fetch_json(jp_fetch, "builds", build_id)
        if view["status"] in ("succeeded", "failed", "cancelled"):
            return view
        await asyncio.sleep(0.1)
    raise AssertionError("build did not finish")


async def test_start_poll_and_list(jp_fetch, manager):
    body = {"path": "hello/hello.ipynb", "spec": spec(), "options": OPTIONS}
    code, started = await fetch_json(jp_fetch, "builds", method="POST", body=json.dumps(body))
    assert code == 202 and started["status"] in ("queued", "running")
    view = await wait_finished(jp_fetch, started["id"])
    assert view["status"] == "succeeded" and view["result"]["image"] == "hello:batch"
    since = {"since": view["next"] - 1}
    _, later = await fetch_json(jp_fetch, "builds", started["id"], params=since)
    assert len(later["events"]) == 1 and later["events"][0]["kind"] == "done"
    _, listed = await fetch_json(jp_fetch, "builds")
    assert [b["id"] for b in listed] == [started["id"]]


async def test_cancel(jp_fetch, manager):
    started_event = threading.Event()
    manager._engine_factory = lambda: FakeEngine(block=started_event)
    body = {"path": "hello/hello.ipynb", "spec": spec(), "options": OPTIONS}
    _, started = await fetch_json(jp_fetch, "builds", method="POST", body=json.dumps(body))
    await asyncio.get_running_loop().run_in_executor(None, started_event.wait, 10)
    code, answer = await fetch_json(jp_fetch, "builds", started["id"], method="DELETE")
    assert answer == {"id": started["id"], "status": "cancelled"}
    assert (await wait_finished(jp_fetch, started["id"]))["status"] == "cancelled"


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"path": "../etc/passwd", "options": OPTIONS}, 400, "path-outside-root"),
        ({"path": "hello/hello.ipynb", "options": {"target": "server"}}, 400, "invalid-request"),
        ({"path": "hello/hello.ipynb", "options": {"tag": "Bad Tag"}}, 400, "unsafe-value"),
        ({"path": "hello/missing.ipynb", "options": OPTIONS}, 404, "notebook-not-found"),
        ({"path": "hello/hello.ipynb", "options": {"export": "../x.tar"}}, 400,
         "path-outside-root"),
    ],
)
async def test_bad_requests(jp_fetch, manager, body, status, code):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", method="POST", body=json.dumps(body))
    assert caught.value.code == status
    assert json.loads(caught.value.response.body)["code"] == code


async def test_unknown_build_is_404(jp_fetch, manager):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", "0123456789ab")
    assert caught.value.code == 404


async def test_no_engine_answers_503(jp_fetch, manager, monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///tmp/containerize-no-such.sock")
    from jupyterlab_containerize.pipeline.manager import docker_engine

    manager._engine_factory = docker_engine
    body = {"path": "hello/hello.ipynb", "spec": spec(), "options": OPTIONS}
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", method="POST", body=json.dumps(body))
    error = json.loads(caught.value.response.body)
    assert caught.value.code == 503 and error["code"] == "engine-unavailable"
    assert "dockerd" in error["hint"]


@pytest.mark.parametrize("static", [{"python_version": "3.1x"}, {"python_version": "3.12", "historic_python": True},
                                    {"historic": True}])
async def test_bad_static_choices_are_refused(jp_fetch, manager, static):
    body = {"path": "hello/hello.ipynb", "options": OPTIONS, "static": static}
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", method="POST", body=json.dumps(body))
    error = json.loads(caught.value.response.body)
    assert caught.value.code == 400 and error["code"] == "invalid-request", error
    assert "static" in error["message"] and "\n" not in error["message"]


async def test_static_choices_reach_the_builds_inspection(jp_fetch, manager, monkeypatch):
    from jupyterlab_containerize.inspect import StaticChoices
    from jupyterlab_containerize.pipeline import run
    from jupyterlab_containerize.secret_files import DEFAULT_POLICY, SecretPolicy
    from jupyterlab_containerize.spec import EnvironmentSpec

    seen: list[StaticChoices] = []
    policies: list[SecretPolicy] = []

    def inspect(notebook, python=None, root=None, static_choices=None, *, secret_policy):
        seen.append(static_choices)
        policies.append(secret_policy)
        return EnvironmentSpec.from_dict(spec())

    monkeypatch.setattr(run, "inspect_notebook", inspect)
    body = {"path": "hello/hello.ipynb", "options": OPTIONS, "static": {"historic_python": True}}
    _, started = await fetch_json(jp_fetch, "builds", method="POST", body=json.dumps(body))
    assert (await wait_finished(jp_fetch, started["id"]))["status"] == "succeeded"
    assert seen == [StaticChoices(historic_python=True)]
    assert policies == [DEFAULT_POLICY]  # the server's (this one has no extra patterns), from the handler
