from jupyterlab_containerize.inspect.code_analysis import (
    CodeFindings,
    analyze_python,
    parse_install_line,
)
from jupyterlab_containerize.inspect.notebook_source import to_python


def findings_for(source: str) -> CodeFindings:
    found = CodeFindings()
    analyze_python(to_python(source), found, cell=0)
    return found


def test_plain_and_from_imports():
    found = findings_for("import os, numpy as np\nfrom pandas.io import sql\nfrom . import sibling")
    assert set(found.imports) == {"os", "numpy", "pandas.io"}


def test_literal_dynamic_imports():
    found = findings_for(
        "import importlib\nm = importlib.import_module('yaml')\n"
        "n = __import__('toml')\nk = importlib.import_module(name)"
    )
    assert {"yaml", "toml", "importlib"} <= set(found.imports)


def test_optional_import_is_marked():
    found = findings_for("try:\n    import ujson as json\nexcept ImportError:\n    import json")
    assert found.imports["ujson"].optional is True
    assert found.imports["json"].optional is False  # the fallback runs outside the guarded body


def test_line_magic_arguments_are_analyzed():
    found = findings_for("%timeit -n 10 -r 2 scipy.linalg.norm(x)\n%time import sympy")
    assert "sympy" in found.imports


def test_timeit_spanning_lines_is_not_fatal():
    found = findings_for("%timeit -n 1 -r 1 sum(\\\n    range(10))")
    assert [name for name, _ in found.magics] == ["timeit"]
    assert "sum" in found.called_names  # the statement itself was parsed


def test_cell_magic_body_is_python():
    found = findings_for("%%time\nimport tabulate\nx = 1\n")
    assert "tabulate" in found.imports


def test_shell_cell_magic_finds_installs():
    found = findings_for("%%bash\npip install requests==2.31.0\napt-get install -y curl\n")
    assert [(c.tool, c.packages) for c in found.install_commands] == [("pip", ["requests==2.31.0"]), ("apt", ["curl"])]


def test_install_lines():
    assert [
        (c.tool, c.packages) for c in parse_install_line("pip install -q -U six==1.16 'attrs>=23' -i https://x", 1)
    ] == [("pip", ["six==1.16", "attrs>=23"])]
    assert parse_install_line("sudo apt-get install -y libgl1 && pip3 install numpy", 0)[1].packages == ["numpy"]
    assert parse_install_line("python -m pip install --upgrade pip", 0)[0].packages == ["pip"]
    assert parse_install_line("conda install -c conda-forge -y gdal", 0)[0].packages == ["gdal"]
    assert parse_install_line("uv pip install polars", 0)[0].tool == "uv"
    assert parse_install_line("pip list", 0) == []
    assert parse_install_line("echo 'unbalanced", 0) == []


def test_ipython_magics_become_installs():
    found = findings_for("%pip install seaborn==0.13.2\n!pip install -q tqdm\n%conda install -y pyarrow")
    assert [(c.tool, c.packages) for c in found.install_commands] == [
        ("pip", ["seaborn==0.13.2"]),
        ("pip", ["tqdm"]),
        ("conda", ["pyarrow"]),
    ]


def test_help_syntax_and_load_ext():
    found = findings_for("np.sum?\n%load_ext sql\n%load_ext autoreload")
    assert "sql" in found.imports and "autoreload" not in found.imports


def test_writefile_and_run_are_recorded():
    found = findings_for("%%writefile made.py\nimport polars\n")
    assert found.written_files == {"made.py": "import polars\n"}
    found = findings_for("%run scripts/prepare.py --fast")
    assert found.run_files == {"scripts/prepare.py"}


def test_strings_calls_and_sys_path():
    found = findings_for("import sys\nsys.path.append('src')\ndf = pd.read_parquet('data/x.parquet')")
    assert "data/x.parquet" in found.strings and "read_parquet" in found.called_names
    assert found.sys_path_additions == {"src"}


def test_timeit_setup_and_attached_values():
    assert "pandas" in findings_for('%timeit -s "import pandas as pd" pd.DataFrame()').imports
    assert "scipy" in findings_for('%%timeit -n 3 -s "import scipy"\nscipy.__version__\n').imports
    assert "sympy" in findings_for("%timeit -n10 import sympy").imports
    assert "numpy" in findings_for("%timeit -r3 -n 2 -s 'import numpy as np; x = 1' np.sum(x)").imports


