"""Pins checked against a real kernel environment, and the folder checked by repo2docker itself."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.share import BinderOptions, share_binder

from .conftest import make_repo, make_spec, pkg

pytestmark = pytest.mark.integration
DIGEST = "sha256:" + "0f" * 32


def installed_versions(python: Path) -> dict[str, str]:
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps({d.metadata['Name'].lower(): d.version for d in m.distributions()}))")
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def python_minor(python: Path) -> str:
    code = "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def pins(requirements: Path) -> dict[str, str]:
    lines = [x for x in requirements.read_text().splitlines() if x and not x.startswith("#")]
    return dict(line.split("==") for line in lines)


def test_pins_are_the_kernels_versions(tmp_path, kernel_python):
    repo = make_repo(tmp_path / "repo", "git@github.com:octo/analysis.git")
    command = [sys.executable, "-m", "jupyterlab_containerize", "binder", "analysis.ipynb",
               "--python", str(kernel_python)]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    installed = installed_versions(kernel_python)
    written = pins(repo / "binder" / "requirements.txt")
    assert written == {"attrs": "23.2.0", "six": "1.16.0"}
    assert all(installed[name] == version for name, version in written.items())
    assert (repo / "binder" / "runtime.txt").read_text() == f"python-{python_minor(kernel_python)}\n"
    assert not (repo / "binder" / "apt.txt").exists() and not (repo / "binder" / "postBuild").exists()
    assert "https://mybinder.org/v2/gh/octo/analysis/" in done.stdout


def repo2docker_dockerfile(folder: Path) -> str:
    """What repo2docker would build, printed without an engine (`--no-build`)."""
    binary = shutil.which("repo2docker")
    if binary is None:
        pytest.skip("repo2docker is not installed (pip install jupyter-repo2docker)")
    command = [binary, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_repo2docker_reads_our_files(tmp_path):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    (repo / "mylib").mkdir()
    (repo / "mylib" / "pyproject.toml").write_text("[project]\nname = 'mylib'\nversion = '0.1'\n")
    spec = make_spec(pkg("six", "1.16.0"), pkg("mylib", "0.1", kind="editable", path=str(repo / "mylib")),
                     python="3.11.2", apt=("graphviz",))
    result = share_binder(repo / "analysis.ipynb", spec, BinderOptions())
    assert sorted(f.path for f in result.files) == [
        "binder/apt.txt", "binder/postBuild", "binder/requirements.txt", "binder/runtime.txt"]
    log = repo2docker_dockerfile(repo)
    assert "Building conda environment for python=3.11" in log  # runtime.txt
    assert "src/binder/requirements.txt ${REPO_DIR}/binder/requirements.txt" in log
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in log
    assert "apt-get install --yes --no-install-recommends graphviz" in log  # apt.txt, header skipped
    assert "RUN ./binder/postBuild" in log
    # postBuild runs as the notebook user (repo2docker switches to it before)
    assert log.rindex("USER ${NB_USER}") < log.index("RUN ./binder/postBuild")


def test_repo2docker_builds_from_our_pinned_image(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    image = f"registry.example.org/octo/analysis@{DIGEST}"
    share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions(from_image=image))
    log = repo2docker_dockerfile(repo)
    assert f"FROM {image}" in log and "conda" not in log  # pulled, not built from requirements
    assert "COPY . ${HOME}" in log


def test_repo2docker_reads_gist_style_top_level_files(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "gist", "https://gist.github.com/octo/0123abcd.git")
    share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    log = repo2docker_dockerfile(repo)
    assert 'pip install --no-cache-dir -r "requirements.txt"' in log
