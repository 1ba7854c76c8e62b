"""The image's start check for the programs a notebook runs: rendered, and what it says (no engine)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import UnsafeValue
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.spec import EnvironmentSpec, PythonInfo
from tests.notebooks import write_notebook

CHECK = Path(__file__).parents[2] / "jupyterlab_containerize" / "render" / "files" / "program_check.py"


def spec(programs: dict[str, str]) -> EnvironmentSpec:
    return EnvironmentSpec(python=PythonInfo(version="3.11.2"), programs=programs,
                           apt_packages=sorted(p for p in programs.values() if p),
                           apt_reasons={p: f"the notebook runs `{n}`" for n, p in programs.items() if p})


def render(tmp_path: Path, programs: dict[str, str], target: str):
    nb = write_notebook(tmp_path / "nb.ipynb", "import graphviz")
    return render_context(spec(programs), nb, BuildOptions(base_image="localhost/x/python:3.11", target=target),
                          tmp_path / f"ctx-{target}", environ={})


@pytest.mark.parametrize("target", ["notebook", "batch", "serve"])
def test_images_start_through_the_check(tmp_path: Path, target: str):
    ctx = render(tmp_path, {"dot": "graphviz"}, target)
    lines = ctx.dockerfile.splitlines()
    # the runtime's files go in as one layer (each builder step costs a container)
    assert ("COPY containerize/run_notebook.py containerize/program_check.py containerize/programs.json "
            "/opt/containerize/") in lines
    entry = json.loads(next(line for line in lines if line.startswith("ENTRYPOINT "))[len("ENTRYPOINT "):])
    assert entry[:2] == ["/opt/venv/bin/python", "/opt/containerize/program_check.py"]
    assert json.loads((ctx.directory / "containerize" / "programs.json").read_text()) == {
        "programs": {"dot": "graphviz"}}
    assert "apt-get install -y --no-install-recommends graphviz" in (
        ctx.directory / ".containerize-build" / "install-user.sh").read_text()


def test_no_programs_no_check(tmp_path: Path):
    ctx = render(tmp_path, {}, "batch")
    assert "program_check" not in ctx.dockerfile and not (ctx.directory / "containerize" / "programs.json").exists()


@pytest.mark.parametrize("programs", [{"dot; rm -rf /": "graphviz"}, {"dot": "graphviz && curl x"},
                                      {"dot\n": "graphviz"}, {"dot": "graphviz\n"}])
def test_unsafe_names_are_refused(tmp_path: Path, programs):
    with pytest.raises(UnsafeValue):
        render(tmp_path, programs, "batch")


def run_check(tmp_path: Path, programs: dict[str, str], mode: str = "") -> subprocess.CompletedProcess:
    shutil.copyfile(CHECK, tmp_path / "program_check.py")
    (tmp_path / "programs.json").write_text(json.dumps({"programs": programs}))
    env = {"PATH": "/usr/bin:/bin", **({"CONTAINERIZE_PROGRAM_CHECK": mode} if mode else {})}
    return subprocess.run([sys.executable, str(tmp_path / "program_check.py"), sys.executable, "-c", "print('ran')"],
                          capture_output=True, text=True, env=env, timeout=30)


def test_missing_program_is_named_with_its_package(tmp_path: Path):
    done = run_check(tmp_path, {"sh": "dash", "no-such-dot": "graphviz", "mystery": ""})
    assert done.returncode == 4 and done.stdout == ""  # graphviz was installed, yet no dot: a broken image
    assert done.stderr.splitlines() == [
        "containerize: the notebook runs `mystery`, which is not on PATH in this image: install the package that "
        "provides it.",
        "containerize: the notebook runs `no-such-dot`, which is not on PATH in this image: install the Debian "
        "package graphviz (apt-get install graphviz).",
    ]


def test_present_programs_and_warn_mode_start_the_command(tmp_path: Path):
    assert run_check(tmp_path, {"sh": "dash"}).stdout == "ran\n"
    warned = run_check(tmp_path, {"no-such-dot": "graphviz"}, "warn")
    assert warned.returncode == 0 and warned.stdout == "ran\n" and "graphviz" in warned.stderr
    assert run_check(tmp_path, {"no-such-dot": "graphviz"}, "off").stderr == ""
    unknown = run_check(tmp_path, {"mystery": ""})  # nothing could install it: said, not fatal
    assert unknown.returncode == 0 and unknown.stdout == "ran\n" and "`mystery`" in unknown.stderr
