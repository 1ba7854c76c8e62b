"""Real virtual environments for the integration tests, made with uv from Debian's python3.

They are cached under ~/.cache/jupyterlab-containerize-tests keyed by their requirements, so a
second run costs nothing. /usr/bin/python3 matches the test base image's Python (see toolchain notes).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.venvs import make_venv as shared_make_venv

BASE_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else shutil.which("python3")
CACHE = Path(os.environ.get("CONTAINERIZE_TEST_CACHE", Path.home() / ".cache" / "jupyterlab-containerize-tests"))

FIXTURE_ENV = ["six==1.16.0", "attrs==23.2.0", "tabulate==0.9.0", "idna==3.7", "ipykernel==6.29.5"]
OLD_PANDAS_ENV = ["pandas==1.5.3", "numpy==1.26.4"]
FIXTURES = Path(__file__).parents[1] / "fixtures"



def make_venv(requirements: list[str]) -> Path:
    return shared_make_venv(requirements, BASE_PYTHON, prefix="venv")


@pytest.fixture(scope="session")
def fixture_env_python() -> Path:
    return make_venv(FIXTURE_ENV)


@pytest.fixture(scope="session")
def old_pandas_python() -> Path:
    return make_venv(OLD_PANDAS_ENV)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the inspection fixture project."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "inspect_project", target)
    return target


@pytest.fixture
def jp_environ(jp_environ, monkeypatch):
    """pytest-jupyter points PYTHONPATH at the test process's sys.path, which would leak the host's
    packages into kernels started from other environments; real servers do not do that."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    return jp_environ
