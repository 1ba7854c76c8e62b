"""Each failure the user can hit, on the real engine, says what went wrong and what to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from jupyterlab_containerize.errors import (
    BaseImageNotFound,
    PinInstallFailed,
    PythonMismatch,
    VerifyFailed,
)
from jupyterlab_containerize.inspect import inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.secret_files import DEFAULT_POLICY

from .conftest import FIXTURES, TEST_BASE, make_venv

docker = [pytest.mark.docker, pytest.mark.integration]


def python_newer_than_the_base() -> str:
    """An installed Python >= 3.11.5 (pyenv's 3.11.7 here); never a download."""
    uv = shutil.which("uv") or "uv"
    found = subprocess.run([uv, "python", "find", ">=3.11.5"], capture_output=True,  # noqa: S603
                           text=True, env=dict(os.environ, UV_PYTHON_DOWNLOADS="never"))
    if found.returncode != 0:
        pytest.skip("no Python >= 3.11.5 installed to make a kernel newer than the base")
    return found.stdout.strip()


def build(engine, spec, notebook: Path, tmp_path: Path, **options):
    options.setdefault("base_image", TEST_BASE)
    events: list[tuple] = []
    request = BuildRequest(notebook, BuildOptions(**options), spec)
    result = run_pipeline(request, engine, lambda *a, **k: events.append(a), threading.Event(),
                          tmp_path).to_dict()
    return result, events


def test_no_engine_says_how_to_start_one(tmp_path):
    env = dict(os.environ, DOCKER_HOST=f"unix://{tmp_path}/dead.sock")
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyterlab_containerize", "build",
         str(FIXTURES / "hello" / "hello.ipynb"), "--spec", str(FIXTURES / "hello.spec.json")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert done.returncode == 2
    assert "No container engine answered" in done.stderr
    assert "dockerd" in done.stderr and "DOCKER_HOST" in done.stderr


@pytest.mark.parametrize("_", [None], ids=["missing-base"])
@pytest.mark.docker
@pytest.mark.integration
def test_missing_base_image(docker_engine, hello_spec, hello_dir, tmp_path, _):
    with pytest.raises(BaseImageNotFound) as caught:
        build(docker_engine, hello_spec, hello_dir / "hello.ipynb", tmp_path,
              base_image="localhost/containerize-test/no-such-base:1")
    assert "no-such-base" in caught.value.message and "docker pull" in caught.value.hint
    # the fix the panel offers: an image the engine has, with the kernel's Python (read by running it)
    local = [a for a in caught.value.actions if a.id == "local-image"]
    assert {"base_image": TEST_BASE} in [a.options_patch for a in local]


@pytest.mark.docker
@pytest.mark.integration
def test_uninstallable_pin_names_it_in_uvs_words(docker_engine, hello_spec, hello_dir, tmp_path):
    hello_spec.package("six").version = "999.0"
    with pytest.raises(PinInstallFailed) as caught:
        build(docker_engine, hello_spec, hello_dir / "hello.ipynb", tmp_path, target="batch")
    message = caught.value.message
    assert "six==999.0" in message.split("The installer said")[0]
    assert "six" in message.split("The installer said")[1]  # uv's own words follow


@pytest.mark.docker
@pytest.mark.integration
def test_kernel_python_newer_than_the_base_is_caught_before_building(
        docker_engine, hello_dir, tmp_path):
    """A lock made on 3.11.7 pins soupsieve 4.1.1 (Requires-Python >=3.11.5); the base has 3.11.2."""
    python = make_venv(["soupsieve==4.1.1"], python=python_newer_than_the_base())
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import soupsieve\nprint(soupsieve.__version__)")]
    notebook = hello_dir / "soup.ipynb"
    nbformat.write(nb, notebook)
    spec = inspect_notebook(notebook, python=str(python), secret_policy=DEFAULT_POLICY)
    assert spec.python.version != "3.11.2"
    started = time.monotonic()
    with pytest.raises(PythonMismatch) as caught:
        build(docker_engine, spec, notebook, tmp_path)
    err = caught.value
    assert "soupsieve==4.1.1 requires Python >=3.11.5" in err.message
    assert f"--base python:{spec.python.version}-slim" in err.cli_hint and "--repin" in err.cli_hint
    assert "--" not in err.hint and "matching-base" in [a.id for a in err.actions]
    assert time.monotonic() - started < 60
    assert not docker_engine.client.api.images(name="soup")


@pytest.mark.docker
@pytest.mark.integration
def test_verify_failure_names_the_cell(docker_engine, hello_spec, hello_dir, tmp_path):
    nb = nbformat.read(hello_dir / "hello.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"))
    nbformat.write(nb, hello_dir / "hello.ipynb")
    with pytest.raises(VerifyFailed) as caught:
        build(docker_engine, hello_spec, hello_dir / "hello.ipynb", tmp_path, target="batch",
              tag="localhost/containerize-test/hello:broken", verify=True, verify_timeout=60)
    assert "cell 6 failed" in caught.value.message  # the sixth cell (1-based, markdown counted)
    assert "ValueError: broken on purpose" in caught.value.message
    report = caught.value.report
    assert [c["status"] for c in report["cells"]][-1] == "failed"


@pytest.mark.docker
@pytest.mark.integration
def test_cancel_stops_a_running_build(docker_engine, hello_spec, hello_dir, tmp_path):
    manager = BuildManager(tmp_path / "builds", engine_factory=lambda: docker_engine)
    # no_cache: the environment is made again, so there is a long step to cancel
    options = BuildOptions(target="batch", base_image=TEST_BASE, no_cache=True,
                           tag="localhost/containerize-test/hello:cancelled")
    record = manager.submit(hello_dir / "hello.ipynb", options, hello_spec)
    deadline = time.monotonic() + 120
    while not any("environment: uv" in e.message for e in list(record.events)):
        assert time.monotonic() < deadline and record.status in ("queued", "running")
        time.sleep(0.1)
    cancelled_at = time.monotonic()
    manager.cancel(record.id)
    final = manager.wait(record.id, 60)
    assert final.status == "cancelled", final.error
    assert time.monotonic() - cancelled_at < 20
    assert final.error["code"] == "build-cancelled"
    saved = json.loads((tmp_path / "builds" / f"{record.id}.json").read_text())
    assert saved["status"] == "cancelled"
