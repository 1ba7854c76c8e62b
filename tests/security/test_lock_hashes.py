"""A lock's hashes reach the install: its hashed pins are installed first with --require-hashes, and a
wrong hash stops the build naming the package (a real build on the real engine). Hashes are validated
as whole strings before they reach a requirements file."""

from __future__ import annotations

import copy
import json
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.errors import InvalidNotebook, PinInstallFailed, UnsafeValue
from jupyterlab_containerize.inspect.notebook_lock import apply_lock, lock_from_spec, read_lock
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.builder.conftest import FIXTURES, TEST_BASE, docker_engine  # noqa: F401 (a fixture)

from .conftest import hello_spec

WRONG = "sha256:" + "0" * 64
# six 1.16.0's wheel, as PyPI lists it
SIX_WHEEL = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254"


def locked_spec(hashes: dict[str, list[str]]) -> EnvironmentSpec:
    spec = EnvironmentSpec.from_dict(hello_spec())
    lock = lock_from_spec(spec, hashes)
    read_lock({"metadata": {"containerize": {"lock": lock}}})
    apply_lock(spec, lock)
    return spec


def test_hashed_pins_are_installed_first_with_require_hashes(tmp_path: Path):
    folder = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    ctx = render_context(locked_spec({"six": [SIX_WHEEL]}), folder / "hello.ipynb",
                         BuildOptions(base_image=TEST_BASE), tmp_path / "ctx")
    build = ctx.directory / ".containerize-build"
    assert (build / "hashed-requirements.txt").read_text() == f"six==1.16.0 --hash={SIX_WHEEL}\n"
    script = (build / "install.sh").read_text()
    hashed = script.index("--require-hashes --no-deps -r /tmp/containerize-build/hashed-requirements.txt")
    assert hashed < script.index("-r /tmp/containerize-build/requirements.txt")


def test_a_lock_without_hashes_installs_as_before(tmp_path: Path):
    folder = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    ctx = render_context(locked_spec({}), folder / "hello.ipynb", BuildOptions(base_image=TEST_BASE), tmp_path / "c")
    assert not (ctx.directory / ".containerize-build" / "hashed-requirements.txt").exists()
    assert "--require-hashes" not in (ctx.directory / ".containerize-build" / "install.sh").read_text()


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=80), st.sampled_from([
    "sha256:" + "0" * 63, "sha256:" + "A" * 64, "md5:" + "0" * 32, WRONG + "\n--index-url http://evil",
    WRONG + " --hash=x", "sha256:" + "0" * 64 + "\\", " " + WRONG])))
def test_a_malformed_hash_in_a_lock_is_refused(value: str):
    lock = lock_from_spec(EnvironmentSpec.from_dict(hello_spec()), {"six": [value]})
    with pytest.raises((UnsafeValue, InvalidNotebook)):
        read_lock({"metadata": {"containerize": {"lock": lock}}})


def test_hashes_that_are_not_a_list_are_refused():
    lock = lock_from_spec(EnvironmentSpec.from_dict(hello_spec()))
    lock = copy.deepcopy(lock)
    lock["packages"][0]["hashes"] = WRONG
    with pytest.raises(InvalidNotebook):
        read_lock({"metadata": {"containerize": {"lock": lock}}})


@pytest.mark.docker
@pytest.mark.integration
def test_a_wrong_hash_stops_a_real_build_naming_the_package(docker_engine, tmp_path: Path):  # noqa: F811
    folder = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    spec = locked_spec({"six": [WRONG]})
    options = BuildOptions(base_image=TEST_BASE, tag="localhost/containerize-test/h19-wrong-hash:1")
    with pytest.raises(PinInstallFailed) as err:
        run_pipeline(BuildRequest(folder / "hello.ipynb", options, spec), docker_engine,
                     lambda *a, **k: None, threading.Event(), tmp_path / "work")
    assert "six==1.16.0" in err.value.message and "hash" in err.value.message
    assert json.dumps(err.value.to_dict())  # serialisable for the REST answer


@pytest.mark.docker
@pytest.mark.integration
def test_the_right_hash_builds(docker_engine, tmp_path: Path):  # noqa: F811
    folder = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello", folder)
    options = BuildOptions(base_image=TEST_BASE, target="batch", tag="localhost/containerize-test/h19-right-hash:1")
    result = run_pipeline(BuildRequest(folder / "hello.ipynb", options, locked_spec({"six": [SIX_WHEEL]})),
                          docker_engine, lambda *a, **k: None, threading.Event(), tmp_path / "work").to_dict()
    assert result["image"]
    docker_engine.client.images.remove(options.tag)
