"""build --repair on the real engine: a notebook written for pandas 1 (DataFrame.append), pinned from
its code alone as of a date after pandas 2 removed append, is repaired by stepping pandas back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main

from .conftest import TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]

APPEND_CELL = ("import pandas as pd\ndf = pd.DataFrame({'a': [1]})\n"
               "df = df.append({'a': 2}, ignore_index=True)\nprint(len(df))")


def saved_notebook(path: Path) -> Path:
    cell = {"cell_type": "code", "execution_count": 1, "id": "c1", "metadata": {}, "source": APPEND_CELL,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "2\n"}]}
    nb = {"cells": [cell], "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "gone-env", "display_name": "Python 3", "language": "python"},
                       "language_info": {"name": "python", "version": "3.11.2"}}}
    path.write_text(json.dumps(nb, indent=1))
    return path


def test_repair_steps_pandas_back_until_the_notebook_runs_as_saved(docker_engine, tmp_path: Path, capsys):
    notebook = saved_notebook(tmp_path / "lesson.ipynb")
    code = main(["build", str(notebook), "--static", "--as-of", "2024-06-01", "--base", TEST_BASE,
                 "--tag", "localhost/containerize-test/repair:latest", "--repair", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    result = json.loads(out)
    [change] = result["repairs"]
    assert change["package"] == "pandas" and change["change"] == "stepped back"
    assert change["before"].startswith("2.") and change["after"].startswith("1.")
    assert "AttributeError" in change["why"]
    assert result["verify"]["passed"] is True
    repaired = json.loads(Path(result["repaired_spec_file"]).read_text())
    assert next(p for p in repaired["packages"] if p["name"] == "pandas")["version"] == change["after"]
