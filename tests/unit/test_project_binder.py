"""`jupyter containerize binder FOLDER`: one binder/ for a project's notebooks (the union of their
locks), a link that opens the folder, the CLI's refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jupyterlab_containerize.pipeline.project import Project, union_spec
from jupyterlab_containerize.share import BinderOptions, share_binder
from jupyterlab_containerize.spec import EnvironmentSpec, Package, PythonInfo
from tests.notebooks import write_notebook


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


def spec(*pins: str, files: tuple[str, ...] = ()) -> EnvironmentSpec:
    made = EnvironmentSpec(source="interpreter", python=PythonInfo(version="3.11.2"), files=list(files),
                           packages=[Package(*p.split("=="), reason="imported") for p in pins])
    made.platform.system, made.platform.machine = "Linux", "x86_64"
    return made


def test_one_binder_folder_for_every_notebook_and_a_link_to_the_folder(tmp_path):
    repo = tmp_path / "repo"
    folder = repo / "book"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "x.csv").write_text("1\n")
    notebooks = [write_notebook(folder / "a.ipynb", "import six"), write_notebook(folder / "b.ipynb", "import attr")]
    git(repo, "init", "-q")
    git(repo, "remote", "add", "origin", "https://github.com/owner/repo.git")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "book")
    project = Project(folder, notebooks, [spec("six==1.16.0"), spec("attrs==23.2.0", files=("data/x.csv",))])
    result = share_binder(folder, union_spec(project), BinderOptions(dry_run=True))
    assert result.binder_dir == "binder" and result.repo_root == str(repo)
    requirements = next(c for c in result.files if c.path == "binder/requirements.txt")
    assert requirements.status == "new"
    assert result.launch.url and result.launch.url.endswith("?urlpath=lab/tree/book")
    assert not any("outside the repository" in w for w in result.warnings)


def test_the_cli_refuses_a_spec_for_a_folder(tmp_path):
    write_notebook(tmp_path / "a.ipynb", "import six")
    (tmp_path / "spec.json").write_text(json.dumps(spec().to_dict()))
    done = subprocess.run([sys.executable, "-m", "jupyterlab_containerize", "binder", str(tmp_path),
                           "--spec", str(tmp_path / "spec.json"), "--dry-run"], capture_output=True, text=True)
    assert done.returncode == 2 and "--spec is one notebook's" in done.stderr
