"""Toolchains from what the notebook does: Cython, f2py, compilers run from cells, and their reasons."""

from __future__ import annotations

from jupyterlab_containerize.inspect.code_analysis import CodeFindings, analyze_python
from jupyterlab_containerize.inspect.notebook_source import to_python
from jupyterlab_containerize.inspect.system_packages import system_needs
from jupyterlab_containerize.inspect.toolchains import compiler_name, toolchain_needs, toolchain_python_packages
from jupyterlab_containerize.render.install_script import render_user_script
from jupyterlab_containerize.spec import Package


def code(*cells: str) -> CodeFindings:
    found = CodeFindings()
    for i, cell in enumerate(cells):
        analyze_python(to_python(cell), found, i)
    return found


def test_cython_gets_a_compiler_libc_headers_and_python_headers():
    for cells in (("%load_ext Cython", "%%cython\ndef f(): pass"), ("import pyximport\npyximport.install()",),
                  ("%reload_ext Cython",)):
        needs = toolchain_needs(code(*cells), {})
        assert set(needs) == {"gcc", "libc6-dev", "python3-dev"}, cells
        assert "cython" in needs["gcc"]


def test_f2py_gets_gfortran_and_its_build_back_end():
    found = code("!f2py -c -m dprod dprod.f")
    needs = toolchain_needs(found, {})
    assert {"gfortran", "gcc", "libc6-dev", "python3-dev"} <= set(needs) and "f2py" in needs["gfortran"]
    assert toolchain_python_packages(found) == ["numpy", "meson", "ninja"]
    assert "gfortran" in toolchain_needs(code("import numpy.f2py\nnumpy.f2py.compile(src, 'm')"), {})
    assert "gfortran" in toolchain_needs(code("%load_ext fortranmagic", "%%fortran\nsubroutine f\nend"), {})


def test_a_module_f2py_builds_is_the_notebooks_own_and_f2py_is_numpys_program():
    for cell in ("!f2py -c add.f90 -m addmod > log 2>&1", "!python -m numpy.f2py -c add.f90 -m addmod",
                 "import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'numpy.f2py', '-c', 'add.f90', "
                 "'-m', 'addmod'])", "import numpy.f2py\nnumpy.f2py.compile(src, modulename='addmod')",
                 "import numpy.f2py\nnumpy.f2py.compile(src, 'addmod')"):
        assert code(cell).built_modules == {"addmod"}, cell
    assert code("!mytool -m addmod").built_modules == set()  # only f2py's -m names a module it builds
    assert code("!f2py -c add.f90 -m 'x; rm'").built_modules == set()
    numpy = [Package(name="numpy", version="2.1.0", reason="implicit")]
    assert "f2py" not in system_needs(numpy, {"f2py": ""}, code=code("!f2py -c a.f90 -m a")).programs
    unlocked = system_needs([], {"f2py": ""})
    assert unlocked.programs == {"f2py": ""}  # without numpy locked it stays a program nobody provides


def test_compilers_run_from_cells_or_seen_running_get_the_c_library_headers():
    needs = toolchain_needs(code("!gcc -shared -o libx.so x.c"), {})
    assert set(needs) == {"gcc", "libc6-dev"} and "stdio.h" in needs["libc6-dev"]
    seen = toolchain_needs(None, {"x86_64-linux-gnu-gcc-12": "/usr/bin/x86_64-linux-gnu-gcc-12"})
    assert set(seen) == {"gcc", "libc6-dev"}  # the touch record: a compiler process the kernel started
    assert {"g++", "make"} <= set(toolchain_needs(code("!make", "!g++ a.cpp"), {}))
    assert {"python3-dev"} <= set(toolchain_needs(code("!python setup.py build_ext --inplace"), {}))
    assert toolchain_needs(code("import numpy\nprint('gcc')"), {}) == {}
    assert compiler_name("/usr/bin/gcc-12") == "gcc"


def test_system_needs_carry_the_reasons():
    needs = system_needs([], {}, None, None, code("%load_ext Cython"))
    assert set(needs.apt) == {"gcc", "libc6-dev", "python3-dev"}
    assert all("cython" in reason for reason in needs.apt.values())


def test_python_headers_are_installed_only_where_the_bases_python_lacks_them():
    script = render_user_script(["gcc", "libc6-dev", "python3-dev"])
    assert "apt-get install -y --no-install-recommends gcc libc6-dev\n" in script
    assert 'sysconfig.get_paths()["include"], "Python.h"' in script and "dpkg -S" in script
    assert "apt-get install -y --no-install-recommends python3-dev" in script
    assert "python3-dev" not in render_user_script(["gcc"])


def test_source_builds_get_compilers_in_the_build_stage_only():
    from jupyterlab_containerize.render.buildenv import build_stage_compilers
    from jupyterlab_containerize.render.install_script import InstallPlan, render_install_script
    from jupyterlab_containerize.spec import Problem

    built = [Problem(kind="source-build", message="oldthing 0.3 has no wheel ...")]
    assert build_stage_compilers([], []) == []
    assert build_stage_compilers(built, ["gcc"]) == ["g++", "libc6-dev", "make"]  # gcc stays: the image keeps it
    script = render_install_script(InstallPlan(requirement_files=[("-r", "requirements.txt")],
                                               build_apt_packages=["g++", "libc6-dev", "make"]))
    install = script.index("apt-get install -y --no-install-recommends g++ libc6-dev make")
    assert install < script.index("uv pip install: the lock") < script.index(
        "apt-get purge -y --auto-remove g++ libc6-dev make ${BUILD_HEADERS:-}")
    assert "BUILD_HEADERS=python3-dev" in script
    # no compilers asked: install.sh installs no system package (its wait_for_apt only reports install-user.sh's)
    plain = render_install_script(InstallPlan(requirement_files=[("-r", "requirements.txt")]))
    assert "apt-get install -y" not in plain
