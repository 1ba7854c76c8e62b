"""What the code hides: imports in cell-magic bodies, %reload_ext, back-ends named by strings."""

from __future__ import annotations

import json
from pathlib import Path

from jupyterlab_containerize.inspect import StaticChoices, inspect_notebook
from jupyterlab_containerize.inspect.code_analysis import CodeFindings, analyze_python
from jupyterlab_containerize.inspect.notebook_source import to_python
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from tests.notebooks import notebook


def static_packages(tmp_path: Path, *cells: str) -> set[str]:
    nb = notebook(*cells)
    nb["metadata"] = {"kernelspec": {"name": "gone", "display_name": "x", "language": "python"}}
    path = tmp_path / "a.ipynb"
    path.write_text(json.dumps(nb))
    spec = inspect_notebook(path, static_choices=StaticChoices(force=True, resolve_pins=False),
                            secret_policy=DEFAULT_POLICY)
    return {p.name for p in spec.packages}


def findings(source: str) -> CodeFindings:
    found = CodeFindings()
    analyze_python(to_python(source), found, 0)
    return found


def test_imports_inside_cell_magic_bodies_are_imports():
    for magic in ("%%time", "%%timeit -n1", "%%capture out", "%%prun", "%%memit", "%%snakeviz"):
        assert "scipy.linalg" in findings(f"{magic}\nimport scipy.linalg\nscipy.linalg.inv([[1]])").imports, magic
    assert "sympy" in findings("%memit import sympy").imports
    assert "numpy" in findings("%%cython\ncimport numpy as cnp\nfrom libc.math cimport sqrt").imports
    assert "libc.math" not in findings("%%cython\nfrom libc.math cimport sqrt").imports


def test_reload_ext_names_an_extension_as_load_ext_does(tmp_path: Path):
    assert "memory_profiler" in findings("%reload_ext memory_profiler").imports
    assert {"memory_profiler", "line_profiler"} <= static_packages(
        tmp_path, "%reload_ext memory_profiler", "%load_ext line_profiler")


def test_back_ends_named_by_strings_are_installed(tmp_path: Path):
    found = static_packages(
        tmp_path,
        "from bs4 import BeautifulSoup\nsoup = BeautifulSoup(html, 'lxml')\nBeautifulSoup(x, features='html5lib')",
        "import pandas as pd\npd.read_excel('f', engine='openpyxl')\ndf.to_excel('o', engine='xlsxwriter')",
        "pd.read_html(u, flavor='lxml')\npd.options.plotting.backend = 'plotly'",
        "df.to_parquet('p', engine='fastparquet')",
        "import matplotlib\nmatplotlib.use('Qt5Agg')",
    )
    assert {"lxml", "html5lib", "openpyxl", "XlsxWriter", "plotly", "fastparquet", "PyQt5"} <= found


def test_strings_that_name_nothing_add_nothing(tmp_path: Path):
    found = static_packages(tmp_path, "import pandas as pd\nprint('lxml')\nx = {'engine': 'openpyxl'}")
    assert found == {"pandas"}
