"""Smaller faults: a probe that times out leaves no process behind; DELETE on a finished build says
what happened (409); /binder never writes into a repository above the server's root."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.errors import ProbeFailed
from jupyterlab_containerize.inspect.probe import probe_interpreter, probe_interpreter_async
from tests.notebooks import notebook

from .conftest import BASE, build_and_wait, hello_spec, post


def wrapper_interpreter(folder: Path, leader_waits: bool) -> tuple[Path, Path]:
    """A 'python' that starts a sleeping child and never answers; the child's pid goes to a file.
    leader_waits=False: the wrapper exits at once, its child keeps the probe's stdout open."""
    folder.mkdir(parents=True, exist_ok=True)
    pid_file = folder / "child.pid"
    script = folder / "python"
    tail = "wait" if leader_waits else "exit 0"
    script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {pid_file}\n{tail}\n")
    script.chmod(0o755)
    return script, pid_file


def running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan may wait for a reaper that never comes in containers)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def gone_soon(pid: int) -> bool:
    """SIGKILL is delivered asynchronously: give the kernel a moment to end the process."""
    for _ in range(100):
        if not running(pid):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("leader_waits", [True, False], ids=["wrapper-waits", "wrapper-exits"])
def test_probe_timeout_kills_the_whole_process_group(tmp_path: Path, leader_waits: bool):
    python, pid_file = wrapper_interpreter(tmp_path / "env" / "bin", leader_waits)
    with pytest.raises(ProbeFailed, match="did not answer"):
        probe_interpreter(str(python), timeout=1.0)
    assert gone_soon(int(pid_file.read_text()))


@pytest.mark.parametrize("leader_waits", [True, False], ids=["wrapper-waits", "wrapper-exits"])
def test_async_probe_timeout_kills_the_whole_process_group(tmp_path: Path, leader_waits: bool):
    python, pid_file = wrapper_interpreter(tmp_path / "env" / "bin", leader_waits)
    with pytest.raises(ProbeFailed, match="did not answer"):
        asyncio.run(probe_interpreter_async(str(python), timeout=1.0))
    assert gone_soon(int(pid_file.read_text()))


@pytest.fixture
def hello(jp_root_dir: Path) -> str:
    (jp_root_dir / "hello").mkdir()
    (jp_root_dir / "hello" / "hello.ipynb").write_text(json.dumps(notebook("print(1)")))
    return "hello/hello.ipynb"


async def test_delete_on_a_finished_build_is_a_409_with_its_status(jp_fetch, hello, manager):
    view = await build_and_wait(jp_fetch, manager, {"path": hello, "spec": hello_spec(),
                                                    "options": {"base_image": BASE}})
    assert view["status"] == "succeeded"
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", view["id"], method="DELETE")
    answer = json.loads(caught.value.response.body)
    assert caught.value.code == 409
    assert answer["code"] == "build-finished" and answer["status"] == "succeeded" and answer["hint"]
    assert manager.get(view["id"]).status == "succeeded"


async def test_delete_on_a_failed_build_is_a_409_too(jp_fetch, hello, manager, engine):
    engine.install_code = 1  # the environment install fails
    view = await build_and_wait(jp_fetch, manager, {"path": hello, "spec": hello_spec(),
                                                    "options": {"base_image": BASE}})
    assert view["status"] == "failed"
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", view["id"], method="DELETE")
    assert caught.value.code == 409 and json.loads(caught.value.response.body)["status"] == "failed"


@pytest.mark.parametrize("endpoint", ["binder", "binder/builds"])
async def test_binder_refuses_a_repository_above_the_server_root(jp_fetch, jp_root_dir: Path, endpoint):
    repo = jp_root_dir.parent  # the server's root is a folder inside this repository
    for args in (["init", "-q", "-b", "main"], ["remote", "add", "origin", "https://github.com/octo/a.git"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    (jp_root_dir / "nb.ipynb").write_text(json.dumps(notebook("import json")))
    code, answer = await post(jp_fetch, endpoint, {"path": "nb.ipynb"})
    assert code == 400 and answer["code"] == "repository-outside-root" and answer["hint"], answer
    assert not (repo / "binder").exists() and not (jp_root_dir / "binder").exists()
