"""Base image choice and the Requires-Python check, before any build."""

from __future__ import annotations

import pytest

from jupyterlab_containerize.errors import PythonMismatch
from jupyterlab_containerize.render import check_base_python, choose_base_image, refusing_pins
from jupyterlab_containerize.spec import EnvironmentSpec, Package, PythonInfo


def spec_with(version: str, *packages: Package) -> EnvironmentSpec:
    return EnvironmentSpec(python=PythonInfo(version=version), packages=list(packages))


def test_default_base_is_the_kernels_minor_slim():
    assert choose_base_image(spec_with("3.12.4")) == "python:3.12-slim"
    assert choose_base_image(EnvironmentSpec()) == "python:3.11-slim"


def test_exact_patch_tag_when_a_pin_needs_it():
    spec = spec_with("3.11.7", Package("soupsieve", "4.1.1", requires_python=">=3.11.5"))
    assert choose_base_image(spec) == "python:3.11.7-slim"


def test_user_override_wins():
    assert choose_base_image(spec_with("3.11.7"), "jupyter/base-notebook:2024") == (
        "jupyter/base-notebook:2024")


def test_refusing_pins_are_named_with_fixes():
    spec = spec_with("3.11.7", Package("soupsieve", "4.1.1", requires_python=">=3.11.5"),
                     Package("six", "1.16.0", requires_python=">=2.7"))
    assert [c.name for c in refusing_pins(spec.packages, "3.11.2")] == ["soupsieve"]
    with pytest.raises(PythonMismatch) as caught:
        check_base_python(spec, "base:1", "3.11.2", {"soupsieve": "2.10"})
    err = caught.value
    assert "soupsieve==4.1.1 requires Python >=3.11.5" in err.message
    assert "--" not in err.hint  # the panel's hint names no flag; the CLI's does
    assert "python:3.11.7-slim" in err.cli_hint and "soupsieve==2.10" in err.cli_hint
    assert [a.to_dict() for a in err.actions] == [
        {"id": "repin", "label": "Re-pin for Python 3.11.2 (soupsieve 2.10)", "options_patch": {"repin": True},
         "cli": "--repin"},
        {"id": "matching-base", "label": "Build on python:3.11.7-slim (the Python the pins ran on)",
         "options_patch": {"base_image": "python:3.11.7-slim"}, "cli": "--base python:3.11.7-slim"},
    ]
    assert err.to_dict()["actions"] == [a.to_dict() for a in err.actions]
    check_base_python(spec, "base:1", "3.11.7")  # no error


def test_fixes_offered_are_only_those_that_work():
    spec = spec_with("3.11.7", Package("soupsieve", "4.1.1", requires_python=">=3.11.5"),
                     Package("cutting", "9.0", requires_python=">=3.11.5"))
    with pytest.raises(PythonMismatch) as caught:  # uv could re-pin only one of the two: no repin
        check_base_python(spec, "python:3.11.7-slim-old", "3.11.2", {"soupsieve": "2.10"},
                          [("localhost/team/python:3.11", "3.11.9")])
    assert [(a.id, a.options_patch) for a in caught.value.actions] == [
        ("matching-base", {"base_image": "python:3.11.7-slim"}),
        ("local-image", {"base_image": "localhost/team/python:3.11"}),
    ]
    assert caught.value.actions[1].label == "Build on localhost/team/python:3.11 (here already, Python 3.11.9)"


def test_bad_requires_python_metadata_is_left_to_the_installer():
    spec = spec_with("3.11.2", Package("odd", "1.0", requires_python=">=3.6.*junk"))
    assert refusing_pins(spec.packages, "3.11.2") == []
