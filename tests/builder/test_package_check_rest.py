"""POST /containerize/package-check, and a build whose spec has a version the image cannot install."""

from __future__ import annotations

import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.inspect import release_check

from .test_rest import fetch_json, manager, spec  # noqa: F401  (the fixture)

FILES = ({"filename": "pandas-3.0.0-cp312-cp312-manylinux_2_24_x86_64.whl", "requires-python": ">=3.11"},
         {"filename": "pandas-2.2.2-py3-none-any.whl", "requires-python": ">=3.9"})


@pytest.fixture(autouse=True)
def fake_index(monkeypatch):
    monkeypatch.setattr(release_check, "_index_files", lambda name, index, timeout: FILES if name == "pandas" else ())


async def test_package_check_answers_the_releases_own_metadata(jp_fetch):
    body = {"name": "pandas", "version": "3.0.0", "python": "3.10.12", "platform": "linux/x86_64"}
    code, answer = await fetch_json(jp_fetch, "package-check", method="POST", body=json.dumps(body))
    assert code == 200 and answer == {
        "name": "pandas", "version": "3.0.0", "python": "3.10.12", "platform": "linux/x86_64", "checked": True,
        "found": True, "requires_python": ">=3.11", "python_ok": False, "wheel": False, "sdist": False,
        "yanked": False, "ok": False,
        "message": "pandas 3.0.0 needs Python >=3.11; the image has Python 3.10.12: pick another version of "
                   "pandas, or a base image with a Python it accepts."}
    body["version"] = "2.2.2"
    _, fits = await fetch_json(jp_fetch, "package-check", method="POST", body=json.dumps(body))
    assert fits["ok"] is True and fits["requires_python"] == ">=3.9"


@pytest.mark.parametrize("body", [{"name": "pandas", "version": "1"}, {"name": "a b", "version": "1", "python": "3.11"},
                                  {"name": "pandas", "version": "1", "python": "3.11", "platform": "../x"}])
async def test_package_check_refuses_bad_input_in_one_line(jp_fetch, body):
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "package-check", method="POST", body=json.dumps(body))
    error = json.loads(caught.value.response.body)
    assert caught.value.code == 400 and "\n" not in error["message"] and error["actions"] == []


async def test_a_build_with_a_picked_version_the_image_refuses_stops_at_once(jp_fetch, manager):  # noqa: F811
    edited = spec()
    edited["python"]["version"] = "3.10.12"
    edited["packages"].append({"name": "pandas", "version": "3.0.0", "reason": "imported", "edited": True,
                               "requires_python": ">=3.8"})
    body = {"path": "hello/hello.ipynb", "options": {"target": "batch"}, "spec": edited}
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", "builds", method="POST", body=json.dumps(body))
    error = json.loads(caught.value.response.body)
    assert caught.value.code == 409 and error["code"] == "release-refused"
    assert error["message"].startswith("pandas 3.0.0 needs Python >=3.11; the image has Python 3.10.12")
    assert manager.list() == []


async def test_a_failed_builds_error_carries_the_fixes_the_panel_applies(jp_fetch, manager, monkeypatch):  # noqa: F811
    from jupyterlab_containerize.pipeline import plan as pipeline

    from .test_rest import wait_finished

    monkeypatch.setattr(pipeline, "newest_fitting", lambda names, python: {"soupsieve": "2.10"})
    edited = spec()
    edited["python"]["version"] = "3.11.7"  # the fake engine's base has 3.11.2
    edited["packages"].append({"name": "soupsieve", "version": "4.1.1", "reason": "imported",
                               "requires_python": ">=3.11.5"})
    body = {"path": "hello/hello.ipynb", "options": {"target": "batch", "base_image": "localhost/base:1"},
            "spec": edited}
    _, started = await fetch_json(jp_fetch, "builds", method="POST", body=json.dumps(body))
    view = await wait_finished(jp_fetch, started["id"])
    error = view["error"]
    assert view["status"] == "failed" and error["code"] == "python-mismatch" and "--" not in error["hint"]
    assert error["actions"] == [
        {"id": "repin", "label": "Re-pin for Python 3.11.2 (soupsieve 2.10)", "options_patch": {"repin": True},
         "cli": "--repin"},
        {"id": "matching-base", "label": "Build on python:3.11.7-slim (the Python the pins ran on)",
         "options_patch": {"base_image": "python:3.11.7-slim"}, "cli": "--base python:3.11.7-slim"},
    ]
