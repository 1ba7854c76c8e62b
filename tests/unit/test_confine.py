"""Path confinement: one module, unit-tested without a server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyterlab_containerize.confine import confine_build_request, is_within, resolve_in_root
from jupyterlab_containerize.errors import InvalidRequest, NotebookNotFound, PathOutsideRoot
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.spec import EnvironmentSpec


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "root" / "nb").mkdir(parents=True)
    (tmp_path / "root" / "nb" / "a.ipynb").write_text("{}")
    (tmp_path / "outside.txt").write_text("secret")
    return tmp_path / "root"


def test_resolves_inside_and_refuses_escapes(root: Path):
    assert resolve_in_root(root, "nb/a.ipynb") == (root / "nb" / "a.ipynb").resolve()
    assert resolve_in_root(root, "/nb/a.ipynb") == (root / "nb" / "a.ipynb").resolve()
    for bad in ("../outside.txt", "nb/../../outside.txt"):
        with pytest.raises(PathOutsideRoot):
            resolve_in_root(root, bad)
    with pytest.raises(PathOutsideRoot):
        resolve_in_root(root, "nb/a\x00.ipynb")
    with pytest.raises(NotebookNotFound):
        resolve_in_root(root, "nb/missing.ipynb")
    assert resolve_in_root(root, "nb/new.tar", must_exist=False).name == "new.tar"
    for not_a_path in ("", "  ", None, 3, ["a"]):
        with pytest.raises(InvalidRequest):
            resolve_in_root(root, not_a_path)


def test_a_symlink_out_of_the_root_is_refused(root: Path):
    os.symlink(root.parent / "outside.txt", root / "nb" / "link.txt")
    with pytest.raises(PathOutsideRoot):
        resolve_in_root(root, "nb/link.txt")


def test_is_within():
    assert is_within(Path("/a/b/c"), Path("/a/b"))
    assert not is_within(Path("/a/bc"), Path("/a/b"))


def test_build_request_includes_are_confined_with_or_without_a_spec(root: Path):
    notebook = root / "nb" / "a.ipynb"
    with pytest.raises(PathOutsideRoot):
        confine_build_request(root, notebook, BuildOptions(include=["../../outside.txt"]), None)
    with pytest.raises(PathOutsideRoot):
        spec = EnvironmentSpec.from_dict({"notebook": {"path": "a.ipynb"}, "files": ["../../outside.txt"]})
        confine_build_request(root, notebook, BuildOptions(), spec)
    options = BuildOptions(include=["a.ipynb"], export="nb/out.tar")
    confine_build_request(root, notebook, options, None)
    assert options.export == str((root / "nb" / "out.tar").resolve())
    with pytest.raises(PathOutsideRoot):
        confine_build_request(root, notebook, BuildOptions(export="../x.tar"), None)
