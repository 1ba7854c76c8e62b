"""REST: where builds run (GET /info), and the portable context download (POST /context)."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from .conftest import FIXTURES


@pytest.fixture
def jp_server_config(jp_server_config):
    # an engine that never answers: what a JupyterHub pod without Docker sees
    return {"ServerApp": {"jpserver_extensions": {"jupyterlab_containerize": True}},
            "Containerize": {"engine_url": "tcp://127.0.0.1:9", "binderhub_url": "https://binder.example.org"}}


async def test_info_says_no_engine_answers_and_where(jp_fetch):
    info = json.loads((await jp_fetch("containerize", "info")).body)
    assert info["engine"]["available"] is False
    assert info["engine"]["where"] == "a remote engine at 127.0.0.1:9 (tcp)"
    assert info["engine"]["message"] and info["binderhub_url"] == "https://binder.example.org"


async def test_context_download_is_portable_and_holds_no_host_settings(jp_fetch, jp_root_dir: Path, monkeypatch):
    shutil.copytree(FIXTURES / "hello", jp_root_dir / "hello")
    monkeypatch.setenv("HTTPS_PROXY", "http://user:proxy-secret@proxy.example:3128")
    monkeypatch.setenv("PIP_INDEX_URL", "https://user:index-secret@pypi.example/simple")
    body = {"path": "hello/hello.ipynb", "spec": json.loads((FIXTURES / "hello.spec.json").read_text()),
            "options": {"base_image": "localhost/containerize-test/python:3.11"}}
    response = await jp_fetch("containerize", "context", method="POST", body=json.dumps(body))
    assert response.headers["Content-Type"] == "application/gzip"
    assert 'filename="hello-context.tar.gz"' in response.headers["Content-Disposition"]
    with tarfile.open(fileobj=io.BytesIO(response.body)) as archive:
        names = archive.getnames()
        assert "hello-context/Dockerfile" in names and "hello-context/hello.ipynb" in names
        assert not any(n.endswith(("/ca.pem", "/.env")) for n in names)
        blob = b"".join(archive.extractfile(m).read() for m in archive.getmembers() if m.isfile())
    assert b"proxy-secret" not in blob and b"index-secret" not in blob
    assert b"FROM localhost/containerize-test/python:3.11" in blob
