"""For the REST security tests: a Jupyter server with the extension, a fake build engine and four notebooks
(one in a git repository).

Nothing really builds (FakeEngine) and nothing probes an interpreter: `static.ipynb` names no kernel, and a
build without a spec gets the hello spec instead of inspecting.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.pipeline import run as pipeline_run
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.builder.fakes import FakeEngine
from tests.notebooks import write_notebook

BUILD_FIXTURES = Path(__file__).parents[1] / "builder" / "fixtures"
HELLO = "hello/hello.ipynb"  # the notebook hello.spec.json was made from
STATIC = "static.ipynb"  # no kernel spec: inspect reads its code only, fast
BROKEN = "broken.ipynb"  # "nbformat": "4"
IN_REPO = "project/analysis.ipynb"  # like STATIC, in a git repository with a GitHub origin


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.org", "-c", "user.name=T", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, capture_output=True, check=True)


def hello_spec() -> dict[str, Any]:
    return json.loads((BUILD_FIXTURES / "hello.spec.json").read_text())


@pytest.fixture(name="rest_server")
def rest_server_fixture(jp_serverapp: Any, jp_root_dir: Path, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[BuildManager]:
    shutil.copytree(BUILD_FIXTURES / "hello", jp_root_dir / "hello")
    write_notebook(jp_root_dir / STATIC, "import os\nimport json", "print(os.getcwd())")
    repo = jp_root_dir / "project"
    repo.mkdir()
    write_notebook(repo / "analysis.ipynb", "import json")
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-q", "-m", "notebook"],
                 ["remote", "add", "origin", "https://github.com/octo/analysis.git"]):
        git(repo, *args)
    (jp_root_dir / BROKEN).write_text(json.dumps({"nbformat": "4", "metadata": {}, "cells": []}))
    spec = EnvironmentSpec.from_dict(hello_spec())
    monkeypatch.setattr(pipeline_run, "inspect_for_build", lambda request, emit: spec)
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    yield manager
    manager.shutdown()
