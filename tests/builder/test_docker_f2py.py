"""A notebook that builds a Fortran extension at run time with f2py (`%%writefile add.f90`, then
`!f2py -c add.f90 -m addmod`, then `import addmod`), built from its code alone on the Debian-python test
base and verified: f2py finds gfortran and its build back-end in the image, and the cells run as saved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main

from .conftest import TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]

FORTRAN = ("subroutine add(a, b, c)\n    double precision, intent(in) :: a, b\n"
           "    double precision, intent(out) :: c\n    c = a + b\nend subroutine add\n")
CELLS = [("%%writefile add.f90\n" + FORTRAN, [{"output_type": "stream", "name": "stdout",
                                              "text": "Writing add.f90\n"}]),
         ("!f2py -c add.f90 -m addmod > f2py.log 2>&1 || tail -n 30 f2py.log", []),
         ("import addmod\nprint(addmod.add(2.0, 3.5))", [{"output_type": "stream", "name": "stdout",
                                                         "text": "5.5\n"}])]

# numpy 2.x builds with meson + ninja; numpy before 1.26 with numpy.distutils on Python 3.11's own distutils
DATES = [("2024-09-01", "2."), ("2023-03-01", "1.24.")]


def saved_notebook(path: Path) -> Path:
    cells = [{"cell_type": "code", "execution_count": i + 1, "id": f"c{i}", "metadata": {}, "source": source,
              "outputs": outputs} for i, (source, outputs) in enumerate(CELLS)]
    nb = {"cells": cells, "nbformat": 4, "nbformat_minor": 5,
          "metadata": {"kernelspec": {"name": "gone-env", "display_name": "Python 3", "language": "python"},
                       "language_info": {"name": "python", "version": "3.11.2"}}}
    path.write_text(json.dumps(nb, indent=1))
    return path


@pytest.mark.parametrize("as_of, numpy_version", DATES)
def test_the_static_spec_has_what_f2py_needs(tmp_path: Path, capsys, as_of, numpy_version):
    notebook = saved_notebook(tmp_path / "f2py.ipynb")
    code = main(["inspect", str(notebook), "--static", "--as-of", as_of, "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    spec = json.loads(out)
    names = {p["name"].lower() for p in spec["packages"]}
    assert {"numpy", "meson", "ninja"} <= names, names
    assert [p["version"] for p in spec["packages"] if p["name"] == "numpy"][0].startswith(numpy_version)
    assert "addmod" not in names  # built by the notebook itself, not a package to find
    assert {"gfortran", "gcc", "libc6-dev"} <= set(spec["apt_packages"])
    assert [i["kind"] for i in spec["imports"] if i["module"] == "addmod"] == ["local"]
    assert "f2py" not in spec["programs"]  # numpy's console script, not a Debian program


@pytest.mark.parametrize("as_of", [date for date, _ in DATES])
def test_an_f2py_notebook_builds_its_module_in_its_image(docker_engine, tmp_path: Path, capsys, as_of):
    notebook = saved_notebook(tmp_path / "f2py.ipynb")
    code = main(["build", str(notebook), "--static", "--as-of", as_of, "--base", TEST_BASE,
                 "--tag", f"localhost/containerize-test/h20-f2py:{as_of}", "--verify", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    result = json.loads(out)
    assert result["verify"]["passed"] is True, result["verify"]
    assert [c["status"] for c in result["verify"]["cells"]] == ["passed"] * 3
    assert result["verify"]["cells"][2]["output_match"] is True  # 5.5, computed by the compiled module
