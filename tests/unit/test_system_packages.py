"""Programs and linked libraries -> Debian packages with reasons; the kernel-side facts parsers."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.inspect import system_probe_script as kernel_side
from jupyterlab_containerize.inspect.system_packages import program_distributions, system_needs
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import Package


def pkgs(*names: str) -> list[Package]:
    return [Package(name=n, version="1.0") for n in names]


def test_the_kernels_dpkg_answers_first():
    facts = {"programs": {"dot": {"path": "/usr/bin/dot", "package": "graphviz"},
                          "ls": {"path": "/usr/bin/ls", "package": "coreutils"},
                          "mytool": {"path": "/usr/local/bin/mytool", "package": "acme-tools"}}}
    needs = system_needs([], {"dot": "dot", "ls": "ls", "mytool": "mytool"}, facts)
    assert needs.apt == {"graphviz": "the notebook runs `dot`", "acme-tools": "the notebook runs `mytool`"}
    assert needs.programs == {"dot": "graphviz", "mytool": "acme-tools"}  # ls: the base image has coreutils


def test_tables_without_a_kernel_and_unknown_programs():
    needs = system_needs([], {"tesseract": "", "cat": "", "weird-tool": "", "nvidia-smi": ""}, None)
    assert needs.apt == {"tesseract-ocr": "the notebook runs `tesseract`"}
    assert needs.programs == {"tesseract": "tesseract-ocr", "weird-tool": ""}
    assert [p.kind for p in needs.problems] == ["program-unmapped"] and "weird-tool" in needs.problems[0].message


@pytest.mark.parametrize("package,apt,program", [
    ("graphviz", ["graphviz"], "dot"),
    ("pydot", ["graphviz"], "dot"),
    ("pytesseract", ["tesseract-ocr"], "tesseract"),
    ("pdf2image", ["poppler-utils"], "pdftoppm"),
    ("moviepy", ["ffmpeg"], "ffmpeg"),
    ("opencv-python", ["libgl1", "libglib2.0-0"], None),
    ("psycopg2", ["libpq5"], None),
    ("pyodbc", ["unixodbc"], None),
    ("weasyprint", ["libpango-1.0-0", "libpangoft2-1.0-0"], None),
    ("wand", ["libmagickwand-6.q16-6"], None),
    ("python-magic", ["libmagic1"], None),
    ("rpy2", ["r-base"], "R"),
    ("pygraphviz", ["graphviz", "libgraphviz-dev"], None),
])
def test_python_packages_known_to_need_a_system_package(package, apt, program):
    needs = system_needs(pkgs(package), {}, None)
    assert sorted(needs.apt) == sorted(apt)
    assert all(package in reason for reason in needs.apt.values())
    if program:
        assert program in needs.programs
    assert system_needs(pkgs("psycopg2-binary"), {}, None).apt == {}  # the wheel carries its libpq


def test_libraries_of_locked_extensions_only():
    facts = {"libraries": {
        "libGL.so.1": {"path": "/usr/lib/x86_64-linux-gnu/libGL.so.1", "package": "libgl1", "modules": ["cv2"]},
        "libpq.so.5": {"path": None, "package": None, "modules": ["psycopg2"]},
        "libc.so.6": {"path": "/lib/x86_64-linux-gnu/libc.so.6", "package": "libc6", "modules": ["numpy"]},
        "libcuda.so.1": {"path": "/usr/lib/libcuda.so.1", "package": "libcuda1", "modules": ["torch"]},
        "libfoo.so.9": {"path": None, "package": None, "modules": ["foo"]},
        "libbar.so.1": {"path": "/usr/lib/libbar.so.1", "package": "libbar1", "modules": ["jupyter_thing"]},
    }}
    module_map = {"cv2": ["opencv-python-headless"], "psycopg2": ["psycopg2"], "numpy": ["numpy"],
                  "torch": ["torch"], "foo": ["foo"], "jupyter_thing": ["jupyter-thing"]}
    needs = system_needs(pkgs("opencv-python-headless", "psycopg2", "numpy", "torch", "foo"), {}, facts, module_map)
    assert needs.apt["libgl1"] == "libGL.so.1, linked by cv2 (opencv-python-headless)"
    assert "libpq.so.5" in needs.apt["libpq5"] and "psycopg2" in needs.apt["libpq5"]  # table, and the known need
    assert "libc6" not in needs.apt and "libcuda1" not in needs.apt and "libbar1" not in needs.apt
    assert [p.kind for p in needs.problems] == ["library-missing"] and "libfoo.so.9" in needs.problems[0].message


def test_console_scripts_of_the_environment_go_to_the_lock(tmp_path):
    from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
    from jupyterlab_containerize.inspect.static_analysis import analyze_notebook
    from jupyterlab_containerize.spec import NotebookInfo
    from tests.notebooks import notebook

    from .fake_probe import dist, probe

    spec = resolve(ResolveInput(static=analyze_notebook(notebook("!kaggle datasets list\n!dot -V"), tmp_path,
                                                        DEFAULT_POLICY),
                                notebook=NotebookInfo(path="nb.ipynb"), source="interpreter",
                                probe=probe([dist("kaggle", "1.6.17")])))
    assert spec.package("kaggle").reason == "runtime" and spec.programs == {"dot": "graphviz"}

def test_recorded_console_scripts():
    facts = {"programs": {"kaggle": {"path": "/env/bin/kaggle", "in_environment": True, "distribution": "kaggle"}}}
    assert program_distributions({"kaggle": "kaggle"}, facts) == ["kaggle"]
    assert system_needs([], {"kaggle": "kaggle"}, facts).apt == {}


def fake_command(tmp_path: Path, name: str, output: str) -> str:
    script = tmp_path / name
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({output!r})\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_ldd_and_dpkg_answers_are_parsed(tmp_path: Path):
    ldd = fake_command(tmp_path, "ldd", (
        "/env/a.so:\n\tlinux-vdso.so.1 (0x00007ffd)\n\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x1)\n"
        "\tlibvendored.so => /env/site-packages/x.libs/libvendored.so (0x2)\n"
        "/env/b.so:\n\tlibpq.so.5 => not found\n\t/lib64/ld-linux-x86-64.so.2 (0x3)\n"))
    parsed = kernel_side.run_ldd(ldd, ["/env/a.so", "/env/b.so"])
    assert parsed["/env/a.so"] == [("libGL.so.1", "/lib/x86_64-linux-gnu/libGL.so.1"),
                                   ("libvendored.so", "/env/site-packages/x.libs/libvendored.so")]
    assert parsed["/env/b.so"] == [("libpq.so.5", None)]
    dpkg = fake_command(tmp_path, "dpkg-query", (
        "libgl1:amd64: /usr/lib/x86_64-linux-gnu/libGL.so.1\n"
        "diversion by x from: /usr/bin/dot\ngraphviz: /usr/bin/dot\n"))
    owners = kernel_side.dpkg_owners(dpkg, ["/lib/x86_64-linux-gnu/libGL.so.1", "/usr/bin/dot", "/opt/none"])
    assert owners == {"/lib/x86_64-linux-gnu/libGL.so.1": "libgl1", "/usr/bin/dot": "graphviz"}
