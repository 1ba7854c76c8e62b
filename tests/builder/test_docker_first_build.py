"""A first build from the defaults, on the real engine, from a kernel environment with an installed but
unused extra (pandas + openpyxl, the notebook imports pandas only) and a CSV left by its last run."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.inspect import inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from tests.notebooks import notebook

from .conftest import TEST_BASE, make_venv

pytestmark = [pytest.mark.docker, pytest.mark.integration]
TAG = "localhost/h18-firstbuild/pandas-extras:test"


def test_first_build_from_the_defaults_installs_what_the_notebook_uses(docker_engine, tmp_path: Path):
    python = make_venv(["pandas==2.2.2", "numpy==1.26.4", "openpyxl==3.1.2"])
    folder = tmp_path / "analysis"
    folder.mkdir()
    (folder / "sales.csv").write_text("region,amount\nnorth,3\nsouth,5\nnorth,4\n")
    (folder / "summary.csv").write_text("left over from the last run\n")
    nb = folder / "analysis.ipynb"
    nb.write_text(json.dumps(notebook(
        "import pandas as pd\ndf = pd.read_csv('sales.csv')",
        "summary = df.groupby('region').amount.sum()\nsummary.to_csv('summary.csv')\nprint(summary.to_dict())",
    )))
    spec = inspect_notebook(nb, python=str(python), secret_policy=DEFAULT_POLICY)
    names = {p.name.lower().replace("_", "-") for p in spec.packages}
    assert {"pandas", "numpy"} <= names and not names & {"openpyxl", "et-xmlfile"}
    assert [s.name for s in spec.suggestions] == ["openpyxl"]
    assert spec.files == ["sales.csv"]  # summary.csv is what it writes

    events: list[tuple] = []
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=TAG, verify=True)
    try:
        result = run_pipeline(BuildRequest(nb, options, spec), docker_engine, lambda *a, **k: events.append(a),
                              threading.Event(), tmp_path / "work").to_dict()
        assert result["verify"]["passed"] is True
        probe = docker_engine.run(TAG, ["-c", "import importlib.util as u; print(u.find_spec('openpyxl') is None, "
                                              "u.find_spec('pandas') is not None)"],
                                  entrypoint=["/opt/venv/bin/python"], network=False, timeout=60)
        assert probe.exit_code == 0 and probe.logs.strip().splitlines()[-1] == "True True"
    finally:
        try:
            docker_engine.client.api.remove_image(TAG)
        except Exception:  # noqa: BLE001 - the build may have failed before tagging
            pass
