"""Launch links from real git repositories (git init in tmp dirs), with remotes in each form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import BinderFilesExist, InvalidRequest, RepositoryOutsideRoot
from jupyterlab_containerize.share import BinderOptions, share_binder

from .conftest import git, make_repo, push_to_bare, write_notebook

pytestmark = pytest.mark.integration


def commit_and_push(repo: Path, message: str = "binder") -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    git(repo, "push", "-q", "origin", "main")
    return git(repo, "rev-parse", "HEAD")


@pytest.mark.parametrize("remote,prefix", [
    ("https://github.com/octo/analysis.git", "https://mybinder.org/v2/gh/octo/analysis/"),
    ("git@github.com:octo/analysis.git", "https://mybinder.org/v2/gh/octo/analysis/"),
    ("https://gitlab.com/group/subgroup/analysis.git", "https://mybinder.org/v2/gl/group%2Fsubgroup%2Fanalysis/"),
    ("git@gitlab.com:group/subgroup/analysis.git", "https://mybinder.org/v2/gl/group%2Fsubgroup%2Fanalysis/"),
    ("https://git.example.org/team/analysis.git",
     "https://mybinder.org/v2/git/https%3A%2F%2Fgit.example.org%2Fteam%2Fanalysis.git/"),
])
def test_link_pins_the_commit_and_the_notebook_path(tmp_path, simple_spec, remote, prefix):
    repo = make_repo(tmp_path / "repo", remote, notebook="notebooks/analysis.ipynb")
    push_to_bare(repo, tmp_path / "origin.git")
    first = share_binder(repo / "notebooks" / "analysis.ipynb", simple_spec, BinderOptions())
    assert first.written and (repo / "binder" / "requirements.txt").is_file()
    assert any("not committed" in w and "binder/requirements.txt (untracked)" in w for w in first.warnings)
    sha = commit_and_push(repo)
    again = share_binder(repo / "notebooks" / "analysis.ipynb", simple_spec, BinderOptions())
    assert not again.written and {f.status for f in again.files} == {"unchanged"}
    assert again.warnings == [] and again.launch.commit == sha
    assert again.launch.url == f"{prefix}{sha}?urlpath=lab/tree/notebooks/analysis.ipynb"
    assert "/main" not in again.launch.url
    assert again.launch.badge_markdown == f"[![Binder](https://mybinder.org/badge_logo.svg)]({again.launch.url})"


def test_custom_binderhub_and_forced_provider(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "git@github.com:octo/analysis.git")
    options = BinderOptions(binderhub_url="https://binder.example.org/", provider="git")
    result = share_binder(repo / "analysis.ipynb", simple_spec, options)
    sha = git(repo, "rev-parse", "HEAD")
    assert result.launch.url == (f"https://binder.example.org/v2/git/https%3A%2F%2Fgithub.com%2Focto"
                                 f"%2Fanalysis.git/{sha}?urlpath=lab/tree/analysis.ipynb")
    assert result.launch.badge_rst.startswith(".. image:: https://binder.example.org/badge_logo.svg")


def test_credentials_in_the_remote_never_reach_the_link(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://octo:ghp_secret@github.com/octo/analysis.git")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert "ghp_secret" not in json.dumps(result.to_dict())


def test_unpushed_commit_warns(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    push_to_bare(repo, tmp_path / "origin.git")
    share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    commit_and_push(repo)
    (repo / "notes.md").write_text("later\n")
    git(repo, "add", "notes.md")
    git(repo, "commit", "-q", "-m", "local only")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    sha = git(repo, "rev-parse", "HEAD")
    assert result.launch.commit == sha and sha in result.launch.url
    assert [w for w in result.warnings if "is not on remote 'origin'" in w and sha[:12] in w]


def test_dirty_tree_warns(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    (repo / "helper.py").write_text("X = 1\n")
    git(repo, "add", "helper.py")
    git(repo, "commit", "-q", "-m", "helper")
    push_to_bare(repo, tmp_path / "origin.git")
    share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    commit_and_push(repo)
    (repo / "helper.py").write_text("X = 2\n")
    write_notebook(repo / "analysis.ipynb", "import six\nprint(1)")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert any("uncommitted changes (helper.py)" in w for w in result.warnings)
    assert any("not committed" in w and "analysis.ipynb (changed)" in w for w in result.warnings)
    assert not any("not on remote" in w for w in result.warnings)


def test_no_remote(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert result.written and result.launch.url is None
    assert any("no remote" in w for w in result.warnings)
    assert any("git remote add origin" in s for s in result.next_steps)


def test_remote_that_is_a_local_path(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", str(tmp_path / "origin.git"))
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert result.launch.url is None and any("path on this machine" in w for w in result.warnings)


def test_notebook_in_no_repository_gets_the_gist_steps(tmp_path, simple_spec):
    notebook = write_notebook(tmp_path / "loose" / "analysis.ipynb")
    result = share_binder(notebook, simple_spec, BinderOptions())
    assert not result.in_repo and result.launch.url is None
    assert (tmp_path / "loose" / "binder" / "requirements.txt").is_file()
    steps = " ".join(result.next_steps)
    assert "gist.github.com" in steps and "/v2/gist/USER/GIST_ID/" in steps


def test_gist_remote_puts_the_files_at_the_top(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "gist", "https://gist.github.com/octo/0123abcd.git")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert (repo / "requirements.txt").is_file() and not (repo / "binder").exists()
    assert result.launch.url.startswith("https://mybinder.org/v2/gist/octo/0123abcd/")


def test_no_overwrite_without_force(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    (repo / "binder").mkdir()
    mine = "pandas\n"
    (repo / "binder" / "requirements.txt").write_text(mine)
    with pytest.raises(BinderFilesExist) as err:
        share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert err.value.status == 409
    assert (repo / "binder" / "requirements.txt").read_text() == mine
    assert not (repo / "binder" / "runtime.txt").exists()  # nothing at all is written
    payload = err.value.to_dict()
    assert "-pandas\n" in payload["diff"] and "+six==1.16.0\n" in payload["diff"]
    assert {"path": "binder/requirements.txt", "status": "changed"} in payload["files"]
    assert payload["code"] == "binder-files-exist" and payload["url"]
    forced = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions(force=True))
    assert forced.written and "six==1.16.0" in (repo / "binder" / "requirements.txt").read_text()


def test_dry_run_writes_nothing(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions(dry_run=True))
    assert not result.written and not (repo / "binder").exists()
    assert [f.status for f in result.files] == ["new", "new"]


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "jupyterlab_containerize", "binder", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def test_cli_refuses_then_forces(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "git@github.com:octo/analysis.git")
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(simple_spec.to_json())
    (repo / "binder").mkdir()
    (repo / "binder" / "runtime.txt").write_text("python-3.8\n")
    refused = run_cli(repo, "analysis.ipynb", "--spec", str(spec_file))
    assert refused.returncode == 1
    assert "-python-3.8\n+python-3.11\n" in refused.stdout and "--force" in refused.stderr
    done = run_cli(repo, "analysis.ipynb", "--spec", str(spec_file), "--force", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["url"].startswith("https://mybinder.org/v2/gh/octo/analysis/" + git(repo, "rev-parse", "HEAD"))
    assert (repo / "binder" / "runtime.txt").read_text() == "python-3.11\n"


def test_cli_refuses_an_image_without_digest(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "git@github.com:octo/analysis.git")
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(simple_spec.to_json())
    done = run_cli(repo, "analysis.ipynb", "--spec", str(spec_file), "--from-image", "octo/analysis:latest")
    assert done.returncode == 2 and "not pinned by digest" in done.stderr and "RepoDigests" in done.stderr
    assert not (repo / "binder").exists()


def test_ignored_and_outside_files_warn(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git")
    (repo / ".gitignore").write_text("*.csv\n")
    (repo / "data.csv").write_text("a,b\n")
    (tmp_path / "shared.csv").write_text("a,b\n")
    simple_spec.files = ["data.csv", "../shared.csv"]
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert any(w.startswith("data.csv is ignored by .gitignore") for w in result.warnings)
    assert any(str(tmp_path / "shared.csv") in w and "outside the repository" in w for w in result.warnings)


def test_ssh_alias_host_warns(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "git@github-work:octo/analysis.git")
    result = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions())
    assert any("looks like an ssh alias" in w for w in result.warnings)


def test_repository_above_the_server_root_is_refused(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/analysis.git", notebook="nb/analysis.ipynb")
    options = BinderOptions(server_root=repo / "nb")
    with pytest.raises(RepositoryOutsideRoot):
        share_binder(repo / "nb" / "analysis.ipynb", simple_spec, options)
    assert not (repo / "binder").exists()


def test_remote_choice(tmp_path, simple_spec):
    repo = make_repo(tmp_path / "repo", "https://github.com/octo/fork.git")
    git(repo, "remote", "add", "upstream", "https://gitlab.com/team/analysis.git")
    chosen = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions(remote="upstream", dry_run=True))
    assert chosen.provider == "gl" and chosen.remote == "https://gitlab.com/team/analysis.git"
    default = share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions(dry_run=True))
    assert default.remote == "https://github.com/octo/fork.git"
    with pytest.raises(InvalidRequest):
        share_binder(repo / "analysis.ipynb", simple_spec, BinderOptions(remote="nope"))
