"""Fuzz: a valid notebook's JSON, mutated (any node replaced by a random value, keys deleted, deep nesting,
wrong nbformat, bytes cut or not UTF-8), through static inspection and `jupyter containerize inspect`.

Only typed errors may escape the function; the CLI exits 0 or 2 with no traceback.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any, Iterator, Union

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jupyterlab_containerize.cli import main
from jupyterlab_containerize.errors import ContainerizeError, ProbeFailed
from jupyterlab_containerize.inspect import inspect_notebook, inspection
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec

FUZZ = settings(max_examples=250, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

VALID: dict[str, Any] = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "version": "3.11.2", "codemirror_mode": {"name": "ipython"}},
    },
    "cells": [
        {"cell_type": "markdown", "id": "a1", "metadata": {}, "source": ["# Title\n", "Some text."]},
        {"cell_type": "code", "id": "b2", "execution_count": 1, "metadata": {"tags": ["parameters"]},
         "outputs": [], "source": "rows = 3"},
        {"cell_type": "code", "id": "c3", "execution_count": 2, "metadata": {},
         "outputs": [{"output_type": "stream", "name": "stdout", "text": ["ok\n"]}],
         "source": ["import os\n", "import json\n", "%pip install six\n", "!ls\n", "open('data.csv')"]},
        {"cell_type": "raw", "id": "d4", "metadata": {}, "source": ""},
    ],
}

Json = Union[None, bool, int, float, str, list, dict]
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
WRONG_NBFORMATS = ["4", 4.0, 5, 3, 2, 1, 0, -1, True, None, [4], {"major": 4}, 10**30]
DEEP = "__deep_nesting__"  # replaced in the JSON text: json.dumps itself cannot write 100,000 levels


def paths(node: Json, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths(value, (*prefix, index))


def mutate(nb: dict, path: tuple, op: str, value: Json) -> Json:
    if not path:
        return value if op == "replace" else nb
    parent = nb
    for step in path[:-1]:
        parent = parent[step]
    if op == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return nb


@st.composite
def notebook_texts(draw: st.DrawFn) -> bytes:
    nb: Json = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(1, 3))):
        if not isinstance(nb, dict):
            break
        path = draw(st.sampled_from(list(paths(nb))))
        op = draw(st.sampled_from(["replace", "replace", "delete", "deep", "nbformat"]))
        if op == "nbformat":
            nb["nbformat"] = draw(st.sampled_from(WRONG_NBFORMATS))
        elif op == "deep":
            nb = mutate(nb, path, "replace", DEEP)
        else:
            nb = mutate(nb, path, op, draw(json_values))
    depth = draw(st.sampled_from([10, 990, 5_000, 100_000]))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    text = json.dumps(nb).replace(json.dumps(DEEP), opener * depth + "1" + closer * depth)
    data = text.encode("utf-8")
    damage = draw(st.sampled_from(["none", "none", "none", "cut", "latin1", "bom"]))
    if damage == "cut":
        data = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    elif damage == "latin1":
        data = data.replace(b"Title", b"T\xeftle")
    elif damage == "bom":
        data = b"\xef\xbb\xbf" + data
    return data


@pytest.fixture(autouse=True)
def static_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No interpreter is probed: inspection falls back to the notebook's code, as without a kernel."""

    def no_probe(*args: Any, **kwargs: Any) -> None:
        raise ProbeFailed("no interpreter in the fuzz tests")

    monkeypatch.setattr(inspection, "probe_interpreter", no_probe)
    monkeypatch.setattr(inspection, "default_interpreter", lambda kernel: "/no/such/python")


@FUZZ
@given(data=notebook_texts())
def test_static_inspection_raises_only_typed_errors(tmp_path: Path, data: bytes):
    path = tmp_path / "fuzz.ipynb"
    path.write_bytes(data)
    try:
        spec = inspect_notebook(path, secret_policy=DEFAULT_POLICY)
    except ContainerizeError as err:
        event(" ".join(err.message.split()[1:6]))  # --hypothesis-show-statistics: which errors were reached
        assert err.status == 400 and err.code == "invalid-notebook", err.to_dict()
        assert "\n" not in err.message
    else:
        event("inspected")
        assert isinstance(spec, EnvironmentSpec)
        assert EnvironmentSpec.from_dict(json.loads(spec.to_json())) == spec  # what it answers reads back


@FUZZ
@given(data=notebook_texts())
def test_cli_inspect_exits_0_or_2_without_traceback(tmp_path: Path, data: bytes):
    path = tmp_path / "fuzz.ipynb"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["inspect", str(path), "--json"])
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if code == 2:
        lines = err.getvalue().splitlines()
        assert lines[0].startswith("error: ") and len(lines) == 2 and lines[1].startswith("  what to do: ")
    else:
        assert json.loads(out.getvalue())["spec_version"] == 1


def test_the_unmutated_notebook_inspects(tmp_path: Path):
    path = tmp_path / "valid.ipynb"
    path.write_text(json.dumps(VALID))
    spec = inspect_notebook(path, secret_policy=DEFAULT_POLICY)
    assert spec.source == "static" and spec.notebook.cell_count == 4
    assert {i.module for i in spec.imports} >= {"os", "json"}
