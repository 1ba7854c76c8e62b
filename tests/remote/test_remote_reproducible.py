"""The same lock on the same base gives the same environment layer, and the same notebook the same
notebook layers, on two engines: this machine's and the remote test engine (its own data root,
containerd and network), each built from nothing."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest

from jupyterlab_containerize.spec import EnvironmentSpec
from tests.builder.conftest import FIXTURES, TEST_BASE
from tests.builder.test_docker_reproducible import build_layers

pytestmark = [pytest.mark.docker, pytest.mark.integration]


def test_the_same_notebook_gives_the_same_layers_on_another_engine(remote_engine, tmp_path):
    from jupyterlab_containerize.builder.docker_engine import DockerEngine

    local = DockerEngine()
    if local.image_info(TEST_BASE).layers != remote_engine.image_info(TEST_BASE).layers:
        pytest.skip("the two engines hold different test bases (rebuild with .ci/build-test-base.sh, then "
                    ".ci/setup-remote-engine.sh)")
    spec = EnvironmentSpec.from_dict(json.loads((FIXTURES / "hello.spec.json").read_text()))
    spec = dataclasses.replace(spec, apt_packages=["jq"])
    shutil.copytree(FIXTURES / "hello", tmp_path / "hello")
    notebook = tmp_path / "hello" / "hello.ipynb"
    here = build_layers(local, spec, notebook, tmp_path / "here", "localhost/containerize-test/reproducible:here")
    there = build_layers(remote_engine, spec, notebook, tmp_path / "there",
                         "localhost/containerize-test/reproducible:there")
    assert here == there
