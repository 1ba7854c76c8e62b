"""Push to a real registry (Debian's docker-registry on 127.0.0.1) and pull back; docker save;
the REST API driving a real build."""

from __future__ import annotations

import asyncio
import json
import shutil
import tarfile
import threading
from pathlib import Path

import pytest

from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline import BuildManager
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.server.build_handlers import SETTINGS_KEY

from .conftest import FIXTURES, TEST_BASE

pytestmark = [pytest.mark.docker, pytest.mark.integration]


def test_push_pull_back_and_export(docker_engine, registry, hello_spec, hello_dir, tmp_path):
    tag = f"{registry}/containerize/hello:1"
    tar = tmp_path / "hello.tar"
    options = BuildOptions(target="batch", base_image=TEST_BASE, tag=tag, push=True,
                           export=str(tar))
    result = run_pipeline(BuildRequest(hello_dir / "hello.ipynb", options, hello_spec),
                          docker_engine, lambda *a, **k: None, threading.Event(), tmp_path / "w").to_dict()
    assert result["digest"].startswith(f"{registry}/containerize/hello@sha256:")
    with tarfile.open(tar) as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
    assert manifest[0]["RepoTags"] == [tag]

    api = docker_engine.client.api
    api.remove_image(tag)
    api.pull(f"{registry}/containerize/hello", tag="1")
    pulled = docker_engine.image_info(tag)
    assert pulled.id == result["image_id"]
    assert pulled.digest == result["digest"]


@pytest.fixture
def real_manager(jp_serverapp, jp_root_dir: Path, tmp_path: Path, docker_engine) -> BuildManager:
    shutil.copytree(FIXTURES / "hello", jp_root_dir / "hello")
    manager = BuildManager(tmp_path / "builds", engine_factory=lambda: docker_engine)
    jp_serverapp.web_app.settings[SETTINGS_KEY] = manager
    return manager


async def test_rest_build_on_the_real_engine(jp_fetch, real_manager):
    body = {"path": "hello/hello.ipynb",
            "spec": json.loads((FIXTURES / "hello.spec.json").read_text()),
            "options": {"target": "batch", "base_image": TEST_BASE,
                        "tag": "localhost/containerize-test/hello:rest"}}
    response = await jp_fetch("containerize", "builds", method="POST", body=json.dumps(body))
    build_id = json.loads(response.body)["id"]
    view: dict = {}
    for _ in range(600):
        view = json.loads((await jp_fetch("containerize", "builds", build_id)).body)
        if view["status"] in ("succeeded", "failed", "cancelled"):
            break
        await asyncio.sleep(0.5)
    assert view["status"] == "succeeded", view.get("error")
    steps = [e for e in view["events"] if e["kind"] == "step"]
    assert steps and steps[-1]["step"] == steps[-1]["total"]
    assert view["result"]["image"] == "localhost/containerize-test/hello:rest"
    assert view["result"]["size"] > 0 and view["result"]["size_text"].endswith(" MB")
    # the recorded command is the printed one: redaction left it alone, the parameters are the notebook's
    assert view["result"]["run_command"] == (
        'mkdir -p "$PWD/out" && docker run --rm -v "$PWD/out:/home/jovyan/out" '
        "localhost/containerize-test/hello:rest -p greeting '\"hello\"' -p repeat 2")
    assert all(e["progress"]["step"] == e["step"] for e in steps)
