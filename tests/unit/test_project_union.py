"""Project builds without an engine: finding a folder's notebooks, merging their locks into one
spec, reporting real conflicts with the notebooks on each side, re-rooting their files."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_containerize.errors import InvalidRequest, NotebookNotFound, ProjectConflict
from jupyterlab_containerize.pipeline.project import (
    Project,
    check_project_options,
    find_notebooks,
    inspect_project,
    union_spec,
)
from jupyterlab_containerize.spec import EnvironmentSpec, NotebookInfo, Package, PackageSource, PythonInfo
from tests.notebooks import write_notebook


def spec(*pins: str, python: str = "3.11.2", files: tuple[str, ...] = (), env: dict | None = None,
         kernel: str = "python3") -> EnvironmentSpec:
    packages = [Package(*pin.split("=="), reason="imported") for pin in pins]
    return EnvironmentSpec(source="interpreter", python=PythonInfo(version=python), packages=packages,
                           files=list(files), env=env or {}, notebook=NotebookInfo(kernel_name=kernel, cell_count=2))


def project(tmp_path: Path, specs: dict[str, EnvironmentSpec]) -> Project:
    notebooks = []
    for name in specs:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        notebooks.append(write_notebook(tmp_path / name, "print(1)"))
    return Project(tmp_path, notebooks, list(specs.values()))


def test_the_union_holds_every_pin_once(tmp_path):
    merged = union_spec(project(tmp_path, {
        "a.ipynb": spec("pandas==2.1.4", "numpy==1.26.4"),
        "b.ipynb": spec("numpy==1.26.4", "six==1.16.0"),
    }))
    assert [(p.name, p.version) for p in merged.packages] == [
        ("numpy", "1.26.4"), ("pandas", "2.1.4"), ("six", "1.16.0")]
    assert merged.python.version == "3.11.2" and merged.notebook.kernel_name == "python3"
    assert merged.notebook.path == tmp_path.name and merged.notebook.cell_count == 4
    assert len(merged.notebook.sha256) == 64


def test_a_real_conflict_names_both_sides(tmp_path):
    with pytest.raises(ProjectConflict) as caught:
        union_spec(project(tmp_path, {
            "a.ipynb": spec("pandas==1.5.3"), "b.ipynb": spec("pandas==2.1.4"),
            "c.ipynb": spec("Pandas==1.5.3"),
        }))
    err = caught.value
    assert "pandas 1.5.3 (a.ipynb, c.ipynb) vs 2.1.4 (b.ipynb)" in err.message
    assert err.status == 409 and err.code == "project-conflict" and "--python" in err.cli_hint and "--" not in err.hint


def test_python_versions_and_environment_variables_conflict_too(tmp_path):
    with pytest.raises(ProjectConflict) as caught:
        union_spec(project(tmp_path, {
            "a.ipynb": spec(python="3.11.2", env={"MODE": "a"}), "b.ipynb": spec(python="3.12.1", env={"MODE": "b"}),
        }))
    assert "Python 3.11.2 (a.ipynb) vs 3.12.1 (b.ipynb)" in caught.value.message
    assert "environment variable MODE" in caught.value.message


def test_the_same_version_from_another_source_is_a_conflict(tmp_path):
    url = Package("tool", "1.0", source=PackageSource(kind="url", url="https://example.org/tool-1.0.tar.gz"))
    other = spec()
    other.packages.append(Package("tool", "1.0"))
    first = spec()
    first.packages.append(url)
    with pytest.raises(ProjectConflict, match="tool 1.0 from https://example.org"):
        union_spec(project(tmp_path, {"a.ipynb": first, "b.ipynb": other}))


def test_files_are_made_relative_to_the_folder_and_confined_to_it(tmp_path):
    merged = union_spec(project(tmp_path, {
        "a.ipynb": spec(files=("data/x.csv",)),
        "lessons/b.ipynb": spec(files=("../data/x.csv", "local.txt", "../../outside.csv")),
    }))
    assert merged.files == ["data/x.csv", "lessons/local.txt"]
    assert any("../../outside.csv is outside the folder" in p.message for p in merged.problems)


def test_different_kernels_leave_the_kernel_name_open(tmp_path):
    merged = union_spec(project(tmp_path, {"a.ipynb": spec(kernel="py-a"), "b.ipynb": spec(kernel="py-b")}))
    assert merged.notebook.kernel_name is None


def test_find_notebooks_skips_checkpoints_hidden_and_venvs_and_lists_the_top_first(tmp_path):
    for name in ("b.ipynb", "a/z.ipynb", ".ipynb_checkpoints/b-checkpoint.ipynb", ".hidden/x.ipynb",
                 "venv/lib/y.ipynb", "c.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write_notebook(tmp_path / name, "1")
    found = [p.relative_to(tmp_path).as_posix() for p in find_notebooks(tmp_path)]
    assert found == ["b.ipynb", "c.ipynb", "a/z.ipynb"]


def test_a_folder_without_notebooks_says_so(tmp_path):
    with pytest.raises(NotebookNotFound, match="No notebooks"):
        find_notebooks(tmp_path)


def test_inspect_project_inspects_each_notebook_with_the_one_inspector(tmp_path):
    write_notebook(tmp_path / "a.ipynb", "import six")
    write_notebook(tmp_path / "b.ipynb", "import attr")
    seen: list[str] = []

    def inspect(notebook: Path) -> EnvironmentSpec:
        seen.append(notebook.name)
        return spec("six==1.16.0") if notebook.name == "a.ipynb" else spec("attrs==23.2.0")

    events: list[str] = []
    result = inspect_project(tmp_path, inspect, lambda kind, message, **_: events.append(message))
    assert seen == ["a.ipynb", "b.ipynb"]
    assert [p.name for p in result.spec.packages] == ["attrs", "six"]
    assert "One environment for 2 notebooks: 2 pinned distributions" in events


@pytest.mark.parametrize("target, repair, has_spec, words", [
    ("batch", False, False, "--target batch"), ("serve", False, False, "--target serve"),
    ("notebook", True, False, "--repair"), ("notebook", False, True, "spec")])
def test_project_builds_refuse_what_takes_one_notebook(target, repair, has_spec, words):
    with pytest.raises(InvalidRequest, match=words):
        check_project_options(target, repair, has_spec)
    check_project_options("notebook", False, False)


def test_suggestions_of_the_notebooks_are_offered_once_unless_another_pins_them(tmp_path):
    from jupyterlab_containerize.spec import Suggestion

    a, b = spec("pandas==2.2.2"), spec("openpyxl==3.1.2")
    a.suggestions = [Suggestion("openpyxl", "3.1.2", "an extra of pandas ('excel')"),
                     Suggestion("tabulate", "0.9.0", "an extra of pandas ('output-formatting')")]
    b.suggestions = [Suggestion("Tabulate", "0.9.0", "...")]
    merged = union_spec(project(tmp_path, {"a.ipynb": a, "b.ipynb": b}))
    assert [s.name for s in merged.suggestions] == ["Tabulate"]
