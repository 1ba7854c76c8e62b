"""Unit tests of the serving runtime's pure parts: plan, parameters, OpenAPI, metrics, bundle."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.serve import kernel_code
from jupyterlab_containerize.serve.bundle import PACKAGE, RUNTIME_MODULES, write_runtime
from jupyterlab_containerize.serve.config import load_config, parse_args
from jupyterlab_containerize.serve.errors import BadRequest
from jupyterlab_containerize.serve.metrics import Metrics
from jupyterlab_containerize.serve.notebook import load_plan, parse_parameters
from jupyterlab_containerize.serve.openapi import openapi_document
from jupyterlab_containerize.serve.params import check_parameters, parse_body
from jupyterlab_containerize.serve.worker import kernel_environment, setup_sequence

FIXTURES = Path(__file__).parent / "fixtures"
ALLOWED_IMPORTS = {"tornado", "jupyter_client", "nbformat", "__future__"} | set(sys.stdlib_module_names)


def test_plan_splits_at_the_parameters_cell() -> None:
    plan = load_plan(FIXTURES / "basic.ipynb")
    assert [c.index for c in plan.setup] == [1]
    assert plan.parameters_cell is not None and plan.parameters_cell.index == 2
    assert [c.index for c in plan.per_request] == [3, 4, 5, 7]  # 6 is skip-execution
    assert [c.index for c in plan.per_request if c.output] == [5]
    assert [c.index for c in setup_sequence(plan)] == [1, 2]


def test_setup_tag_after_parameters_runs_at_start(tmp_path: Path) -> None:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [new_code_cell("a = 1"), new_code_cell("p = 2"), new_code_cell("model = a"),
             new_code_cell("result = p")]
    cells[1].metadata["tags"] = ["parameters"]
    cells[2].metadata["tags"] = ["setup"]
    nbformat.write(new_notebook(cells=cells), tmp_path / "nb.ipynb")
    plan = load_plan(tmp_path / "nb.ipynb")
    assert [c.index for c in setup_sequence(plan)] == [0, 1, 2]
    assert [c.index for c in plan.per_request] == [3]


def test_without_parameters_everything_runs_per_request() -> None:
    plan = load_plan(FIXTURES / "plain.ipynb")
    assert plan.parameters_cell is None and plan.setup == []
    assert [c.index for c in plan.per_request] == [0, 1]


def test_parameter_types_come_from_literals() -> None:
    params = {p.name: p for p in parse_parameters(
        "n = 3\nrate: float = 0.5\nname = 'a'\non = True\nxs = (1, 2)\nd = {}\nz = None\nexpr = n * 2\n"
        "a, b = 1, 2\n")}
    assert {k: p.json_type for k, p in params.items()} == {
        "n": "integer", "rate": "number", "name": "string", "on": "boolean", "xs": "array",
        "d": "object", "z": None, "expr": None}
    assert params["xs"].default == [1, 2] and params["z"].nullable
    assert not params["expr"].has_default
    assert parse_parameters("this is not python") == []


@pytest.mark.parametrize("body, message", [
    (b"{", "not valid JSON"), (b"[1]", "JSON object"), (b'{"x": NaN}', "not a JSON number"),
    (b'{"nope": 1}', "Unknown parameter(s): nope"), (b'{"x": "1"}', "x must be of type integer"),
    (b'{"scale": true}', "scale must be of type number"), (b'{"flag": 1}', "flag must be of type boolean"),
])
def test_bad_bodies_are_refused(body: bytes, message: str) -> None:
    plan = load_plan(FIXTURES / "basic.ipynb")
    with pytest.raises(BadRequest) as info:
        check_parameters(plan, parse_body(body))
    assert message in info.value.message


def test_good_bodies_pass() -> None:
    plan = load_plan(FIXTURES / "basic.ipynb")
    assert parse_body(b"  ") == {}
    values = {"x": 2, "scale": 3, "maybe": {"any": "thing"}, "items": [], "computed": "anything"}
    assert check_parameters(plan, parse_body(json.dumps(values).encode())) == values


def test_prelude_never_turns_values_into_code() -> None:
    evil = {"name": "'); import os; os.system('x'); ('"}
    code = kernel_code.prelude("name = 'a'", evil)
    tree = ast.parse(code)
    assert len(tree.body) == 3  # reset(), the defaults, apply("...") with one string constant
    call = tree.body[2].value
    assert isinstance(call, ast.Call) and isinstance(call.args[0], ast.Constant)
    assert json.loads(call.args[0].value) == evil


def test_result_from_expressions() -> None:
    ok = {"result": {"status": "ok", "data": {"application/json": {"defined": True, "value": [1]}}}}
    assert kernel_code.result_from_expressions(ok) == (True, [1])
    plain = {"result": {"status": "ok", "data": {"text/plain": '{"defined": false}'}}}
    assert kernel_code.result_from_expressions(plain) == (False, None)


def test_openapi_describes_the_parameters() -> None:
    plan = load_plan(FIXTURES / "basic.ipynb")
    doc = openapi_document(plan, "basic", auth=True)
    schema = doc["components"]["schemas"]["Parameters"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["x"] == {"type": "integer", "default": 1}
    assert schema["properties"]["maybe"] == {"nullable": True, "default": None}
    assert schema["properties"]["computed"] == {}
    assert doc["paths"]["/run"]["post"]["security"] == [{"bearer": []}]
    assert set(doc["paths"]["/run"]["post"]["responses"]) >= {"200", "400", "401", "413", "500", "503", "504"}


def test_metrics_text() -> None:
    metrics = Metrics()
    metrics.observe(200, 0.004)
    metrics.observe(504, 3.0, "timeout")
    text = metrics.render({"idle": 1, "busy": 1}, 2, 1)
    assert 'containerize_serve_requests_total{code="504"} 1' in text
    assert 'containerize_serve_errors_total{kind="timeout"} 1' in text
    assert 'containerize_serve_request_duration_seconds_bucket{le="0.005"} 1' in text
    assert 'containerize_serve_request_duration_seconds_bucket{le="+Inf"} 2' in text
    assert 'containerize_serve_kernels{state="busy"} 1' in text
    assert "containerize_serve_queue_waiting 2" in text


def test_config_from_env_and_flags() -> None:
    args = parse_args(["nb.ipynb", "--port", "9000", "--pool-size", "3"])
    env = {"CONTAINERIZE_POOL_SIZE": "2", "CONTAINERIZE_TIMEOUT": "2.5", "CONTAINERIZE_TOKEN": "t",
           "CONTAINERIZE_DEBUG": "1", "CONTAINERIZE_QUEUE_SIZE": "0"}
    config = load_config(args, env)
    assert (config.port, config.pool_size, config.timeout_s, config.token, config.debug,
            config.queue_size) == (9000, 3, 2.5, "t", True, 0)
    with pytest.raises(SystemExit):
        load_config(parse_args(["nb.ipynb"]), {"CONTAINERIZE_POOL_SIZE": "many"})


def test_kernel_never_sees_the_token() -> None:
    assert kernel_environment({"CONTAINERIZE_TOKEN": "s", "PATH": "/bin"}) == {"PATH": "/bin"}


def test_bundle_is_self_contained(tmp_path: Path) -> None:
    """The image's venv has no jupyterlab_containerize: the runtime may import only its deps."""
    files = write_runtime(tmp_path / "serve")
    assert (tmp_path / "serve" / "__main__.py") in files
    for name in RUNTIME_MODULES:
        tree = ast.parse((tmp_path / "serve" / PACKAGE / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: must stay inside the package
                    assert node.level == 1, f"{name} imports outside the runtime"
                    continue
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= ALLOWED_IMPORTS, f"{name} imports {roots - ALLOWED_IMPORTS}"
    shipped = {p.name for p in (Path(__file__).parents[2] / "jupyterlab_containerize" / "serve").glob("*.py")}
    assert shipped - set(RUNTIME_MODULES) == {"bundle.py"}, "a new module must be listed in the bundle"


def test_outputs_are_nbformat_shaped() -> None:
    from jupyterlab_containerize.serve.worker import add_output

    outputs: list = []
    add_output(outputs, "stream", {"name": "stdout", "text": "a"})
    add_output(outputs, "stream", {"name": "stdout", "text": "b"})
    add_output(outputs, "display_data", {"data": {"image/png": "iVBOR"}, "metadata": {}})
    assert outputs == [{"output_type": "stream", "name": "stdout", "text": "ab"},
                       {"output_type": "display_data", "data": {"image/png": "iVBOR"}, "metadata": {}}]
    add_output(outputs, "clear_output", {"wait": False})
    add_output(outputs, "status", {"execution_state": "busy"})
    assert outputs == []


def test_a_null_kernelspec_is_no_kernel_name(tmp_path):
    """Written by some tools; the batch build reads its parameters from plain JSON (deploy/batch.py)."""
    from jupyterlab_containerize.deploy.batch import notebook_parameters

    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": None}, "cells": [
        {"cell_type": "code", "id": "p", "metadata": {"tags": ["parameters"]}, "source": ["x = 1\n", "y = 'a'"],
         "outputs": [], "execution_count": None}]}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    assert load_plan(tmp_path / "nb.ipynb").kernel_name is None
    assert notebook_parameters(tmp_path / "nb.ipynb") == {"x": 1, "y": "a"}
