"""A Jupyter server with the extension, a fake build engine and three notebooks, for the REST security tests.

Nothing really builds (FakeEngine) and nothing probes an interpreter: `static.ipynb` names no kernel, and a
build without a spec gets the hello spec instead of inspecting.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.pipeline import run as pipeline_run
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.build.fakes import FakeEngine
from tests.notebooks import write_notebook

BUILD_FIXTURES = Path(__file__).parents[1] / "build" / "fixtures"
HELLO = "hello/hello.ipynb"  # the notebook hello.spec.json was made from
STATIC = "static.ipynb"  # no kernel spec: inspect reads its code only, fast
BROKEN = "broken.ipynb"  # "nbformat": "4"


def hello_spec() -> dict[str, Any]:
    return json.loads((BUILD_FIXTURES / "hello.spec.json").read_text())


@pytest.fixture(name="rest_server")
def rest_server_fixture(jp_serverapp: Any, jp_root_dir: Path, tmp_path: Path,
                monkeypatch: pytest.MonkeyPatch) -> Iterator[BuildManager]:
    shutil.copytree(BUILD_FIXTURES / "hello", jp_root_dir / "hello")
    write_notebook(jp_root_dir / STATIC, "import os\nimport json", "print(os.getcwd())")
    (jp_root_dir / BROKEN).write_text(json.dumps({"nbformat": "4", "metadata": {}, "cells": []}))
    spec = EnvironmentSpec.from_dict(hello_spec())
    monkeypatch.setattr(pipeline_run, "_inspect", lambda request, emit: spec)
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    yield manager
    manager.shutdown()
