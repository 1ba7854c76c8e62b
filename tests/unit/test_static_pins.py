"""Kernel-less notebooks: the date they ran on, pins as of that date, and the lock they carry."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.errors import InvalidNotebook, InvalidRequest, UnsafeValue
from jupyterlab_containerize.inspect import StaticChoices, inspect_notebook
from jupyterlab_containerize.inspect.as_of_pins import pin_as_of
from jupyterlab_containerize.inspect.notebook_date import NotebookDate, notebook_date, parse_as_of
from jupyterlab_containerize.inspect.notebook_lock import read_lock
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec, Package
from jupyterlab_containerize.uv_compile import Compiled
from tests.notebooks import notebook

GONE_KERNEL = {"kernelspec": {"name": "an-env-that-is-gone", "display_name": "x", "language": "python"},
               "language_info": {"name": "python", "version": "3.11.4"}}


def write(path: Path, *sources: str, metadata: dict | None = None) -> Path:
    nb = notebook(*sources)
    nb["metadata"] = dict(metadata or GONE_KERNEL)
    nb["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "saved\n"}]
    path.write_text(json.dumps(nb, indent=1) + "\n")
    return path


def commit(path: Path, when: str) -> None:
    env = {**os.environ, "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}
    run = lambda *a: subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *a],  # noqa: E731
                                    cwd=path.parent, check=True, env=env, capture_output=True)
    run("init", "-q")
    run("add", path.name)
    run("commit", "-qm", "notebook")


def test_the_date_comes_from_as_of_then_git_then_file_time(tmp_path: Path):
    nb = write(tmp_path / "a.ipynb", "import pandas")
    assert notebook_date(nb, "2021-03-04") == NotebookDate(dt.date(2021, 3, 4), "as-of")
    assert notebook_date(nb).source == "file-time"
    commit(nb, "2023-06-01T12:00:00Z")
    assert notebook_date(nb) == NotebookDate(dt.date(2023, 6, 1), "git-commit")
    for bad in ("2023-6-1", "yesterday", "2023-02-30", "2023-06-01\n"):
        with pytest.raises(InvalidRequest):
            parse_as_of(bad)


def fake_resolver(calls: list):
    def resolve(names, python, **kwargs):
        calls.append((list(names), python, kwargs))
        if "neverexisted" in names:
            return Compiled(error="Because neverexisted was not found in the package registry ...")
        return Compiled(pins={n: "1.0" for n in names} | {"numpy": "1.24.3"})
    return resolve


def test_pin_as_of_pins_the_closure_and_drops_what_did_not_exist(tmp_path: Path):
    spec = EnvironmentSpec(packages=[Package("pandas", None, reason="imported")])
    calls: list = []
    pin_as_of(spec, NotebookDate(dt.date(2023, 6, 1), "git-commit"), ("neverexisted",), fake_resolver(calls))
    assert {p.name: (p.version, p.reason) for p in spec.packages} == {
        "pandas": ("1.0", "imported"), "numpy": ("1.24.3", "dependency")}
    assert spec.as_of == "2023-06-01" and spec.as_of_source == "git-commit"
    assert spec.python.version == "3.11"  # the notebook did not say: the newest CPython of that day
    assert calls[0][2]["exclude_newer"] == "2023-06-01T23:59:59Z" and calls[0][2]["target_linux"]
    assert any(p.kind == "not-on-index" and "neverexisted" in p.message for p in spec.problems)


def test_an_index_that_does_not_answer_leaves_pins_open_and_says_so():
    spec = EnvironmentSpec(packages=[Package("pandas", None, reason="imported")])
    pin_as_of(spec, NotebookDate(dt.date(2023, 6, 1), "as-of"), resolver=lambda *a, **k: Compiled(error="dns"),
              files=lambda name: [])
    assert spec.packages[0].version is None
    assert any(p.kind == "as-of-failed" and "2023-06-01" in p.message for p in spec.problems)


def test_confirmed_names_must_be_package_names():
    with pytest.raises(UnsafeValue):
        pin_as_of(EnvironmentSpec(), NotebookDate(dt.date(2023, 6, 1), "as-of"), ("evil\nname",),
                  resolver=lambda *a, **k: Compiled())


def test_a_malformed_lock_is_refused(tmp_path: Path):
    bad = {"metadata": {"containerize": {"lock": {"version": 1, "packages": [{"name": "x\ny", "version": "1"}]}}}}
    with pytest.raises((UnsafeValue, InvalidNotebook)):
        read_lock(bad)
    assert read_lock({"metadata": {}}) is None


@pytest.mark.integration  # asks PyPI through uv, as a user's machine would
def test_a_2023_notebook_gets_2023_pandas_and_its_lock_gives_the_same_pins_back(tmp_path: Path):
    nb = write(tmp_path / "old.ipynb", "import pandas as pd\npd.DataFrame()", "import numpy")
    commit(nb, "2023-06-01T12:00:00Z")
    spec = inspect_notebook(nb, secret_policy=DEFAULT_POLICY)
    assert spec.source == "static" and spec.as_of == "2023-06-01" and spec.as_of_source == "git-commit"
    assert spec.package("pandas").version == "2.0.2"
    before = json.loads(nb.read_text())
    assert main(["lock", str(nb)]) == 0
    after = json.loads(nb.read_text())
    lock = after["metadata"].pop("containerize")["lock"]
    assert after == before  # cells, outputs and other metadata untouched
    assert lock["python"] == "3.11.4" and any(p.get("hashes") for p in lock["packages"])
    again = inspect_notebook(nb, secret_policy=DEFAULT_POLICY)
    assert again.source == "lock"
    assert {(p.name, p.version) for p in again.packages} == {(p.name, p.version) for p in spec.packages}
    forced = inspect_notebook(nb, static_choices=StaticChoices(force=True, as_of="2021-01-15"),
                              secret_policy=DEFAULT_POLICY)
    assert forced.source == "static" and forced.package("pandas").version == "1.5.0"  # 1.2 has no cp311 wheel
    assert any(p.message.startswith("pandas 1.2.0 as of 2021-01-15 -> 1.5.0") for p in forced.problems)


def wheel(name: str, version: str, uploaded: str, tag: str = "cp311-cp311-manylinux_2_17_x86_64") -> dict:
    return {"filename": f"{name}-{version}-{tag}.whl", "upload-time": uploaded}


def sdist(name: str, version: str, uploaded: str) -> dict:
    return {"filename": f"{name}-{version}.tar.gz", "upload-time": uploaded}


INDEX = {  # a fake index: numpy's 2018 release has wheels for old Pythons only
    "numpy": [sdist("numpy", "1.14.0", "2018-01-06T00:00:00Z"),
              wheel("numpy", "1.14.0", "2018-01-06T00:00:00Z", "cp36-cp36m-manylinux1_x86_64"),
              wheel("numpy", "1.23.1", "2022-07-01T00:00:00Z", "cp310-cp310-manylinux_2_17_x86_64"),
              wheel("numpy", "1.23.2", "2022-08-14T00:17:33.69Z"),
              wheel("numpy", "1.24.0", "2022-12-18T00:00:00Z")],
    "requests": [wheel("requests", "2.18.4", "2017-08-15T00:00:00Z", "py2.py3-none-any"),
                 wheel("requests", "2.19.0", "2018-06-12T00:00:00Z", "py2.py3-none-any")],
    "oldthing": [sdist("oldthing", "0.3", "2015-01-01T00:00:00Z")],
}


def test_choose_release_keeps_the_date_where_a_wheel_exists_and_moves_where_none_does():
    from jupyterlab_containerize.inspect.release_choice import choose_release

    files = INDEX.__getitem__
    numpy = choose_release("numpy", dt.date(2018, 2, 1), "3.11", files, "x86_64-manylinux_2_28")
    assert (numpy.version, numpy.moved, numpy.as_of_version) == ("1.23.2", True, "1.14.0")
    assert numpy.exclude_newer == "2022-08-14T00:17:34Z"
    on_36 = choose_release("numpy", dt.date(2018, 2, 1), "3.6", files, "x86_64-manylinux_2_28")
    assert (on_36.version, on_36.moved) == ("1.14.0", False)
    requests = choose_release("requests", dt.date(2018, 2, 1), "3.11", files)
    assert (requests.version, requests.moved) == ("2.18.4", False)
    old = choose_release("oldthing", dt.date(2018, 2, 1), "3.11", files)
    assert (old.version, old.source_build) == ("0.3", True)


def test_an_old_date_moves_single_packages_never_the_date_and_says_which():
    calls: list = []

    def resolver(names, python, **kwargs):
        calls.append(kwargs)
        if kwargs["exclude_newer"].startswith("2018"):  # uv: numpy 1.14 has no cp311 wheel
            return Compiled(error="hint: Wheels are required for `numpy` because building from source is disabled")
        return Compiled(pins={"numpy": "1.23.2", "requests": "2.18.4", "oldthing": "0.3"})

    spec = EnvironmentSpec(packages=[Package(n, None, reason="imported") for n in ("numpy", "requests", "oldthing")])
    spec.python.version = "3.11.2"
    pin_as_of(spec, NotebookDate(dt.date(2018, 2, 1), "git-commit"), resolver=resolver, files=INDEX.__getitem__)
    assert spec.as_of == "2018-02-01" and spec.as_of_source == "git-commit"  # the date never moves
    assert spec.package("numpy").version == "1.23.2"
    moved = [p.message for p in spec.problems if p.kind == "version-moved"]
    assert moved == ["numpy 1.14.0 as of 2018-02-01 -> 1.23.2, the first with a wheel for CPython 3.11."]
    assert any(p.kind == "source-build" and "oldthing 0.3" in p.message for p in spec.problems)
    caps = calls[1]["exclude_newer_packages"]
    assert caps["numpy"] == "2022-08-14T00:17:34Z" and caps["requests"] == "2018-02-01T23:59:59Z"
    assert calls[1]["only_binary"] is True and calls[-1]["only_binary"] == ["numpy", "requests"]


@pytest.mark.integration  # asks PyPI, as a user's machine would
def test_numpy_of_2018_on_python_311_is_the_first_numpy_with_a_cp311_wheel():
    spec = EnvironmentSpec(packages=[Package("numpy", None, reason="imported"),
                                     Package("pandas", None, reason="imported")])
    spec.python.version = "3.11"
    pin_as_of(spec, NotebookDate(dt.date(2018, 2, 1), "git-commit"))
    assert spec.package("numpy").version == "1.23.2" and spec.package("pandas").version.startswith("1.5.")
    assert spec.as_of == "2018-02-01"
    assert any(p.message.startswith("numpy 1.14.0 as of 2018-02-01 -> 1.23.2") for p in spec.problems)


def test_pylab_matplotlib_and_known_extensions_are_packages_without_a_kernel(tmp_path: Path):
    nb = write(tmp_path / "a.ipynb", "%pylab inline\nx = arange(3)", "%load_ext version_information",
               "%load_ext line_profiler\n%matplotlib inline")
    spec = inspect_notebook(nb, static_choices=StaticChoices(force=True, resolve_pins=False),
                            secret_policy=DEFAULT_POLICY)
    assert {"numpy", "matplotlib", "version_information", "line_profiler"} <= {p.name for p in spec.packages}


def test_a_kernel_less_notebook_gets_a_supported_python_unless_its_own_is_asked_for(tmp_path: Path):
    old = {"kernelspec": {"name": "gone", "display_name": "x", "language": "python"},
           "language_info": {"name": "python", "version": "3.6.8"}}
    nb = write(tmp_path / "a.ipynb", "import numpy", metadata=old)
    spec = inspect_notebook(nb, static_choices=StaticChoices(force=True, resolve_pins=False),
                            secret_policy=DEFAULT_POLICY)
    assert spec.python.version == "3.11"
    stated = [p.message for p in spec.problems if p.kind == "python-choice"]
    assert stated and "the notebook ran 3.6.8" in stated[0] and "--historic-python" in stated[0]
    own = inspect_notebook(nb, static_choices=StaticChoices(force=True, resolve_pins=False, historic_python=True),
                           secret_policy=DEFAULT_POLICY)
    assert own.python.version == "3.6.8"
    asked = inspect_notebook(nb, static_choices=StaticChoices(force=True, resolve_pins=False, python_version="3.12"),
                             secret_policy=DEFAULT_POLICY)
    assert asked.python.version == "3.12"
    supported = write(tmp_path / "b.ipynb", "import numpy")  # metadata says 3.11.4: kept
    assert inspect_notebook(supported, static_choices=StaticChoices(force=True, resolve_pins=False),
                            secret_policy=DEFAULT_POLICY
                            ).python.version == "3.11.4"


def test_a_static_spec_is_pinned_again_for_the_base_images_python():
    from jupyterlab_containerize.inspect.as_of_pins import pin_for_base_python

    pythons: list = []

    def resolver(names, python, **kwargs):
        pythons.append(python)
        return Compiled(pins={"numpy": "1.26.4" if python.startswith("3.12") else "2.5.5"})

    spec = EnvironmentSpec(source="static", packages=[Package("numpy", None, reason="imported")])
    spec.python.version = "3.14"
    pin_as_of(spec, NotebookDate(dt.date(2026, 1, 20), "file-time"), resolver=resolver, files=lambda n: [])
    said = pin_for_base_python(spec, "mybase:1", "3.12.3", resolver=resolver, files=lambda n: [])
    assert said and "3.12.3" in said and "mybase:1" in said
    assert spec.python.version == "3.12.3" and spec.package("numpy").version == "1.26.4"
    assert spec.as_of == "2026-01-20" and spec.as_of_source == "file-time" and pythons == ["3.14", "3.12.3"]
    assert pin_for_base_python(spec, "mybase:1", "3.12.1", resolver=resolver) is None  # same minor
    spec.source = "kernel"
    assert pin_for_base_python(spec, "other", "3.11.2", resolver=resolver) is None  # a kernel's pins are facts


def test_a_pure_wheel_too_old_for_the_python_moves_to_the_first_that_supports_it():
    from jupyterlab_containerize.inspect.release_choice import choose_release

    index = {"cython": [wheel("cython", "0.29.6", "2019-02-27T00:00:00Z", "py2.py3-none-any"),
                        wheel("cython", "0.29.32", "2022-07-29T00:00:00Z", "py2.py3-none-any")]}
    choice = choose_release("Cython", dt.date(2019, 3, 1), "3.11.2", index.__getitem__)
    assert (choice.version, choice.moved, choice.as_of_version) == ("0.29.32", True, "0.29.6")
    assert choose_release("Cython", dt.date(2019, 3, 1), "3.8", index.__getitem__).version == "0.29.6"


def test_the_cli_says_the_date_as_it_is_and_which_packages_moved():
    import io

    from jupyterlab_containerize.cli.inspect_cmd import print_table
    from jupyterlab_containerize.spec import Problem

    spec = EnvironmentSpec(source="static", as_of="2018-02-01", as_of_source="git-commit",
                           packages=[Package("numpy", "1.23.2", reason="imported")])
    spec.python.version = "3.11"
    spec.problems.append(Problem(kind="version-moved", message=(
        "numpy 1.14.0 as of 2018-02-01 -> 1.23.2, the first with a wheel for CPython 3.11.")))
    out = io.StringIO()
    print_table(spec, out)
    text = out.getvalue()
    assert "as of 2018-02-01 (its last commit); 1 moved later for Python 3.11" in text
    assert "numpy 1.14.0 as of 2018-02-01 -> 1.23.2, the first with a wheel for CPython 3.11." in text


def test_a_package_the_resolver_takes_back_past_its_choice_follows_the_latest_move():
    index = {**INDEX, "ipython": [wheel("ipython", "3.2.3", "2015-07-01T00:00:00Z", "py3-none-any"),
                                  wheel("ipython", "6.0.0", "2017-04-19T00:00:00Z", "py3-none-any")]}
    calls: list = []

    def resolver(names, python, **kwargs):
        calls.append(kwargs)
        if kwargs["exclude_newer"].startswith("2017"):
            return Compiled(error="hint: Wheels are required for `numpy` because building from source is disabled")
        capped = "ipython" in kwargs["exclude_newer_packages"]  # ipython 6 needs a dependency without a wheel
        return Compiled(pins={"numpy": "1.23.2", "ipython": "3.2.3" if capped else "8.5.0"})

    spec = EnvironmentSpec(packages=[Package(n, None, reason="imported") for n in ("numpy", "ipython")])
    spec.python.version = "3.11"
    pin_as_of(spec, NotebookDate(dt.date(2017, 5, 8), "git-commit"), resolver=resolver, files=index.__getitem__)
    assert spec.package("ipython").version == "8.5.0"
    assert any(p.message.startswith("ipython 6.0.0 as of 2017-05-08 -> 8.5.0: its release of the date does not")
               for p in spec.problems)
