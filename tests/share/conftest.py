"""Fixtures of the share tests: specs built in code, real git repositories, a real kernel venv.

Git repositories are made with `git init` in tmp dirs; "pushed" means pushed to a bare repository
in a tmp dir (the remote's push URL) while its fetch URL keeps the public form the link is built from.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Optional

import nbformat
import pytest

from jupyterlab_containerize.spec import EnvironmentSpec, Package, PackageSource, PythonInfo
from tests.venvs import make_venv as shared_make_venv

DEBIAN_PYTHON = "/usr/bin/python3"  # the kernel venv is made from it, as in the other test suites
CACHE = Path(os.environ.get("CONTAINERIZE_TEST_CACHE",
                            Path.home() / ".cache" / "jupyterlab-containerize-tests"))
KERNEL_ENV = ["six==1.16.0", "attrs==23.2.0"]
NOTEBOOK_CODE = "import six\nimport attr\nprint(six.__version__, attr.__version__)"


def pkg(name: str, version: Optional[str], marks: tuple[str, ...] = (), kind: str = "index",
        path: Optional[str] = None) -> Package:
    return Package(name=name, version=version, reason="imported", portability=list(marks),  # type: ignore[arg-type]
                   source=PackageSource(kind=kind, path=path,  # type: ignore[arg-type]
                                        url=f"file://{path}" if path else None),
                   reproducible=kind not in ("local", "editable"))


def make_spec(*packages: Package, python: str = "3.11.2", apt: tuple[str, ...] = ()) -> EnvironmentSpec:
    spec = EnvironmentSpec(source="interpreter", python=PythonInfo(version=python),
                           packages=list(packages), apt_packages=list(apt))
    spec.platform.system, spec.platform.machine = "Linux", "x86_64"
    spec.notebook.path = "analysis.ipynb"
    return spec


@pytest.fixture
def simple_spec() -> EnvironmentSpec:
    return make_spec(pkg("six", "1.16.0"), pkg("attrs", "23.2.0"))


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write_notebook(path: Path, code: str = NOTEBOOK_CODE) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def make_repo(root: Path, remote: Optional[str] = None, notebook: str = "analysis.ipynb") -> Path:
    """A git repository with one committed notebook and, optionally, an `origin` remote."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    git(root, "config", "commit.gpgsign", "false")
    write_notebook(root / notebook)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "notebook")
    if remote:
        git(root, "remote", "add", "origin", remote)
    return root


def push_to_bare(repo: Path, bare: Path) -> None:
    """Push to a bare repository (the push URL) so origin/main exists, as after a real push."""
    git(bare.parent, "init", "-q", "--bare", str(bare))
    git(repo, "remote", "set-url", "--push", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")



def make_venv(requirements: list[str], python: str = DEBIAN_PYTHON) -> Path:
    return shared_make_venv(requirements, python, prefix="share-venv")


@pytest.fixture(scope="session")
def kernel_python() -> Path:
    return make_venv(KERNEL_ENV)


@pytest.fixture
def jp_environ(jp_environ, monkeypatch):
    """pytest-jupyter points PYTHONPATH at the test process's sys.path, which would leak the host's
    packages into the kernel venv's probe; real servers do not do that."""
    monkeypatch.delenv("PYTHONPATH", raising=False)
    return jp_environ
