"""Real engine: the same lock on the same base, built twice from nothing, gives the same environment
layer (RootFS.Layers), with an apt package, no package cache, and the first image removed before the
second build; the same notebook and files, from two copies made at other times with other modes,
give the same notebook layers too; and on the remote test engine (tests/remote), the same layers as
on this one."""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline

from .conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]
TAG = "localhost/containerize-test/reproducible"


def build_layers(engine, spec, notebook: Path, work: Path, tag: str) -> tuple[list[str], list[str]]:
    """A cold build (no package cache, no environment image): (the environment's layers, the
    notebook image's layers); both images removed after."""
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=tag, environment="minimal",
                           package_cache_max_gb=0)
    result = run_pipeline(BuildRequest(notebook, options, spec), engine, lambda *a, **k: None,
                          threading.Event(), work).to_dict()
    environment = result["environment_image"]
    layers = engine.image_info(environment).layers, engine.image_info(tag).layers
    for ref in (tag, environment):
        engine.client.images.remove(ref, force=True, noprune=False)
    return layers


def copy_at(folder: Path, when: int, file_mode: int, dir_mode: int) -> Path:
    """The hello folder as another checkout would give it: its own times and permission bits."""
    shutil.copytree(FIXTURES / "hello", folder)
    for path in [*folder.rglob("*"), folder]:
        path.chmod(dir_mode if path.is_dir() else file_mode)
        os.utime(path, (when, when))
    return folder / "hello.ipynb"


def test_the_same_notebook_twice_gives_the_same_layers(docker_engine, hello_spec, tmp_path):
    spec = dataclasses.replace(hello_spec, apt_packages=["jq"])
    first = build_layers(docker_engine, spec, copy_at(tmp_path / "a" / "hello", 1_600_000_000, 0o644, 0o755),
                         tmp_path / "a" / "work", f"{TAG}:a")
    second = build_layers(docker_engine, spec, copy_at(tmp_path / "b" / "hello", 1_700_000_000, 0o664, 0o775),
                          tmp_path / "b" / "work", f"{TAG}:b")
    base_layers = docker_engine.image_info(TEST_BASE).layers
    environment, image = first
    assert environment[:len(base_layers)] == base_layers
    assert len(environment) == len(base_layers) + 1
    assert environment == second[0]
    # the runner script, the data file and module, the notebook, the image's SBOM: one layer each
    assert image[:len(environment)] == environment and len(image) == len(environment) + 4
    assert image == second[1]
