"""Toolchains a notebook compiles with at run time, from what it does: `%%cython` / `%load_ext Cython` /
`pyximport` need a C compiler and the Python headers of the image's Python; f2py / `numpy.f2py` /
`%%fortran` need gfortran too (and meson + ninja, f2py's back-end on numpy >= 2 and Python >= 3.12);
`!gcc`, `!cc`, `!make`, `setup.py build_ext` need the compiler with the C library's headers.

Found in the code, in the touch record (the compiler processes the kernel started) and from the
kernel's dpkg (which reports the program's package). Each need carries its reason (apt_reasons).
"""

from __future__ import annotations

import re
from typing import Optional

from .code_analysis import CodeFindings

# `python3-dev` is installed only where the base's own Python lacks Python.h (a Debian python3 base);
# python:X-slim bases carry their headers in /usr/local/include (render/install_script.py checks).
PYTHON_HEADERS = "python3-dev"
C_TOOLCHAIN = ("gcc", "libc6-dev")
C_COMPILERS = {"gcc", "cc", "c99", "clang", "tcc"}
CXX_COMPILERS = {"g++", "c++", "clang++"}
FORTRAN_COMPILERS = {"gfortran", "f77", "f95"}
BUILD_TOOLS = {"make": "make", "cmake": "cmake", "ld": "binutils", "as": "binutils", "ar": "binutils"}
# x86_64-linux-gnu-gcc-12 -> gcc: the names distutils and the kernel's dpkg report
_TRIPLE = re.compile(r"^(?:[a-z0-9_]+-(?:linux|pc|unknown|w64)-[a-z0-9_-]*?-)?(.+?)(?:-\d+(?:\.\d+)*)?$")
# Programs that are console scripts of Python packages (canonical names): the lock brings them, not apt.
CONSOLE_SCRIPTS = {"f2py": "numpy", "f2py3": "numpy", "cython": "cython", "cythonize": "cython",
                   "meson": "meson", "ninja": "ninja"}
CYTHON_EXTENSIONS = {"Cython", "cython"}
FORTRAN_EXTENSIONS = {"fortranmagic"}


def compiler_name(program: str) -> str:
    """`x86_64-linux-gnu-gcc-12` -> `gcc`; anything else unchanged."""
    match = _TRIPLE.match(program.rsplit("/", 1)[-1])
    return match.group(1) if match else program


def toolchain_needs(code: Optional[CodeFindings], programs: dict[str, str]) -> dict[str, str]:
    """Debian package -> why, for the compilers the notebook uses at run time."""
    needs: dict[str, str] = {}
    imports = set(code.imports) if code else set()
    magics = code.magics if code else set()
    ran = {compiler_name(p) for p in [*programs, *(code.programs if code else ())]}
    extensions = {arg.split()[0] for name, arg in magics if name in ("load_ext", "reload_ext") and arg.split()}
    cells = {name for name, _ in magics}

    def add(packages: tuple[str, ...], reason: str) -> None:
        for package in packages:
            needs.setdefault(package, reason)

    if extensions & CYTHON_EXTENSIONS or cells & {"cython", "cython_inline", "cython_pyximport"} \
            or "pyximport" in imports or "Cython.Build" in imports:
        why = "%%cython / pyximport compile C at run time"
        add(C_TOOLCHAIN, f"{why}: a C compiler and the C library's headers")
        add((PYTHON_HEADERS,), f"{why}: the Python headers (only where the base's Python lacks them)")
    f2py = "f2py" in ran or any(m == "numpy.f2py" or m.startswith("numpy.f2py.") for m in imports) \
        or extensions & FORTRAN_EXTENSIONS or "fortran" in cells
    if f2py or ran & FORTRAN_COMPILERS:
        why = "f2py / %%fortran build Fortran extensions at run time" if f2py else "the notebook runs gfortran"
        add(("gfortran", *C_TOOLCHAIN), f"{why}: gfortran, a C compiler and the C library's headers")
        if f2py:
            add((PYTHON_HEADERS,), f"{why}: the Python headers (only where the base's Python lacks them)")
    for compiler in sorted(ran & (C_COMPILERS | CXX_COMPILERS)):
        tools = ("g++", *C_TOOLCHAIN) if compiler in CXX_COMPILERS else C_TOOLCHAIN
        add(tools, f"the notebook runs `{compiler}`: the compiler and the C library's headers (stdio.h)")
    for tool in sorted(ran & set(BUILD_TOOLS)):
        add((BUILD_TOOLS[tool], *C_TOOLCHAIN), f"the notebook runs `{tool}`: with a C compiler and its headers")
    if code and "setup.py" in {s.rsplit("/", 1)[-1] for s in code.script_files} and "build_ext" in code.strings:
        add((*C_TOOLCHAIN, PYTHON_HEADERS), "`setup.py build_ext` compiles C extensions: a compiler, the C "
            "library's and Python's headers")
    return needs


def toolchain_python_packages(code: Optional[CodeFindings]) -> list[str]:
    """For code alone: `!f2py` is numpy's; on numpy >= 2 (and Python >= 3.12, no distutils) f2py
    builds with meson and ninja, small wheels that are harmless elsewhere."""
    imports = set(code.imports) if code else set()
    programs = {compiler_name(p) for p in code.programs} if code else set()
    if "f2py" in programs or any(m.startswith("numpy.f2py") for m in imports):
        return ["numpy", "meson", "ninja"]
    return []
