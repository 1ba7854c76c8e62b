"""A picked version is judged by its own metadata: Requires-Python and files, from the index's answer."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.errors import InvalidRequest, ReleaseRefused, UnsafeValue
from jupyterlab_containerize.inspect import release_check
from jupyterlab_containerize.inspect.release_check import ReleaseCheck, check_release, configured_index
from jupyterlab_containerize.inspect.spec_edits import check_unknown_pins, prepare_edited_spec
from jupyterlab_containerize.spec import EnvironmentSpec, Package, PlatformInfo, PythonInfo

FILES = {  # what PEP 691's JSON simple API lists, trimmed
    "pandas": [
        {"filename": "pandas-2.2.2-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
         "requires-python": ">=3.9"},
        {"filename": "pandas-2.2.2.tar.gz", "requires-python": ">=3.9"},
        {"filename": "pandas-3.0.0-cp312-cp312-manylinux_2_24_x86_64.whl", "requires-python": ">=3.11"},
        {"filename": "pandas-3.0.0.tar.gz", "requires-python": ">=3.11"},
    ],
    "wheelonly": [
        {"filename": "wheelonly-1.0-cp312-cp312-manylinux_2_28_x86_64.whl", "requires-python": None},
        {"filename": "wheelonly-1.0-cp311-cp311-macosx_11_0_arm64.whl", "requires-python": None},
        {"filename": "wheelonly-2.0-py3-none-any.whl", "requires-python": ">=3.8", "yanked": "broken"},
    ],
}


@pytest.fixture(autouse=True)
def fake_index(monkeypatch):
    asked: list[tuple[str, str]] = []

    def files(name: str, index: str, timeout: float):
        asked.append((name, index))
        if name == "offline":
            raise OSError("Network is unreachable")
        return tuple(FILES.get(name, []))

    monkeypatch.setattr(release_check, "_index_files", files)
    return asked


def test_a_release_that_fits():
    check = check_release("pandas", "2.2.2", "3.11.2", "x86_64")
    assert (check.ok, check.requires_python, check.wheel, check.sdist, check.message) == (
        True, ">=3.9", True, True, None)
    assert check.platform == "linux/x86_64"


def test_a_release_that_needs_a_newer_python_is_refused_in_one_line():
    check = check_release("pandas", "3.0.0", "3.10.12")
    assert check.ok is False and check.python_ok is False and check.requires_python == ">=3.11"
    assert check.message == ("pandas 3.0.0 needs Python >=3.11; the image has Python 3.10.12: pick another "
                             "version of pandas, or a base image with a Python it accepts.")


def test_no_file_for_that_python_and_platform():
    check = check_release("wheelonly", "1.0", "3.11.2", "x86_64")
    assert check.ok is False and check.wheel is False and not check.sdist
    assert check.message == ("wheelonly 1.0 has no file for CPython 3.11 on Linux x86_64: "
                             "pick another version of wheelonly.")
    assert check_release("wheelonly", "1.0", "3.12.1", "amd64").ok is True
    assert check_release("wheelonly", "1.0", "3.12.1", "aarch64").ok is False


def test_sdist_only_builds_from_source_and_yanked_is_said():
    source = check_release("pandas", "3.0.0", "3.13.0")
    assert source.ok is True and source.wheel is False and "built from source" in source.message
    yanked = check_release("wheelonly", "2.0", "3.11.2")
    assert yanked.ok is True and yanked.yanked and "yanked" in yanked.message


def test_unknown_version_and_unreachable_index():
    missing = check_release("pandas", "99", "3.11")
    assert missing.message == "pandas 99 is not on the package index: pick a version it has."
    offline = check_release("offline", "1.0", "3.11")
    assert (offline.checked, offline.ok) == (False, None) and "Network is unreachable" in offline.message


def test_values_are_validated_whole():
    for bad in [("pandas;rm", "1", "3.11", ""), ("pandas", "1 || x", "3.11", ""), ("pandas", "1", "3.11", "x86/../..")]:
        with pytest.raises((InvalidRequest, UnsafeValue)):
            check_release(*bad)


def test_the_configured_index_is_asked(monkeypatch, fake_index):
    monkeypatch.setenv("UV_INDEX_URL", "https://mirror.example.org/simple/")
    assert configured_index() == "https://mirror.example.org/simple"
    check_release("pandas", "2.2.2", "3.11.2")
    assert fake_index[-1] == ("pandas", "https://mirror.example.org/simple")
    monkeypatch.setenv("UV_INDEX_URL", "file:///opt/pypi/simple")  # not HTTP: PyPI
    assert configured_index() == release_check.PYPI_SIMPLE


def edited_spec(*packages: Package) -> EnvironmentSpec:
    return EnvironmentSpec(python=PythonInfo(version="3.10.12"), platform=PlatformInfo("Linux", "x86_64", "glibc 2.36"),
                           packages=list(packages))


def test_a_picked_version_never_keeps_the_inspected_versions_requires_python():
    spec = edited_spec(Package("pandas", "2.2.2", reason="imported", requires_python=">=3.8", edited=True),
                       Package("numpy", "1.26.4", reason="dependency", requires_python=">=3.9"))
    checks = check_unknown_pins(spec)
    assert [c.name for c in checks] == ["pandas"]  # only what the user picked is asked about
    assert spec.package("pandas").requires_python == ">=3.9"


def test_a_picked_version_the_image_cannot_install_stops_the_build():
    spec = edited_spec(Package("pandas", "3.0.0", reason="imported", requires_python=">=3.9", edited=True),
                       Package("wheelonly", "1.0", reason="user"))
    with pytest.raises(ReleaseRefused) as caught:
        prepare_edited_spec(spec)
    assert caught.value.message.startswith("pandas 3.0.0 needs Python >=3.11; the image has Python 3.10.12")
    assert caught.value.message.endswith("(and 1 more: wheelonly 1.0)") and "\n" not in caught.value.message


def test_an_index_that_does_not_answer_leaves_it_to_the_installer():
    spec = edited_spec(Package("offline", "1.0", reason="user", requires_python=">=3.6"))
    [check] = check_unknown_pins(spec)
    assert check.checked is False and spec.package("offline").requires_python is None


def test_checker_is_pluggable():
    seen = []
    spec = edited_spec(Package("x", "1.0", reason="user"))
    answer = ReleaseCheck("x", "1.0", "3.10.12", "linux/x86_64", True, True, ">=3", True, True, ok=True)
    check_unknown_pins(spec, checker=lambda *a: seen.append(a) or answer)
    assert seen == [("x", "1.0", "3.10.12", "x86_64", "glibc 2.36", None)] and spec.packages[0].requires_python == ">=3"
