"""The CLI against real virtual environments: exact pins, local modules, data files, --execute."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.notebooks import notebook

pytestmark = pytest.mark.integration


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "jupyterlab_containerize", *args], capture_output=True, text=True, cwd=cwd,
        timeout=300, env=env,
    )


def inspect_json(*args: str, env: dict[str, str] | None = None) -> dict:
    done = cli("inspect", *args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_exact_pins_from_the_environment(project: Path, fixture_env_python: Path):
    spec = inspect_json(str(project / "analysis.ipynb"), "--python", str(fixture_env_python))
    assert spec["spec_version"] == 1 and spec["source"] == "interpreter"
    assert spec["python"]["version"].startswith("3.")
    pins = {p["name"]: p["version"] for p in spec["packages"]}
    assert pins == {"six": "1.16.0", "attrs": "23.2.0", "tabulate": "0.9.0"}
    # wcwidth: tabulate's `widechars` extra, installed in the kernel's env (for ipykernel), never imported
    assert [s["name"] for s in spec["suggestions"]] == ["wcwidth"]
    assert "an extra of tabulate ('widechars')" in spec["suggestions"][0]["reason"]
    kinds = {i["module"]: (i["kind"], i["distribution"]) for i in spec["imports"]}
    assert kinds["os"] == ("stdlib", None) and kinds["json"] == ("stdlib", None)
    assert kinds["attr"] == ("package", "attrs")
    assert kinds["helpers"][0] == "local" and kinds["mypkg.sub"][0] == "local"
    assert kinds["skimage"][0] == "unresolved" and kinds["not_a_real_module_xyz"][0] == "unresolved"
    assert not any(p["name"].lower() in ("skimage", "scikit-image") for p in spec["packages"])
    assert [m["module"] for m in spec["local_modules"]] == ["helpers", "mypkg"]
    assert spec["files"] == ["data"]
    assert ".env" not in json.dumps(spec["files"])
    assert [p["cell"] for p in spec["problems"] if p["kind"] == "syntax-error"] == [4]
    assert spec["apt_packages"] == ["libgomp1"]
    assert "ipykernel" in {p["name"] for p in spec["frontend_packages"]}
    assert "gpu" in spec and spec["gpu"]["frameworks"] == []


def test_execute_catches_run_time_imports_and_files(project: Path, fixture_env_python: Path):
    nb = project / "analysis.ipynb"
    before = nb.read_bytes()
    env = with_install_stubs(project.parent / "stubs")
    spec = inspect_json(str(nb), "--python", str(fixture_env_python), "--execute", env=env)
    assert spec["source"] == "kernel"
    assert (project.parent / "stubs" / "ran").read_text().split("\n")[:2] == [
        "pip install -q six==1.16.0", "apt-get install -y libgomp1"]  # the cells ran, on the stubs
    idna = [i for i in spec["imports"] if i["module"] == "idna"]
    assert idna and idna[0]["runtime"] is True
    assert {p["name"]: p["version"] for p in spec["packages"]}["idna"] == "3.7"
    # data/ is named statically; the run-time file inside it is covered by it
    assert spec["files"] == ["data"]
    assert any(p["kind"] == "cell-error" and p["cell"] == 4 for p in spec["problems"])  # the syntax-error cell
    assert nb.read_bytes() == before  # the notebook on disk is untouched


def with_install_stubs(folder: Path) -> dict[str, str]:
    """The environment for an --execute of the fixture, whose `!pip install` and `!apt-get install` cells
    would otherwise change this machine: install into whichever venv is first on PATH, and as root install
    a Debian package (where needrestart is installed, its prompt then holds the cell until its timeout).
    Stubs first on PATH take those commands and note them in `ran`."""
    folder.mkdir()
    for name in ("pip", "apt-get"):
        stub = folder / name
        stub.write_text(f'#!/bin/sh\necho "{name} $*" >> "{folder}/ran"\n')
        stub.chmod(0o755)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_execute_finds_files_built_at_run_time(tmp_path: Path, fixture_env_python: Path):
    (tmp_path / "names").mkdir()
    for year in (1880, 1881):
        (tmp_path / "names" / f"yob{year}.txt").write_text("Mary,F,7065\n")
    (tmp_path / "unused.txt").write_text("not read")
    nb = notebook(
        "import os\nbase = os.sep.join(['na' + 'mes'])\nfor year in (1880, 1881):\n"
        "    open(os.path.join(base, 'yob%d.txt' % year)).read()\n"
        "open('out.txt', 'w').write('x')\nopen('out.txt').read()"
    )
    (tmp_path / "names.ipynb").write_text(json.dumps(nb))
    static = inspect_json(str(tmp_path / "names.ipynb"), "--python", str(fixture_env_python))
    assert static["files"] == []
    spec = inspect_json(str(tmp_path / "names.ipynb"), "--python", str(fixture_env_python), "--execute")
    assert spec["files"] == ["names/yob1880.txt", "names/yob1881.txt"]  # out.txt was written by the notebook


def test_old_pandas_keeps_its_numpy(tmp_path: Path, old_pandas_python: Path):
    nb = notebook("import pandas as pd")
    (tmp_path / "old.ipynb").write_text(json.dumps(nb))
    spec = inspect_json(str(tmp_path / "old.ipynb"), "--python", str(old_pandas_python))
    pins = {p["name"]: p["version"] for p in spec["packages"]}
    assert pins["pandas"] == "1.5.3" and pins["numpy"] == "1.26.4"
    numpy = next(p for p in spec["packages"] if p["name"] == "numpy")
    assert numpy["reason"] == "dependency" and numpy["required_by"] == ["pandas"]


def test_table_output(project: Path, fixture_env_python: Path):
    done = cli("inspect", str(project / "analysis.ipynb"), "--python", str(fixture_env_python))
    assert done.returncode == 0, done.stderr
    assert "six" in done.stdout and "1.16.0" in done.stdout and "Local modules" in done.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["missing.ipynb"], "No notebook"),
        (["analysis.ipynb", "--python", "/nonexistent/python"], "No Python interpreter"),
    ],
)
def test_clear_errors(project: Path, args: list[str], message: str):
    done = cli("inspect", *args, cwd=project)
    assert done.returncode == 2
    assert message in done.stderr and "what to do" in done.stderr


def test_execute_without_ipykernel_says_what_to_do(project: Path, old_pandas_python: Path):
    done = cli("inspect", str(project / "analysis.ipynb"), "--python", str(old_pandas_python), "--execute")
    assert done.returncode == 2 and "ipykernel" in done.stderr


def test_an_installed_but_unused_extra_is_only_suggested(tmp_path: Path):
    """pandas + openpyxl installed, the notebook imports pandas alone: openpyxl (pandas' `excel` extra)
    and what only it needs (et-xmlfile) stay out of the lock; openpyxl is offered with the reason."""
    from tests.integration.conftest import make_venv

    python = make_venv(["pandas==2.2.2", "numpy==1.26.4", "openpyxl==3.1.2"])  # pandas 2 names its extras
    nb = tmp_path / "uses_pandas.ipynb"
    nb.write_text(json.dumps(notebook("import pandas as pd\ndf = pd.DataFrame({'a': [1, 2]})\ndf.describe()")))
    spec = inspect_json(str(nb), "--python", str(python))
    names = {p["name"].lower().replace("_", "-") for p in spec["packages"]}
    assert "pandas" in names and "numpy" in names
    assert not names & {"openpyxl", "et-xmlfile"}
    assert [(s["name"], s["version"]) for s in spec["suggestions"]] == [("openpyxl", "3.1.2")]
    assert spec["suggestions"][0]["reason"] == (
        "an extra of pandas ('excel'), installed in the kernel's environment; the notebook never imports it")
    locked = inspect_json(str(nb), "--python", str(python), "--with-extras")
    assert {"openpyxl", "et-xmlfile"} <= {p["name"].lower().replace("_", "-") for p in locked["packages"]}
    assert locked["suggestions"] == []
