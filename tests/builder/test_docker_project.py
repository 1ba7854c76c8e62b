"""Real engine: a project build verified notebook by notebook, a notebook built FROM the project's
environment (no environment step), and the package cache volume: filled, cleared past its size,
never in an image, bypassed by --no-cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import docker.errors
import pytest

from jupyterlab_containerize.builder.environment_image import REPOSITORY, environment_key
from jupyterlab_containerize.builder.environment_reuse import PINS_LABEL
from jupyterlab_containerize.builder.package_cache import MOUNT
from jupyterlab_containerize.inspect import inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render.context import render_context
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import Package

from .conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
PROJECT_TAG = "localhost/containerize-test/project:notebook"


@pytest.fixture(scope="module")
def cache_volume(docker_engine):
    """A volume of this test session only: clearing it never slows anyone else's builds."""
    name = f"containerize-test-uv-cache-{uuid.uuid4().hex[:8]}"
    yield name
    try:
        docker_engine.client.volumes.get(name).remove(force=True)
    except docker.errors.NotFound:
        pass


@pytest.fixture(scope="module")
def project_build(docker_engine, hello_python, cache_volume, tmp_path_factory) -> dict:
    """`jupyter containerize build FOLDER --verify`, through the real CLI."""
    folder = tmp_path_factory.mktemp("project") / "project"
    shutil.copytree(FIXTURES / "project", folder)
    done = subprocess.run(
        [sys.executable, "-m", "jupyterlab_containerize", "build", str(folder), "--base", TEST_BASE,
         "--python", str(hello_python), "--tag", PROJECT_TAG, "--verify", "--json"],
        capture_output=True, text=True, timeout=900,
        env={**os.environ, "CONTAINERIZE_PACKAGE_CACHE_VOLUME": cache_volume},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {"result": json.loads(done.stdout), "folder": folder}


def test_a_project_is_one_image_verified_notebook_by_notebook(docker_engine, project_build):
    result = project_build["result"]
    assert result["notebooks"] == ["one.ipynb", "two.ipynb", "lessons/three.ipynb"]
    verify = result["verify"]
    assert verify["passed"] and verify["failed"] == []
    for name in result["notebooks"]:
        cells = verify["notebooks"][name]["cells"]
        assert cells and all(c["status"] == "passed" and c["output_match"] for c in cells), name
    listing = docker_engine.run(PROJECT_TAG, ["find /home/jovyan/work -type f | sort"], entrypoint=["sh", "-c"],
                                network=False).logs.split()
    assert listing == ["/home/jovyan/work/data/numbers.csv", "/home/jovyan/work/lessons/three.ipynb",
                       "/home/jovyan/work/one.ipynb", "/home/jovyan/work/two.ipynb"]
    sbom = json.loads(docker_engine.run(PROJECT_TAG, ["cat /opt/containerize/sbom.cdx.json"],
                                        entrypoint=["sh", "-c"], network=False).logs)
    names = {c["name"].lower(): c["version"] for c in sbom["components"]}
    assert names["six"] == "1.16.0" and names["attrs"] == "23.2.0" and "jupyterlab" in names


def test_a_notebook_of_the_project_reuses_its_environment(docker_engine, project_build, hello_python, tmp_path):
    notebook = project_build["folder"] / "one.ipynb"
    spec = inspect_notebook(notebook, python=str(hello_python), secret_policy=DEFAULT_POLICY)
    events: list[tuple] = []
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag="localhost/containerize-test/one:batch")
    result = run_pipeline(BuildRequest(notebook, options, spec), docker_engine,
                          lambda kind, message, step=None, total=None, data=None: events.append((kind, message)),
                          threading.Event(), tmp_path).to_dict()
    # the project's environment, or a smaller one holding the lock that another test left on the engine,
    # or this very lock's, left by an earlier session (an engine in use holds such images)
    assert result["environment"]["how"] in ("reused", "up to date"), events
    assert not any(kind == "step" and message.startswith("environment:") for kind, message in events)
    run = docker_engine.run(options.tag, [], network=False)
    assert run.exit_code == 0, run.logs


def _build_fresh(engine, hello_spec, hello_dir: Path, tmp_path: Path, kernel: str, **options) -> tuple[dict, list]:
    """A build whose environment is made now: its lock gets a kernel spec of its own name, and an
    environment image left by an earlier session is untagged first."""
    spec = hello_spec.from_dict(hello_spec.to_dict())
    spec.notebook.kernel_name = kernel
    build_options = BuildOptions(target="batch", base_image=TEST_BASE, environment="minimal", **options)
    probe = render_context(spec, hello_dir / "hello.ipynb", build_options, tmp_path / "probe")
    key = environment_key(probe.directory / ".containerize-build", engine.image_info(TEST_BASE).id)
    try:
        engine.client.images.remove(f"{REPOSITORY}:{key}", noprune=True)
    except docker.errors.ImageNotFound:
        pass
    events: list = []
    result = run_pipeline(BuildRequest(hello_dir / "hello.ipynb", build_options, spec), engine,
                          lambda kind, message, step=None, total=None, data=None: events.append((kind, message)),
                          threading.Event(), tmp_path / "build").to_dict()
    return result, events


def _in_volume(engine, volume: str, script: str) -> str:
    result = engine.run(TEST_BASE, [script], entrypoint=["sh", "-c"], network=False, volumes={volume: "/cache"})
    assert result.exit_code == 0, result.logs
    return result.logs


def test_the_cache_volume_holds_the_wheels_and_no_image_holds_it(
        docker_engine, hello_spec, hello_dir, tmp_path, cache_volume, monkeypatch):
    monkeypatch.setenv("CONTAINERIZE_PACKAGE_CACHE_VOLUME", cache_volume)
    result, events = _build_fresh(docker_engine, hello_spec, hello_dir, tmp_path, "cache-test")
    assert result["environment"]["how"] == "built"
    assert any(f"Package cache: volume {cache_volume}" in message for _, message in events)
    cached = _in_volume(docker_engine, cache_volume, "ls /cache; find /cache -maxdepth 3 -name 'six-1.16.0*'; "
                        "find /cache \\( -name ca.pem -o -name env.sh -o -name 'index-url' -o -name 'proxy-*' "
                        "\\) -print")
    assert "archive-v0" in cached and "six-1.16.0" in cached
    assert not any(word in cached for word in ("ca.pem", "env.sh", "index-url", "proxy-"))
    for image in (result["environment_image"], result["image"]):  # committed without the volume
        found = docker_engine.run(image, [f"ls -d {MOUNT} /tmp/*uv* 2>/dev/null; find / -xdev \\( -name archive-v0 "
                                          "-o -name CACHEDIR.TAG -o -name 'wheels-v*' \\) -print 2>/dev/null; true"],
                                  entrypoint=["sh", "-c"], network=False)
        assert found.logs.strip() == "", (image, found.logs)


def test_the_cache_is_cleared_past_its_size(docker_engine, hello_spec, hello_dir, tmp_path, monkeypatch):
    volume = f"containerize-test-uv-cache-prune-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("CONTAINERIZE_PACKAGE_CACHE_VOLUME", volume)
    try:
        result, events = _build_fresh(docker_engine, hello_spec, hello_dir, tmp_path, "prune-test",
                                      package_cache_max_gb=0.0005)  # 1 MB: any install is past it
        assert any("over 1 MB: cleared" in message for _, message in events), events[-20:]
        used = int(_in_volume(docker_engine, volume, "du -sk /cache | cut -f1").split()[-1])
        assert used < 1024, f"{used} KB left in the cache"
        assert docker_engine.run(result["image"], [], network=False).exit_code == 0
    finally:
        docker_engine.client.volumes.get(volume).remove(force=True)


def test_no_cache_builds_without_the_volume(docker_engine, hello_spec, hello_dir, tmp_path, monkeypatch):
    volume = f"containerize-test-uv-cache-unused-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("CONTAINERIZE_PACKAGE_CACHE_VOLUME", volume)
    result, events = _build_fresh(docker_engine, hello_spec, hello_dir, tmp_path, "no-cache-test", no_cache=True)
    assert result["environment"]["how"] == "built"
    assert any("Package cache: off (no cache asked)" in message for _, message in events)
    with pytest.raises(docker.errors.NotFound):
        docker_engine.client.volumes.get(volume)


def test_a_bigger_lock_is_installed_on_top_of_an_environment_holding_most_of_it(
        docker_engine, hello_spec, hello_dir, tmp_path, cache_volume, monkeypatch):
    monkeypatch.setenv("CONTAINERIZE_PACKAGE_CACHE_VOLUME", cache_volume)
    for image in docker_engine.images_with_label(PINS_LABEL):  # left by an earlier session: untag
        if "pyjokes==" in image.labels[PINS_LABEL]:
            for tag in image.tags:
                docker_engine.client.images.remove(tag, noprune=True)
    first, _ = _build_fresh(docker_engine, hello_spec, hello_dir, tmp_path / "a", "extend-test")
    bigger = hello_spec.from_dict(hello_spec.to_dict())
    bigger.notebook.kernel_name = "extend-test"
    bigger.packages.append(Package("pyjokes", "0.6.0"))
    events: list = []
    options = BuildOptions(target="batch", base_image=TEST_BASE)
    result = run_pipeline(BuildRequest(hello_dir / "hello.ipynb", options, bigger), docker_engine,
                          lambda kind, message, step=None, total=None, data=None: events.append((kind, message)),
                          threading.Event(), tmp_path / "b").to_dict()
    environment = result["environment"]
    assert environment["how"] == "extended", events[-20:]
    parent = docker_engine.image_info(environment["parent"])
    extended = docker_engine.image_info(result["environment_image"])
    assert extended.layers[:-1] == parent.layers  # one layer on top: the new package alone
    # and its .pyc: the parent's (IPython, ipykernel... several MB) are not compiled again into it
    assert extended.size - parent.size < 2_000_000, extended.size - parent.size
    check = docker_engine.run(result["image"], ["import pyjokes, six, attr; print(pyjokes.__version__)"],
                              entrypoint=["/opt/venv/bin/python", "-c"], network=False)
    assert check.exit_code == 0 and check.logs.strip() == "0.6.0", check.logs
    assert first["environment"]["how"] == "built"
