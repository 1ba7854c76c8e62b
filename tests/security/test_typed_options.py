"""The hostile inputs found by hand, one by one: each gets a 400 naming the field, or one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.errors import InvalidNotebook, InvalidRequest, InvalidSpec
from jupyterlab_containerize.inspect.notebook_source import load_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.spec import EnvironmentSpec
from tests.notebooks import notebook, write_notebook

from .rest_setup import BROKEN, HELLO, STATIC, hello_spec, rest_server_fixture  # noqa: F401 (the fixture)


async def error_of(jp_fetch, *parts: str, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as caught:
        await jp_fetch("containerize", *parts, **kwargs)
    return caught.value.code, json.loads(caught.value.response.body)


def build_body(**options: object) -> str:
    return json.dumps({"path": HELLO, "spec": hello_spec(), "options": {"target": "batch", **options}})


@pytest.mark.parametrize("options, field, says", [
    ({"push": "false"}, "options.push", "must be true or false"),
    ({"gpu": 5}, "options.gpu", "must be a string"),
    ({"gpu": "cuda:x"}, "options.gpu", "none, auto, cuda or cuda:X.Y"),
    ({"include": [1]}, "options.include[0]", "must be a string"),
    ({"include": "data"}, "options.include", "must be a list of strings"),
    ({"verify_timeout": "10"}, "options.verify_timeout", "must be a whole number"),
    ({"verify_timeout": True}, "options.verify_timeout", "must be a whole number"),
    ({"verify_timeout": 0}, "options.verify_timeout", "from 1 to 3600"),
    ({"target": "server"}, "options.target", "one of notebook, batch, serve"),
    ({"no_cache": None}, "options.no_cache", "must be true or false"),
])
async def test_build_options_are_typed(jp_fetch, rest_server, options, field, says):
    status, error = await error_of(jp_fetch, "builds", method="POST", body=build_body(**options))
    assert status == 400 and error["code"] == "invalid-request"
    assert f"'{field}'" in error["message"] and says in error["message"]
    assert not rest_server.list()  # nothing was started


@pytest.mark.parametrize("body, field, says", [
    ({"path": STATIC, "timeout": "10"}, "timeout", "must be a number"),
    ({"path": STATIC, "timeout": 10**6}, "timeout", "between 0.5 and"),
    ({"path": STATIC, "kernel_id": 5}, "kernel_id", "must be a string"),
    ({"path": 5}, "path", "must be a string"),
    ({}, "path", "is missing"),
    ({"path": STATIC, "pth": "x"}, "pth", "Unknown field"),
])
async def test_inspect_body_is_typed(jp_fetch, rest_server, body, field, says):
    status, error = await error_of(jp_fetch, "inspect", method="POST", body=json.dumps(body))
    assert status == 400 and error["code"] == "invalid-request"
    assert field in error["message"] and says in error["message"]


@pytest.mark.parametrize("body, field", [
    ({"path": STATIC, "force": "yes"}, "'force'"),
    ({"path": STATIC, "dry_run": 1}, "'dry_run'"),
    ({"path": STATIC, "provider": "sourceforge"}, "'provider'"),
    ({"path": STATIC, "remote": ["origin"]}, "'remote'"),
])
async def test_binder_body_is_typed(jp_fetch, rest_server, body, field):
    status, error = await error_of(jp_fetch, "binder", method="POST", body=json.dumps(body))
    assert status == 400 and error["code"] == "invalid-request" and field in error["message"]


async def test_spec_of_the_wrong_shape_names_the_field(jp_fetch, rest_server):
    spec = hello_spec()
    spec["packages"][0]["version"] = 3
    body = json.dumps({"path": HELLO, "spec": spec, "options": {"target": "batch"}})
    status, error = await error_of(jp_fetch, "builds", method="POST", body=body)
    assert status == 400 and error["code"] == "invalid-spec"
    assert "'spec.packages[0].version' must be a string or null" in error["message"]


@pytest.mark.parametrize("since", ["abc", "-1", "1.5", "1e3", "٣"])
async def test_since_must_be_a_whole_number(jp_fetch, rest_server, since):
    started = await jp_fetch("containerize", "builds", method="POST", body=build_body())
    build_id = json.loads(started.body)["id"]
    status, error = await error_of(jp_fetch, "builds", build_id, params={"since": since})
    assert status == 400 and error["code"] == "invalid-request" and "'since'" in error["message"]


@pytest.mark.parametrize("raw, says", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{nope", "not JSON"),
    (b'{"path": NaN}', "not JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"path": ' + b"9" * 5000 + b"}", "too many digits"),
])
async def test_bodies_that_are_not_json_objects(jp_fetch, rest_server, raw, says):
    for endpoint in ("inspect", "builds", "binder"):
        status, error = await error_of(jp_fetch, endpoint, method="POST", body=raw)
        assert status == 400 and error["code"] == "invalid-request" and says in error["message"]


async def test_a_notebook_with_a_string_nbformat_is_a_400(jp_fetch, rest_server):
    status, error = await error_of(jp_fetch, "inspect", method="POST", body=json.dumps({"path": BROKEN}))
    assert status == 400 and error["code"] == "invalid-notebook" and '"nbformat": \'4\'' in error["message"]
    body = json.dumps({"path": BROKEN, "spec": hello_spec(), "options": {"target": "batch"}})
    status, error = await error_of(jp_fetch, "builds", method="POST", body=body)
    assert status == 400 and error["code"] == "invalid-notebook"


def test_from_dict_checks_types_strictly():
    with pytest.raises(InvalidRequest, match=r"'options.push' must be true or false, not 'false'"):
        BuildOptions.from_dict({"push": "false"})
    with pytest.raises(InvalidRequest, match=r"'options' must be a JSON object"):
        BuildOptions.from_dict([])
    assert BuildOptions.from_dict(None) == BuildOptions()
    assert BuildOptions.from_dict({"verify_timeout": 30, "include": ["a"]}).verify_timeout == 30
    for wrong in ([], {"packages": {}}, {"packages": [{"name": "x"}]}, {"env": {"A": 1}},
                  {"gpu": {"devices": [{"name": 1}]}}, {"spec_version": "1"}, {"notebook": None}):
        with pytest.raises(InvalidSpec):
            EnvironmentSpec.from_dict(wrong)
    assert EnvironmentSpec.from_dict({"newer_field": 1}).spec_version == 1  # newer versions' fields ignored


@pytest.mark.parametrize("nbformat, says", [
    ("4", "must be a whole number"), (5, "reads nbformat 4"), (0, "reads nbformat 4"), (True, "whole number")])
def test_nbformat_must_be_a_supported_whole_number(tmp_path: Path, nbformat, says):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({**notebook("x = 1"), "nbformat": nbformat}))
    with pytest.raises(InvalidNotebook, match=says):
        load_notebook(path)


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "soon"])
def test_cli_timeout_must_be_positive_and_finite(tmp_path: Path, capsys, value):
    nb = write_notebook(tmp_path / "nb.ipynb", "x = 1")
    code, err = run_cli(capsys, "inspect", str(nb), "--timeout", value)
    assert code == 2 and "argument --timeout" in err and "Traceback" not in err


def test_cli_spec_missing_or_invalid(tmp_path: Path, capsys):
    nb = write_notebook(tmp_path / "nb.ipynb", "x = 1")
    context = str(tmp_path / "context")
    (tmp_path / "notjson.json").write_text("{nope")
    (tmp_path / "wrong.json").write_text(json.dumps({"packages": [{"name": 1, "version": None}]}))
    (tmp_path / "folder.json").mkdir()
    cases = {"missing.json": "No spec file", "notjson.json": "is not JSON",
             "wrong.json": "'spec.packages[0].name' must be a string", "folder.json": "cannot be read"}
    for name, says in cases.items():
        for command in (["build", str(nb), "--context-only", context], ["binder", str(nb), "--dry-run"]):
            code, err = run_cli(capsys, *command, "--spec", str(tmp_path / name))
            assert code == 2 and says in err and "Traceback" not in err
            assert err.startswith("error: ") and err.count("\n") == 2  # the error and what to do


def test_cli_notebook_with_string_nbformat(tmp_path: Path, capsys):
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps({**notebook("x = 1"), "nbformat": "4"}))
    code, err = run_cli(capsys, "inspect", str(path), "--python", "/no/such/python")
    assert code == 2 and "must be a whole number" in err and "Traceback" not in err


def test_cli_internal_error_is_one_line_unless_debug(tmp_path: Path, capsys, monkeypatch):
    from jupyterlab_containerize.cli import inspect_cmd

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug\nover two lines")

    monkeypatch.setattr(inspect_cmd, "inspect_notebook", bug)
    nb = str(write_notebook(tmp_path / "nb.ipynb", "x = 1"))
    code, err = run_cli(capsys, "inspect", nb)
    assert code == 1 and err.startswith("internal error: ZeroDivisionError: a bug over two lines; please report")
    assert err.count("\n") == 1
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "inspect", nb])


async def test_tornado_errors_answer_code_and_message_too(jp_fetch, rest_server):
    status, error = await error_of(jp_fetch, "inspect", method="PUT", body="{}")
    assert status == 405 and error["code"] == "method-not-allowed" and error["message"]
