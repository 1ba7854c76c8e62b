"""Real engine: the same lock on the same base, built twice from nothing, gives the same environment
layer (RootFS.Layers), with an apt package, no package cache, and the first image removed before the
second build; and on the remote test engine (tests/remote), the same layer as on this one."""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline

from .conftest import TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
TAG = "localhost/containerize-test/reproducible"


def build_environment(engine, spec, notebook: Path, work: Path, tag: str) -> list[str]:
    """A cold build (no package cache, no environment image); its environment's layers, then removed."""
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=tag, environment="minimal",
                           package_cache_max_gb=0)
    result = run_pipeline(BuildRequest(notebook, options, spec), engine, lambda *a, **k: None,
                          threading.Event(), work).to_dict()
    environment = result["environment_image"]
    layers = engine.image_info(environment).layers
    for ref in (tag, environment):
        engine.client.images.remove(ref, force=True, noprune=False)
    return layers


def test_the_same_lock_twice_gives_the_same_environment_layer(docker_engine, hello_spec, hello_dir, tmp_path):
    spec = dataclasses.replace(hello_spec, apt_packages=["jq"])
    notebook = hello_dir / "hello.ipynb"
    first = build_environment(docker_engine, spec, notebook, tmp_path / "a", f"{TAG}:a")
    second = build_environment(docker_engine, spec, notebook, tmp_path / "b", f"{TAG}:b")
    base_layers = docker_engine.image_info(TEST_BASE).layers
    assert first[:len(base_layers)] == base_layers
    assert len(first) == len(base_layers) + 1
    assert first == second
