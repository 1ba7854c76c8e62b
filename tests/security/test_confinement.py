"""Every path from a user, a spec or an inspection stays inside the root: REST (the server's root)
and the CLI (the notebook's project, never the home folder or above). Files planted above the root
hold ABOVE_ROOT; no answer, context or build-only folder may ever hold it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from jupyterlab_containerize.cli import main as cli_main
from jupyterlab_containerize.confine import allowed_interpreter, confine, default_root
from jupyterlab_containerize.errors import InterpreterNotAllowed, PathOutsideRoot
from tests.notebooks import notebook

from .conftest import ABOVE_ROOT, BASE, build_and_wait, hello_spec, post

CLIMBING_CELLS = (
    "x = open('../../x').read()",
    "cookie = open('../../jupyter_cookie_secret').read()",
    "table = '../../data/x.csv'",
    "import sys\nsys.path.append('../../src')\nimport climbmod",
    "%run ../../helper.py",
    "local = open('data.csv').read()",
)


def plant_above(folder: Path) -> None:
    """What a notebook under `folder`/root/project reaches with ../../: must never be read."""
    (folder / "x").write_bytes(ABOVE_ROOT)
    (folder / "jupyter_cookie_secret").write_bytes(ABOVE_ROOT)
    (folder / "data").mkdir(exist_ok=True)
    (folder / "data" / "x.csv").write_bytes(ABOVE_ROOT)
    (folder / "src" / "climbmod").mkdir(parents=True, exist_ok=True)
    (folder / "src" / "climbmod" / "__init__.py").write_bytes(b"# " + ABOVE_ROOT + b"\n")
    (folder / "helper.py").write_bytes(b"# " + ABOVE_ROOT + b"\n")
    (folder / "lib").mkdir(exist_ok=True)
    (folder / "lib" / "pyproject.toml").write_bytes(b"# " + ABOVE_ROOT + b"\n")


def climbing_notebook(project: Path) -> Path:
    project.mkdir(parents=True, exist_ok=True)
    (project / "data.csv").write_text("a,b\n1,2\n")
    nb = notebook(*CLIMBING_CELLS)
    nb["metadata"]["kernelspec"] = {"name": "no-such-kernel", "display_name": "x", "language": "python"}
    (project / "nb.ipynb").write_text(json.dumps(nb))
    return project / "nb.ipynb"


@pytest.fixture
def served(jp_root_dir: Path) -> Path:
    """root_dir/project/nb.ipynb, whose ../../ is the folder above the server's root."""
    plant_above(jp_root_dir.parent)
    return climbing_notebook(jp_root_dir / "project")


# --- REST: inspection and builds never read above the server's root ---


async def test_rest_inspect_lists_nothing_above_the_root(jp_fetch, served, jp_root_dir):
    code, spec = await post(jp_fetch, "inspect", {"path": "project/nb.ipynb"})
    assert code == 200
    named = [*spec["files"], *(m["path"] for m in spec["local_modules"])]
    assert "data.csv" in named
    for entry in named:
        assert (served.parent / entry).resolve().is_relative_to(jp_root_dir.resolve()), entry
    assert ABOVE_ROOT.decode() not in json.dumps(spec)


async def test_rest_build_without_a_spec_copies_nothing_above_the_root(jp_fetch, served, manager, engine):
    view = await build_and_wait(jp_fetch, manager, {"path": "project/nb.ipynb", "options": {"base_image": BASE}})
    assert view["status"] == "succeeded", view.get("error")
    assert "work/data.csv" in engine.sent
    assert engine.leaked(ABOVE_ROOT) == []
    assert not any(name.endswith("cookie_secret") for name in engine.sent)


@pytest.mark.parametrize("body", [
    {"spec": hello_spec(files=["../../x"])},
    {"spec": hello_spec(files=["/etc/hostname"])},
    {"spec": hello_spec(local_modules=[{"module": "climbmod", "path": "../../src/climbmod"}])},
    {"options": {"include": ["../../x"]}},
    {"options": {"include": ["../../data"]}},
    {"options": {"export": "../x.tar"}},
    {"options": {"ca_bundle": "../x"}},
], ids=["spec-file", "spec-absolute-file", "spec-local-module", "include-file", "include-folder",
        "export", "ca-bundle"])
async def test_rest_build_paths_outside_the_root_are_refused(jp_fetch, served, manager, engine, body):
    options = {"base_image": BASE, **body.get("options", {})}
    code, answer = await post(jp_fetch, "builds", {"path": "project/nb.ipynb", **body, "options": options})
    assert code == 400 and answer["code"] == "path-outside-root", answer
    assert manager.list() == [] and engine.sent == {}


async def test_rest_ca_bundle_linked_out_of_the_root_is_refused(jp_fetch, served, manager, jp_root_dir):
    (jp_root_dir / "ca.pem").symlink_to(jp_root_dir.parent / "x")
    code, answer = await post(jp_fetch, "builds", {"path": "project/nb.ipynb",
                                                   "options": {"base_image": BASE, "ca_bundle": "ca.pem"}})
    assert code == 400 and answer["code"] == "path-outside-root"


async def test_rest_editable_source_outside_the_root_is_not_copied(jp_fetch, served, manager, engine, jp_root_dir):
    outside = {"name": "lib", "version": "0.1", "source": {"kind": "editable", "path": str(jp_root_dir.parent / "lib")}}
    spec = hello_spec()
    spec["packages"].append(outside)
    view = await build_and_wait(jp_fetch, manager, {"path": "project/nb.ipynb", "spec": spec,
                                                    "options": {"base_image": BASE}})
    assert view["status"] == "succeeded", view.get("error")
    assert engine.leaked(ABOVE_ROOT) == []
    assert not any("/local/lib/" in name for name in engine.sent)


@pytest.mark.parametrize("with_spec", [False, True], ids=["inspected-here", "client-spec"])
async def test_rest_context_download_copies_nothing_above_the_root(jp_fetch, served, jp_root_dir, with_spec):
    import io
    import tarfile

    body = {"path": "project/nb.ipynb", "options": {"base_image": BASE}}
    if with_spec:
        body["spec"] = hello_spec()
        body["spec"]["packages"].append({"name": "lib", "version": "0.1", "source": {
            "kind": "editable", "path": str(jp_root_dir.parent / "lib")}})
    response = await jp_fetch("containerize", "context", method="POST", body=json.dumps(body))
    with tarfile.open(fileobj=io.BytesIO(response.body)) as archive:
        files = [m for m in archive.getmembers() if m.isfile()]
        assert files and not any(ABOVE_ROOT in archive.extractfile(m).read() for m in files)  # type: ignore[union-attr]


# --- REST: options.python names only a kernel's interpreter or one on the admin's list ---


def fake_python(folder: Path) -> tuple[Path, Path]:
    """An executable named python that leaves a mark when it runs, and that mark's path."""
    folder.mkdir(parents=True, exist_ok=True)
    mark = folder / "ran"
    script = folder / "python"
    script.write_text(f"#!/bin/sh\ntouch {mark}\nexit 1\n")
    script.chmod(0o755)
    return script, mark


@pytest.fixture
def jp_server_config(tmp_path: Path) -> dict:
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"allowed_interpreters": [str(tmp_path / "admin-env" / "bin" / "python")]}}


@pytest.mark.parametrize("python", ["/bin/sh", "/usr/bin/env", "python3", "../../x"])
async def test_rest_python_not_allowed_is_refused_and_never_run(jp_fetch, served, manager, engine, tmp_path, python):
    code, answer = await post(jp_fetch, "builds", {"path": "project/nb.ipynb",
                                                   "options": {"base_image": BASE, "python": python}})
    assert code == 400 and answer["code"] == "interpreter-not-allowed", answer
    assert "allowed_interpreters" in answer["hint"]


async def test_rest_python_a_user_planted_is_never_run(jp_fetch, served, manager, jp_root_dir):
    script, mark = fake_python(jp_root_dir / "env" / "bin")
    code, answer = await post(jp_fetch, "builds", {"path": "project/nb.ipynb",
                                                   "options": {"base_image": BASE, "python": str(script)}})
    assert code == 400 and answer["code"] == "interpreter-not-allowed"
    assert not mark.exists() and manager.list() == []


async def test_rest_python_of_the_admin_list_or_a_kernel_spec_is_accepted(jp_fetch, served, manager, tmp_path,
                                                                         jp_kernel_dir):
    admin, _ = fake_python(tmp_path / "admin-env" / "bin")
    kernel_python, _ = fake_python(tmp_path / "kernel-env" / "bin")
    (jp_kernel_dir / "kenv").mkdir()
    (jp_kernel_dir / "kenv" / "kernel.json").write_text(json.dumps({
        "argv": [str(kernel_python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "kenv", "language": "python"}))
    for python in (admin, kernel_python):
        view = await build_and_wait(jp_fetch, manager, {"path": "project/nb.ipynb", "spec": hello_spec(),
                                                        "options": {"base_image": BASE, "python": str(python)}})
        assert view["status"] == "succeeded", view.get("error")


# --- REST: the binder folder stays in the repository ---


async def test_rest_binder_folder_linked_out_of_the_repository_is_refused(jp_fetch, jp_root_dir, tmp_path):
    repo = jp_root_dir / "repo"
    climbing_notebook(repo)
    for args in (["init", "-q", "-b", "main"], ["remote", "add", "origin", "https://github.com/octo/a.git"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / "binder").symlink_to(elsewhere)
    code, answer = await post(jp_fetch, "binder", {"path": "repo/nb.ipynb"})
    assert code == 400 and answer["code"] == "path-outside-root", answer
    assert list(elsewhere.iterdir()) == []


# --- CLI: the root is the notebook's project, never the home folder or above ---


@pytest.fixture
def home_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME=tmp/home, notebook at home/proj/nb.ipynb: its ../../ is above the home folder."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    plant_above(tmp_path)
    return climbing_notebook(tmp_path / "home" / "proj")


def test_cli_root_is_the_project_and_never_home(home_project: Path, tmp_path: Path):
    assert default_root(home_project) == home_project.parent
    deep = tmp_path / "work" / "a" / "b" / "nb.ipynb"
    assert default_root(deep) == tmp_path / "work"  # two levels up: notebooks/ beside data/ and src/
    assert default_root(tmp_path / "home" / "nb.ipynb") == tmp_path / "home"


def test_cli_inspect_reads_nothing_above_the_project(home_project: Path, capsys: pytest.CaptureFixture[str]):
    assert cli_main(["inspect", str(home_project), "--json"]) == 0
    spec = json.loads(capsys.readouterr().out)
    assert spec["files"] == ["data.csv"] and spec["local_modules"] == []


@pytest.mark.parametrize("field, value", [
    ("files", ["../../x"]),
    ("files", ["../../data"]),
    ("local_modules", [{"module": "climbmod", "path": "../../src/climbmod"}]),
])
def test_cli_spec_paths_outside_the_project_are_skipped(home_project: Path, tmp_path: Path, field, value,
                                                       capsys: pytest.CaptureFixture[str]):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(hello_spec(**{field: value})))
    context = tmp_path / "context"
    code = cli_main(["build", str(home_project), "--spec", str(spec_file), "--context-only", str(context),
                     "--base", BASE])
    assert code == 0
    assert "outside the notebook's folder" in capsys.readouterr().err
    assert not any(ABOVE_ROOT in p.read_bytes() for p in context.rglob("*") if p.is_file())


def test_cli_include_outside_the_project_is_skipped(home_project: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]):
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(hello_spec()))
    context = tmp_path / "context"
    assert cli_main(["build", str(home_project), "--spec", str(spec_file), "--context-only", str(context),
                     "--base", BASE, "--include", "../../x"]) == 0
    assert "skipped ../../x: outside" in capsys.readouterr().err
    assert not any(ABOVE_ROOT in p.read_bytes() for p in context.rglob("*") if p.is_file())


# --- the confinement functions themselves ---


def test_confine_resolves_links_and_refuses_escapes(tmp_path: Path):
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "link").symlink_to(tmp_path)
    assert confine(root, "a/x", root / "a") == (root / "a" / "a" / "x").resolve()
    for escape in ("../x", "a/link/x", "/etc/passwd", "a/../../x"):
        with pytest.raises(PathOutsideRoot):
            confine(root, escape)


def test_allowed_interpreter_compares_paths_without_following_links(tmp_path: Path):
    real, _ = fake_python(tmp_path / "env" / "bin")
    link = tmp_path / "mine" / "python"
    link.parent.mkdir()
    os.symlink(real, link)
    assert allowed_interpreter(str(real), [str(real)]) == str(real)
    assert allowed_interpreter(str(tmp_path / "env" / "bin" / ".." / "bin" / "python"), [str(real)]) == str(real)
    with pytest.raises(InterpreterNotAllowed):
        allowed_interpreter(str(link), [str(real)])  # its own pyvenv.cfg and site-packages would apply
    with pytest.raises(InterpreterNotAllowed):
        allowed_interpreter(str(real), [])


def test_render_with_a_root_copies_no_local_source_outside_it(tmp_path: Path):
    from jupyterlab_containerize.options import BuildOptions
    from jupyterlab_containerize.render import render_context
    from jupyterlab_containerize.spec import EnvironmentSpec

    plant_above(tmp_path)
    nb = climbing_notebook(tmp_path / "root" / "project")
    spec = hello_spec()
    spec["packages"].append({"name": "lib", "version": "0.1",
                             "source": {"kind": "editable", "path": str(tmp_path / "lib")}})
    ctx = render_context(EnvironmentSpec.from_dict(spec), nb, BuildOptions(base_image=BASE), tmp_path / "ctx",
                         root=tmp_path / "root")
    assert any("is outside" in w and "not copied" in w for w in ctx.warnings)
    assert not any(ABOVE_ROOT in p.read_bytes() for p in (tmp_path / "ctx").rglob("*") if p.is_file())
