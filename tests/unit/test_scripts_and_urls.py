"""Static analysis: scripts a notebook runs, files named inside URLs, programs it starts; and the
lock's optional marking of installed extras."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
from jupyterlab_containerize.inspect.static_analysis import analyze_notebook, url_path
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import NotebookInfo
from tests.notebooks import notebook

from .fake_probe import dist, probe


def scripts_project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "report.py").write_text("import tabulate\nfrom fmt import cell\nopen('data/sales.csv')\n")
    (tmp_path / "scripts" / "fmt.py").write_text("import wcwidth\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "clean.py").write_text("import yaml\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sales.csv").write_text("a\n")
    return tmp_path


@pytest.mark.parametrize("cell", [
    'import subprocess, sys\nsubprocess.run([sys.executable, "scripts/report.py"], check=True)',
    'import subprocess\nsubprocess.check_output(["python3", "-u", "scripts/report.py", "--week", "3"])',
    "!python scripts/report.py > report.txt",
    'import os\nos.system("cd . && python scripts/report.py")',
])
def test_scripts_run_as_a_subprocess_are_analysed_and_copied(tmp_path: Path, cell: str):
    found = analyze_notebook(notebook(cell), scripts_project(tmp_path), DEFAULT_POLICY)
    assert {"tabulate", "wcwidth"} <= set(found.code.imports)
    assert found.local_modules["fmt"] == "scripts/fmt.py"
    assert {"scripts/report.py", "data/sales.csv"} <= found.files  # the script's own literals count too


def test_python_m_and_c_are_imports(tmp_path: Path):
    found = analyze_notebook(notebook(
        'import subprocess, sys\nsubprocess.run([sys.executable, "-m", "mytool.cli"])\n'
        'subprocess.run([sys.executable, "-m", "pip", "install", "x"])\n'
        '!python -c "import yaml; print(1)"'), tmp_path, DEFAULT_POLICY)
    assert {"mytool.cli", "yaml"} <= set(found.code.imports) and "pip" not in found.code.imports


def test_programs_named_by_the_code(tmp_path: Path):
    found = analyze_notebook(notebook(
        "!dot -Tpng g.dot -o g.png\n!pip install graphviz",
        'import subprocess, os\nsubprocess.run(["tesseract", "page.png", "out"])\nos.system("ffmpeg -i a.mp4 a.gif")',
        "%%bash\nconvert in.png out.jpg\n./local.sh",
        'run("not a command")'), tmp_path, DEFAULT_POLICY)
    assert found.code.programs == {"dot", "tesseract", "ffmpeg", "convert"}


@pytest.mark.parametrize("text,path", [
    ("sqlite:///data/app.db", "data/app.db"),
    ("sqlite+pysqlite:///data/app.db?check_same_thread=false", "data/app.db"),
    ("duckdb:///warehouse.duckdb", "warehouse.duckdb"),
    ("sqlite:////srv/app.db", "/srv/app.db"),
    ("file:data/app.db?mode=ro", "data/app.db"),
    ("file:///home/u/x.csv", "/home/u/x.csv"),
    ("sqlite:///*", None),
    ("postgresql://user@host/db", None),
    ("https://example.org/data.csv", None),
])
def test_url_paths(text, path):
    assert url_path(text) == path


def test_files_named_inside_urls_are_copied(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "app.db").write_bytes(b"x")
    (tmp_path / "w.duckdb").write_bytes(b"x")
    (tmp_path / "data" / ".env.db").write_bytes(b"x")
    found = analyze_notebook(notebook(
        'from sqlalchemy import create_engine\nengine = create_engine("sqlite:///data/app.db")',
        'import duckdb\ncon = duckdb.connect("w.duckdb")\nother = "sqlite:///data/.env.db"',
        'gone = "sqlite:///data/missing.db"\nfar = "sqlite:////etc/passwd"'), tmp_path, DEFAULT_POLICY)
    assert found.files == {"data/app.db", "w.duckdb"}


def run(tmp_path: Path, nb: dict, answer=None, with_extras=False):
    return resolve(ResolveInput(static=analyze_notebook(nb, tmp_path,
                                                        DEFAULT_POLICY), notebook=NotebookInfo(path="nb.ipynb"),
                                source="interpreter" if answer else "static", probe=answer,
                                notebook_python="3.11.4", with_extras=with_extras))


def test_any_window_type_needs_scipy_without_a_kernel(tmp_path: Path):
    spec = run(tmp_path, notebook("import pandas as pd\ns = pd.Series(range(9)).rolling(3, win_type='triang').sum()"))
    assert spec.package("scipy") is not None and spec.package("scipy").reason == "implicit"


def test_installed_extra_members_are_optional(tmp_path: Path):
    installed = probe([
        dist("pandas", "2.2.2", ["numpy>=1.23", "scipy>=1.10; extra == 'computation'",
                                  "xarray>=2022; extra == 'computation'", "pytest>=7; extra == 'test'"]),
        dist("numpy", "1.26.4"), dist("scipy", "1.13.0", ["numpy"]), dist("pytest", "8.0.0"),
        dist("tabulate", "0.9.0", ["wcwidth; extra == 'widechars'"]), dist("wcwidth", "0.2.13"),
    ])
    spec = run(tmp_path, notebook("import pandas as pd\nimport tabulate"), installed, with_extras=True)
    flags = {p.name: (p.reason, p.optional) for p in spec.packages}
    assert flags == {"pandas": ("imported", False), "numpy": ("dependency", False), "scipy": ("implicit", True),
                     "tabulate": ("imported", False), "wcwidth": ("implicit", True)}  # half of 'computation'
    assert [s.name for s in run(tmp_path, notebook("import pandas as pd\nimport tabulate"), installed).suggestions] \
        == ["scipy", "wcwidth"]
    needed = run(tmp_path, notebook("import pandas as pd\npd.Series([1]).rolling(2, win_type='gaussian')"), installed)
    assert (needed.package("scipy").reason, needed.package("scipy").optional) == ("implicit", False)
