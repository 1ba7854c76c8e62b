"""A notebook that compiles at run time (%%cython), built from its code alone on the Debian-python test
base (no Python.h there: the image gets python3-dev) and verified: the cell compiles and runs as saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main

from .conftest import TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]

CELLS = [("%load_ext Cython", []),
         ("%%cython\ncdef int square(int x):\n    return x * x\ndef total(int n):\n"
          "    cdef int i, s = 0\n    for i in range(n):\n        s += square(i)\n    return s", []),
         ("print(total(10))", [{"output_type": "stream", "name": "stdout", "text": "285\n"}])]


def saved_notebook(path: Path) -> Path:
    cells = [{"cell_type": "code", "execution_count": i + 1, "id": f"c{i}", "metadata": {}, "source": source,
              "outputs": outputs} for i, (source, outputs) in enumerate(CELLS)]
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "gone-env", "display_name": "Python 3", "language": "python"},
                       "language_info": {"name": "python", "version": "3.6.8"}}}
    path.write_text(json.dumps(nb, indent=1))
    return path


def test_a_cython_notebook_compiles_in_its_image(docker_engine, tmp_path: Path, capsys):
    notebook = saved_notebook(tmp_path / "cy.ipynb")
    code = main(["build", str(notebook), "--static", "--as-of", "2019-03-01", "--base", TEST_BASE,
                 "--tag", "localhost/containerize-test/h20-cython:latest", "--verify", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    result = json.loads(out)
    assert result["verify"]["passed"] is True
    assert [c["status"] for c in result["verify"]["cells"]] == ["passed"] * 3
    assert result["verify"]["cells"][2]["output_match"] is True  # 285, computed by the compiled code
