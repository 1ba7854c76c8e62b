"""The notebook image's layers as normalised archives (render/layer_archive.py), without an engine:
the same files give the same bytes whatever their times and modes; what the engine Dockerfile ADDs
and what it no longer sends."""

from __future__ import annotations

import hashlib
import os
import tarfile
from pathlib import Path

import pytest

from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.render.context import use_environment_image
from jupyterlab_containerize.render.dockerfile import copy_steps
from jupyterlab_containerize.render.install_script import SOURCE_DATE_EPOCH
from jupyterlab_containerize.render.layer_archive import ARCHIVES_DIR, CopyStep, anchor_of, write_layer_archive

BASE = "localhost/containerize-test/python:3.11"


def engine_context(spec, notebook: Path, directory: Path, target: str = "batch"):
    ctx = render_context(spec, notebook, BuildOptions(base_image=BASE, target=target), directory, environ={})
    use_environment_image(ctx, "localhost/containerize-env:abc", None)
    return ctx


def members(archive: Path) -> list[tuple]:
    with tarfile.open(archive) as tar:
        return [(m.name, m.type, oct(m.mode), m.uid, m.gid, m.uname, m.mtime) for m in tar.getmembers()]


def test_the_same_files_give_the_same_archives_whatever_their_times_and_modes(hello_spec, hello_dir, tmp_path):
    first = engine_context(hello_spec, hello_dir / "hello.ipynb", tmp_path / "a")
    for path in [*hello_dir.rglob("*")]:
        path.chmod(0o775 if path.is_dir() else 0o664)
        os.utime(path, (1_700_000_000, 1_700_000_000))
    second = engine_context(hello_spec, hello_dir / "hello.ipynb", tmp_path / "b")
    digests = [{p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (c.directory / ARCHIVES_DIR).iterdir()}
               for c in (first, second)]
    assert digests[0] == digests[1] and len(digests[0]) == 3  # runner, work files, notebook


def test_an_archive_holds_its_folder_fixed_and_owned(hello_spec, hello_dir, tmp_path):
    ctx = engine_context(hello_spec, hello_dir / "hello.ipynb", tmp_path / "ctx")
    work = members(ctx.directory / ARCHIVES_DIR / "2.tar")
    assert [m[0] for m in work] == ["home/jovyan/work", "home/jovyan/work/data", "home/jovyan/work/data/numbers.csv",
                                    "home/jovyan/work/helper.py"]
    assert {(m[3], m[4], m[5], m[6]) for m in work} == {(1000, 1000, "", SOURCE_DATE_EPOCH)}
    assert [m[2] for m in work] == ["0o755", "0o755", "0o644", "0o644"]
    runner = members(ctx.directory / ARCHIVES_DIR / "1.tar")
    assert [(m[0], m[3]) for m in runner] == [("opt/containerize", 0), ("opt/containerize/run_notebook.py", 0)]


def test_the_engine_dockerfile_adds_the_archives_and_sends_nothing_twice(hello_spec, hello_dir, tmp_path):
    ctx = engine_context(hello_spec, hello_dir / "hello.ipynb", tmp_path / "ctx", target="serve")
    adds = [line for line in ctx.dockerfile.splitlines() if line.startswith(("ADD", "COPY"))]
    assert adds == [f"ADD {ARCHIVES_DIR}/{n}.tar /" for n in range(1, 5)]
    ignored = (ctx.directory / ".dockerignore").read_text().splitlines()
    assert {"work", "hello.ipynb", "containerize/run_notebook.py", "containerize/serve"} <= set(ignored)
    serve = [m[0] for m in members(ctx.directory / ARCHIVES_DIR / "2.tar")]
    assert serve[:2] == ["opt/containerize", "opt/containerize/serve"]
    portable = (ctx.directory / "Dockerfile.portable").read_text()
    assert "ADD " not in portable and "COPY containerize/serve/ /opt/containerize/serve/" in portable


def test_a_step_keeps_copys_meaning_and_an_executable_bit(tmp_path):
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "run.sh").write_text("echo\n")
    (tmp_path / "tool" / "run.sh").chmod(0o700)
    (tmp_path / "a.py").write_text("")
    step = CopyStep(("tool/", "a.py"), "/home/jovyan/work/sub/")
    assert [name for name, _ in step.image_files(tmp_path)] == ["/home/jovyan/work/sub/run.sh",
                                                                "/home/jovyan/work/sub/a.py"]
    write_layer_archive(tmp_path, step, tmp_path / "out.tar")
    found = {m[0]: m[2] for m in members(tmp_path / "out.tar")}
    assert found == {"home/jovyan/work": "0o755", "home/jovyan/work/sub": "0o755",
                     "home/jovyan/work/sub/a.py": "0o644", "home/jovyan/work/sub/run.sh": "0o755"}
    with pytest.raises(FileExistsError):  # never written through what is already there
        write_layer_archive(tmp_path, step, tmp_path / "out.tar")


def test_every_step_lands_under_a_folder_every_environment_has(hello_spec, hello_dir, tmp_path):
    ctx = render_context(hello_spec, hello_dir / "hello.ipynb", BuildOptions(base_image=BASE, target="serve"),
                         tmp_path / "ctx", environ={})
    assert {anchor_of(step.dest) for step in copy_steps(ctx.plan)} == {"/opt/containerize", "/home/jovyan/work"}
    with pytest.raises(ValueError):
        anchor_of("/etc/passwd")
