"""What goes into binder/ (no git): which files, their content, and repo2docker's precedence rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_containerize.errors import BinderConflict, ImageNotPinned, UnsafeValue
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.share.binder_files import binder_folder, plan_binder
from jupyterlab_containerize.share.image import render_binder_dockerfile
from jupyterlab_containerize.share.writer import compare, write_files

from .conftest import make_spec, pkg

DIGEST = "sha256:" + "ab" * 32


def plan_for(spec, root: Path, **kwargs):
    root.mkdir(parents=True, exist_ok=True)
    notebook = root / "analysis.ipynb"
    notebook.touch()
    return plan_binder(spec, root, binder_folder(root), notebook, **kwargs, secret_policy=DEFAULT_POLICY)


def test_minimal_files(tmp_path, simple_spec):
    plan = plan_for(simple_spec, tmp_path)
    assert sorted(plan.files) == ["requirements.txt", "runtime.txt"]  # no apt.txt, no postBuild
    assert plan.files["runtime.txt"] == "python-3.11\n"
    lines = [x for x in plan.files["requirements.txt"].splitlines() if not x.startswith("#")]
    assert lines == ["attrs==23.2.0", "six==1.16.0"]
    assert plan.warnings == []


def test_apt_txt_only_when_the_spec_has_system_packages(tmp_path):
    plan = plan_for(make_spec(pkg("six", "1.16.0"), apt=("libgl1", "graphviz", "libgl1")), tmp_path)
    assert plan.files["apt.txt"].splitlines()[1:] == ["graphviz", "libgl1"]


def test_unsafe_apt_name_is_refused(tmp_path):
    with pytest.raises(UnsafeValue):
        plan_for(make_spec(apt=("curl; rm -rf /",)), tmp_path)


def test_post_build_installs_the_repositorys_own_packages(tmp_path):
    (tmp_path / "src" / "my lib").mkdir(parents=True)
    spec = make_spec(pkg("mylib", "0.1", kind="editable", path=str(tmp_path / "src" / "my lib")),
                     pkg("six", "1.16.0"))
    plan = plan_for(spec, tmp_path)
    script = plan.files["postBuild"].splitlines()
    assert script[0] == "#!/bin/bash"
    assert "set -euo pipefail" in script
    assert script.index("set -euo pipefail") < len(script) - 1  # before any command
    assert script[-1] == ('"${KERNEL_PYTHON_PREFIX}/bin/python" -m pip install --no-cache-dir '
                          "--no-deps -e './src/my lib'")
    assert "mylib" not in plan.files["requirements.txt"]
    assert "src/my lib" in plan.needed_paths


def test_package_outside_the_repository_is_a_warning_not_a_post_build(tmp_path):
    spec = make_spec(pkg("otherlib", "2.0", kind="local", path="/opt/elsewhere/otherlib"))
    plan = plan_for(spec, tmp_path / "repo")
    assert "postBuild" not in plan.files
    assert any("otherlib" in w and "outside this repository" in w and "git+https" in w for w in plan.warnings)


def test_gpu_lock_warns_what_was_left_out(tmp_path):
    spec = make_spec(pkg("torch", "2.3.1+cu121", ("cuda-local-version",)),
                     pkg("nvidia-cublas-cu12", "12.1.3.1", ("nvidia-wheel",)))
    plan = plan_for(spec, tmp_path)
    assert "torch==2.3.1\n" in plan.files["requirements.txt"]
    text = " ".join(plan.warnings)
    assert "nvidia-cublas-cu12==12.1.3.1" in text and "2.3.1+cu121 -> 2.3.1" in text


def test_unknown_python_writes_no_runtime_txt(tmp_path):
    plan = plan_for(make_spec(pkg("six", "1.16.0"), python=""), tmp_path)
    assert "runtime.txt" not in plan.files and any("runtime.txt" in w for w in plan.warnings)


def test_existing_environment_yml_wins(tmp_path, simple_spec):
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "environment.yml").write_text("dependencies:\n  - python=3.11\n")
    plan = plan_for(simple_spec, tmp_path)
    assert "requirements.txt" not in plan.files and "runtime.txt" not in plan.files
    assert any("environment.yml exists" in w and "- six==1.16.0" in w for w in plan.warnings)


def test_existing_dockerfile_is_a_conflict(tmp_path, simple_spec):
    (tmp_path / "binder").mkdir()
    (tmp_path / "binder" / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(BinderConflict) as err:
        plan_for(simple_spec, tmp_path)
    assert "--from-image" in err.value.hint


def test_root_files_shadowed_by_a_new_binder_folder(tmp_path, simple_spec):
    (tmp_path / "requirements.txt").write_text("pandas\n")
    (tmp_path / "postBuild").write_text("echo hi\n")
    plan = plan_for(simple_spec, tmp_path)
    assert any("requirements.txt, postBuild at the repository's root will be ignored" in w for w in plan.warnings)


def test_hidden_binder_folder_is_used_when_it_exists(tmp_path):
    (tmp_path / ".binder").mkdir()
    assert binder_folder(tmp_path) == tmp_path / ".binder"
    assert binder_folder(tmp_path / "nothing") == tmp_path / "nothing" / "binder"


def test_from_image_writes_only_a_pinned_dockerfile(tmp_path, simple_spec):
    image = f"registry.example.org/team/analysis@{DIGEST}"
    plan = plan_for(simple_spec, tmp_path, from_image=image)
    assert list(plan.files) == ["Dockerfile"]
    text = plan.files["Dockerfile"]
    assert f"FROM {image}\n" in text
    for needed in ("ARG NB_UID=1000", "ARG NB_USER=jovyan", "jupyterhub-singleuser", "jupyterhub==",
                   "COPY . ${HOME}", "RUN chown -R ${NB_UID} ${HOME}", "USER ${NB_USER}"):
        assert needed in text


@pytest.mark.parametrize("ref", ["registry.example.org/team/analysis:1.0", "analysis",
                                 "analysis@sha256:abc", f"Bad Name@{DIGEST}", f"x@{DIGEST}\nRUN evil"])
def test_image_without_a_digest_is_refused(ref):
    with pytest.raises((ImageNotPinned, UnsafeValue)) as err:
        render_binder_dockerfile(ref)
    assert err.value.status == 400


def test_tag_and_digest_is_accepted():
    assert f"FROM python:3.11@{DIGEST}" in render_binder_dockerfile(f"python:3.11@{DIGEST}")


def test_compare_and_write(tmp_path):
    binder = tmp_path / "binder"
    write_files(binder, {"requirements.txt": "six==1.16.0\n", "postBuild": "#!/bin/bash\n"})
    assert (binder / "postBuild").stat().st_mode & 0o111
    changes = compare(binder, "binder", {"requirements.txt": "six==1.17.0\n", "runtime.txt": "python-3.11\n",
                                         "postBuild": "#!/bin/bash\n"})
    assert [(c.path, c.status) for c in changes] == [
        ("binder/requirements.txt", "changed"), ("binder/runtime.txt", "new"), ("binder/postBuild", "unchanged")]
    assert "-six==1.16.0\n+six==1.17.0\n" in changes[0].diff
    assert changes[0].diff.startswith("--- a/binder/requirements.txt\n+++ b/binder/requirements.txt\n")
    assert not list(binder.glob(".*"))  # no temporary files left behind


def test_symlinked_target_is_refused(tmp_path):
    binder = tmp_path / "binder"
    binder.mkdir()
    (binder / "requirements.txt").symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(UnsafeValue):
        compare(binder, "binder", {"requirements.txt": "six\n"})
