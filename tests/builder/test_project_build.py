"""Project builds on a fake engine: the project context (every notebook, the files they read,
JupyterLab on the folder), the pipeline's per-notebook verify, and REST's folder `path`."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import VerifyFailed
from jupyterlab_containerize.layout import OUT
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.pipeline import run as pipeline
from jupyterlab_containerize.pipeline.project import Project, union_spec
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render.context import render_project_context
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY
from jupyterlab_containerize.spec import EnvironmentSpec, Package

from .conftest import FIXTURES, TEST_BASE
from .fakes import FakeEngine

READS = {"two.ipynb": ["data/numbers.csv"], "lessons/three.ipynb": ["../data/numbers.csv"]}
PINS = {"one.ipynb": ["six==1.16.0"], "two.ipynb": ["attrs==23.2.0"], "lessons/three.ipynb": ["six==1.16.0"]}


def fake_inspect(hello_spec: EnvironmentSpec, folder: Path):
    """The hello spec's Python and runtime, with each fixture notebook's own pins and files."""
    def inspect(notebook: Path, **_: object) -> EnvironmentSpec:
        name = notebook.relative_to(folder).as_posix()
        spec = EnvironmentSpec.from_dict(hello_spec.to_dict())
        spec.packages = [Package(*pin.split("=="), reason="imported") for pin in PINS[name]]
        spec.files, spec.local_modules = list(READS.get(name, [])), []
        return spec
    return inspect


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", target)
    (target / ".env").write_text("TOKEN=secret\n")
    return target


def project(hello_spec, project_dir: Path) -> Project:
    notebooks = [project_dir / n for n in ("one.ipynb", "two.ipynb", "lessons/three.ipynb")]
    inspect = fake_inspect(hello_spec, project_dir)
    found = Project(project_dir.resolve(), notebooks, [inspect(nb) for nb in notebooks])
    found.spec = union_spec(found)
    return found


def test_the_project_context_holds_every_notebook_and_the_files_they_read(hello_spec, project_dir, tmp_path):
    found = project(hello_spec, project_dir)
    ctx = render_project_context(found.spec, found.folder, found.notebooks,
                                 BuildOptions(base_image=TEST_BASE), tmp_path / "ctx")
    assert ctx.notebooks == ["one.ipynb", "two.ipynb", "lessons/three.ipynb"]
    assert (ctx.directory / "notebooks" / "lessons" / "three.ipynb").is_file()
    assert ctx.files == ["data/numbers.csv"] and not (ctx.directory / "work" / ".env").exists()
    lock = (ctx.directory / ".containerize-build" / "requirements.txt").read_text().split()
    assert lock == ["attrs==23.2.0", "six==1.16.0"]
    lines = ctx.dockerfile.splitlines()
    assert 'COPY --chown=1000:1000 ["notebooks/", "/home/jovyan/work/"]' in lines
    assert "--LabApp.default_url=/lab" in ctx.dockerfile and "/lab/tree/" not in ctx.dockerfile
    assert json.loads(ctx.labels["io.jupyter.containerize.notebooks"]) == ctx.notebooks
    assert ctx.labels["io.jupyter.containerize.notebook"] == "project"


def verify_report(*statuses: str) -> bytes:
    cells = [{"index": i, "status": s, "error": {"ename": "NameError", "evalue": "x"} if s == "failed" else None}
             for i, s in enumerate(statuses)]
    return json.dumps({"python": "3.11.2", "cells": cells}).encode()


def run_project(hello_spec, project_dir: Path, tmp_path: Path, engine: FakeEngine, **options):
    events: list[tuple] = []
    request = BuildRequest(project_dir, BuildOptions(base_image=TEST_BASE, **options),
                           project=project(hello_spec, project_dir))
    result = run_pipeline(request, engine, lambda kind, message, step=None, total=None, data=None:
                          events.append((kind, message, data)), threading.Event(), tmp_path).to_dict()
    return result, events


def test_verify_runs_every_notebook_and_reports_each(hello_spec, project_dir, tmp_path):
    engine = FakeEngine()
    engine.container_files[f"{OUT}/verify-report.json"] = verify_report()
    result, _ = run_project(hello_spec, project_dir, tmp_path, engine, verify=True)
    assert result["tag"] == "project:notebook" and result["notebooks"] == ["one.ipynb", "two.ipynb",
                                                                            "lessons/three.ipynb"]
    assert result["verify"]["passed"] and set(result["verify"]["notebooks"]) == set(result["notebooks"])
    assert [run["command"][0] for run in engine.runs] == [
        "/home/jovyan/work/one.ipynb", "/home/jovyan/work/two.ipynb", "/home/jovyan/work/lessons/three.ipynb"]


def test_a_failing_notebook_fails_the_build_after_all_ran(hello_spec, project_dir, tmp_path):
    engine = FakeEngine()
    engine.container_files[f"{OUT}/verify-report.json"] = verify_report("passed", "failed")
    with pytest.raises(VerifyFailed) as caught:
        run_project(hello_spec, project_dir, tmp_path, engine, verify=True)
    assert "Verify failed in 3 of 3 notebooks" in caught.value.message and len(engine.runs) == 3
    detail = caught.value.report
    assert detail["failed"] == ["one.ipynb", "two.ipynb", "lessons/three.ipynb"]
    assert detail["notebooks"]["one.ipynb"]["cells"][1]["status"] == "failed"


def test_a_folder_is_inspected_in_the_pipeline(hello_spec, project_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "inspect_notebook", fake_inspect(hello_spec, project_dir.resolve()))
    result = run_pipeline(BuildRequest(project_dir, BuildOptions(base_image=TEST_BASE)), FakeEngine(),
                          lambda *a, **k: None, threading.Event(), tmp_path).to_dict()
    assert result["notebooks"] == ["one.ipynb", "two.ipynb", "lessons/three.ipynb"]


# --- REST: POST /containerize/builds with a folder's path ---

@pytest.fixture
def manager(jp_serverapp, jp_root_dir: Path, tmp_path: Path, hello_spec, monkeypatch) -> BuildManager:
    shutil.copytree(FIXTURES / "project", jp_root_dir / "project")
    monkeypatch.setattr(pipeline, "inspect_notebook", fake_inspect(hello_spec, (jp_root_dir / "project").resolve()))
    manager = BuildManager(tmp_path / "builds", engine_factory=FakeEngine)
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    return manager


async def post(jp_fetch, body: dict) -> tuple[int, dict]:
    from tornado.httpclient import HTTPClientError

    try:
        response = await jp_fetch("containerize", "builds", method="POST", body=json.dumps(body))
    except HTTPClientError as err:
        assert err.response is not None
        return err.code, json.loads(err.response.body)
    return response.code, json.loads(response.body)


async def test_rest_builds_a_folder(jp_fetch, manager):
    code, started = await post(jp_fetch, {"path": "project", "options": {"base_image": TEST_BASE,
                                                                         "package_cache_max_gb": 99}})
    assert code == 202
    for _ in range(100):
        record = manager.get(started["id"])
        if record.status in ("succeeded", "failed"):
            break
        await asyncio.sleep(0.1)
    assert record.status == "succeeded", record.error
    assert record.result["notebooks"] == ["one.ipynb", "two.ipynb", "lessons/three.ipynb"]
    assert record.options["package_cache_max_gb"] == 10.0  # the admin's setting, not the request's


@pytest.mark.parametrize("body, status, code", [
    ({"path": "project", "options": {"target": "batch"}}, 400, "invalid-request"),
    ({"path": "project", "spec": {}, "options": {}}, 400, "invalid-request"),
    ({"path": "project/../..", "options": {}}, 400, "path-outside-root"),
    ({"path": "no-such-folder", "options": {}}, 404, "notebook-not-found"),
])
async def test_rest_refuses_what_a_folder_cannot_do(jp_fetch, manager, body, status, code):
    answer_status, answer = await post(jp_fetch, body)
    assert (answer_status, answer["code"]) == (status, code)


# --- REST: POST /containerize/inspect/folder, the union spec the panel shows for a folder ---

@pytest.fixture
def served_project(jp_root_dir: Path, hello_spec, monkeypatch) -> Path:
    from jupyterlab_containerize.server import inspect_handlers

    target = jp_root_dir / "project"
    shutil.copytree(FIXTURES / "project", target)
    monkeypatch.setattr(inspect_handlers, "inspect_notebook", fake_inspect(hello_spec, target.resolve()))
    return target


async def post_folder(jp_fetch, body: dict, **kwargs) -> tuple[int, dict]:
    from tornado.httpclient import HTTPClientError

    try:
        response = await jp_fetch("containerize", "inspect", "folder", method="POST", body=json.dumps(body),
                                  **kwargs)
    except HTTPClientError as err:
        assert err.response is not None
        return err.code, json.loads(err.response.body) if err.response.body else {}
    return response.code, json.loads(response.body)


async def test_rest_inspects_a_folder_as_its_build_would(jp_fetch, served_project):
    code, spec = await post_folder(jp_fetch, {"path": "project"})
    assert code == 200
    assert sorted((p["name"], p["version"]) for p in spec["packages"]) == [("attrs", "23.2.0"), ("six", "1.16.0")]
    assert spec["files"] == ["data/numbers.csv"]  # relative to the folder, once
    assert EnvironmentSpec.from_dict(spec).packages  # the panel's shape: a whole spec


@pytest.mark.parametrize("body, status, code", [
    ({"path": "project/one.ipynb"}, 400, "invalid-request"),
    ({"path": "project/../.."}, 400, "path-outside-root"),
    ({"path": "no-such-folder"}, 404, "notebook-not-found"),
    ({"path": "project", "python": "/usr/bin/env"}, 400, "interpreter-not-allowed"),
    ({"path": "project", "spec": {}}, 400, "invalid-request"),
])
async def test_rest_folder_inspection_refuses(jp_fetch, served_project, body, status, code):
    answer_status, answer = await post_folder(jp_fetch, body)
    assert (answer_status, answer.get("code")) == (status, code), answer


async def test_rest_folder_inspection_needs_a_login(jp_fetch, served_project):
    code, _ = await post_folder(jp_fetch, {"path": "project"}, headers={"Authorization": ""})
    assert code == 403
