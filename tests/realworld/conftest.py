"""The real-world suite: six notebooks of the kinds found in public repos and courses, each built
with `jupyter containerize build --verify` through the CLI, as a user would.

Needs a Docker engine (.ci/setup-docker.sh) and the local base image (.ci/build-test-base.sh);
skips otherwise. Venvs are cached under ~/.cache/jupyterlab-containerize-tests, keyed by each
fixture's requirements.txt. See docs/realworld.md for the results table and the bugs found.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

TEST_BASE = os.environ.get("CONTAINERIZE_TEST_BASE", "localhost/containerize-test/python:3.11")


@pytest.fixture(scope="session")
def realworld_docker() -> str:
    """The base image tag; skips with the set-up command when the engine or the image is missing."""
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "info"], capture_output=True).returncode != 0:
        pytest.skip("no Docker engine: run .ci/setup-docker.sh")
    if subprocess.run([docker, "image", "inspect", TEST_BASE], capture_output=True).returncode != 0:
        pytest.skip(f"no {TEST_BASE}: run .ci/build-test-base.sh")
    return TEST_BASE
