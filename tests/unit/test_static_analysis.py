import json
import shutil
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import InvalidNotebook, NotebookNotFound
from jupyterlab_containerize.inspect.notebook_source import load_notebook
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from tests.notebooks import notebook

FIXTURE = Path(__file__).parents[1] / "fixtures" / "inspect_project"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "project")
    return tmp_path / "project"


def test_fixture_notebook(project: Path):
    found = analyze_notebook(load_notebook(project / "analysis.ipynb"), project, DEFAULT_POLICY)
    assert {"six", "attr", "tabulate", "helpers", "mypkg.sub", "os", "json", "importlib"} <= set(found.code.imports)
    assert found.local_modules == {"helpers": "helpers.py", "mypkg": "mypkg"}
    # os.path.join("data", name) names the folder: it carries data/table.csv and the run-time file
    assert found.files == {"data"}
    syntax = [p for p in found.problems if p.kind == "syntax-error"]
    assert [p.cell for p in syntax] == [4]
    assert any(p.kind == "secret-file" and ".env" in p.message for p in found.problems)
    assert {c.tool for c in found.code.install_commands} == {"pip", "apt"}
    # helpers.py imports tabulate: local modules are followed
    assert "helpers.py" in found.code.imports["tabulate"].sources


def test_local_package_on_sys_path_addition(tmp_path: Path):
    (tmp_path / "src" / "lib").mkdir(parents=True)
    (tmp_path / "src" / "lib" / "__init__.py").write_text("import yaml\n")
    nb = notebook("import sys\nsys.path.insert(0, 'src')\nimport lib")
    found = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    assert found.local_modules == {"lib": "src/lib"}
    assert "yaml" in found.code.imports


def test_glob_and_directory_literals(tmp_path: Path):
    (tmp_path / "data").mkdir()
    for name in ("a.csv", "b.csv", "c.txt"):
        (tmp_path / "data" / name).write_text("x")
    (tmp_path / "outside.csv").write_text("x")
    nb = notebook(
        "files = glob.glob('data/*.csv')\nother = '../etc/passwd'\nabs_ = '/etc/hostname'\nurl = 'https://x/a.csv'"
    )
    found = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    assert found.files == {"data/a.csv", "data/b.csv"}


def test_symlink_out_of_the_folder_is_not_followed(tmp_path: Path):
    (tmp_path / "nb").mkdir()
    (tmp_path / "secret.txt").write_text("x")
    (tmp_path / "nb" / "link.txt").symlink_to(tmp_path / "secret.txt")
    nb = notebook("open('link.txt')")
    assert analyze_notebook(nb, tmp_path / "nb", DEFAULT_POLICY).files == set()


def test_writefile_module_is_local(tmp_path: Path):
    nb = notebook("%%writefile made.py\nimport polars\n", "import made")
    found = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    assert found.local_modules["made"] == "made.py"
    assert "polars" in found.code.imports


def test_broken_notebook_files(tmp_path: Path):
    with pytest.raises(NotebookNotFound):
        load_notebook(tmp_path / "missing.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("{not json")
    with pytest.raises(InvalidNotebook) as err:
        load_notebook(bad)
    assert "not a valid notebook" in err.value.message
    bad.write_text(json.dumps({"metadata": {}}))
    with pytest.raises(InvalidNotebook):
        load_notebook(bad)


def test_old_nbformat_is_converted(tmp_path: Path):
    v3 = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": "import requests",
                        "language": "python",
                        "outputs": [],
                        "metadata": {},
                    }
                ]
            }
        ],
    }
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(v3))
    found = analyze_notebook(load_notebook(path), tmp_path, DEFAULT_POLICY)
    assert "requests" in found.code.imports


@pytest.mark.parametrize(
    "name,secret",
    [
        (".env", True),
        ("config/.env.local", True),
        ("keys/server.pem", True),
        (".ssh/id_rsa", True),
        (".git/config", True),
        ("data/x.csv", False),
    ],
)
def test_secret_names(name: str, secret: bool):
    assert DEFAULT_POLICY.is_secret(name) is secret


def test_paths_built_at_run_time_become_globs(tmp_path: Path):
    (tmp_path / "data").mkdir()
    for name in ("part0.csv", "part1.csv", "other.txt"):
        (tmp_path / "data" / name).write_text("x")
    (tmp_path / "names").mkdir()
    (tmp_path / "names" / "yob1880.txt").write_text("x")
    (tmp_path / "out_01.json").write_text("x")
    nb = notebook(
        "import pandas as pd\nfor i in range(2):\n    pd.read_csv(f'data/part{i}.csv')",
        "open('names/yob%d.txt' % 1880)",
        "open('out_{:02d}.json'.format(1))",
        "x = f'{name}'",  # a bare placeholder names nothing
    )
    found = analyze_notebook(nb, tmp_path, DEFAULT_POLICY)
    assert found.files == {"data/part0.csv", "data/part1.csv", "names/yob1880.txt", "out_01.json"}


def test_files_named_in_shell_lines(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "inventory.txt").write_text("x")
    (tmp_path / "script.sh").write_text("echo hi")
    nb = notebook("!wc -l data/inventory.txt", "%%bash\nbash script.sh > out.log\n")
    assert analyze_notebook(nb, tmp_path, DEFAULT_POLICY).files == {"data/inventory.txt", "script.sh"}


def test_run_of_another_notebook(tmp_path: Path):
    (tmp_path / "config.ipynb").write_text(json.dumps(notebook("import yaml\nTOP_N = 3")))
    found = analyze_notebook(notebook("%run ./config.ipynb\nprint(TOP_N)"), tmp_path, DEFAULT_POLICY)
    assert "config.ipynb" in found.files and "yaml" in found.code.imports
