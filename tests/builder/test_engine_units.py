"""Engine helpers without an engine: error mapping, the environment key, tag splitting, how
files travel to and from containers (the API, never mounts), and verify on a fake engine."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from pathlib import Path

import docker.errors
import pytest
import requests.exceptions

from jupyterlab_containerize.builder import container_files
from jupyterlab_containerize.builder.archive import tar_of
from jupyterlab_containerize.builder.container_files import (
    TRANSFER_HINT,
    collect_files,
    files_of_archive,
    put_files,
)
from jupyterlab_containerize.builder.docker_engine import container_errors
from jupyterlab_containerize.builder.engine_connection import EngineAPIClient, connection
from jupyterlab_containerize.builder.environment_check import CHECK_DIR
from jupyterlab_containerize.builder.environment_image import LAYER_TOOLS, environment_key
from jupyterlab_containerize.errors import BuildFailed, DiskFull, EngineUnavailable, VerifyFailed
from jupyterlab_containerize.image_ref import split_image_ref
from jupyterlab_containerize.layout import BUILD_ONLY, OUT
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.verify import verify_image

from .fakes import FakeEngine


def test_engine_refusals_become_typed_errors():
    with pytest.raises(BuildFailed) as caught:
        with container_errors("base:1"):
            raise docker.errors.APIError("500", explanation="OCI permission denied")
    assert "OCI permission denied" in caught.value.message and "docker run" in caught.value.hint
    with pytest.raises(DiskFull):
        with container_errors("base:1"):
            raise docker.errors.APIError("500", explanation="write x: no space left on device")


def test_environment_key_ignores_transport_settings(tmp_path: Path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "requirements.txt").write_text("six==1.16.0\n")
    (folder / "ca.pem").write_text("one CA")
    (folder / "proxy-HTTPS_PROXY").write_text("http://a:3128")
    key = environment_key(folder, "sha256:base")
    (folder / "ca.pem").write_text("another CA")
    (folder / "proxy-HTTPS_PROXY").write_text("http://b:3128")
    assert environment_key(folder, "sha256:base") == key
    assert environment_key(folder, "sha256:other-base") != key
    (folder / "requirements.txt").write_text("six==1.17.0\n")
    assert environment_key(folder, "sha256:base") != key


def test_tags_split_with_registry_ports():
    assert split_image_ref("127.0.0.1:5000/team/nb:1") == ("127.0.0.1:5000/team/nb", "1")
    assert split_image_ref("python:3.11-slim") == ("python", "3.11-slim")
    assert split_image_ref("localhost/containerize-test/python") == (
        "localhost/containerize-test/python", "latest")


def test_tar_of_keeps_the_executable_bit_and_owns_files_as_root(tmp_path: Path):
    binary = tmp_path / "uv"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    with tarfile.open(fileobj=io.BytesIO(tar_of({"x/uv": binary}))) as archive:
        member = archive.getmember("x/uv")
    assert member.mode & 0o111 and (member.uid, member.gid, member.uname) == (0, 0, "root")


class FakeContainer:
    """The two archive calls of a docker-py container, or the error they raise."""

    def __init__(self, archives: dict[str, bytes], error: Exception | None = None) -> None:
        self.archives, self.error = archives, error
        self.put: list[tuple[str, bytes]] = []

    def put_archive(self, path: str, data: bytes) -> bool:
        if self.error:
            raise self.error
        self.put.append((path, data))
        return True

    def get_archive(self, path: str):
        if self.error:
            raise self.error
        if path not in self.archives:
            raise docker.errors.NotFound("no such path")
        data = self.archives[path]
        return iter([data[:100], data[100:]]), {"name": path.rsplit("/", 1)[-1]}


def engine_archive(members: dict[str, bytes]) -> bytes:
    """What an engine's GET /archive sends: members named from the path's last part."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            if name.endswith("/"):
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
            else:
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_files_are_copied_in_at_absolute_paths_through_one_archive(tmp_path: Path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "install.sh").write_text("echo hi\n")
    container = FakeContainer({})
    put_files(container, {"/tmp/containerize-build": tmp_path / "b"})
    [(where, data)] = container.put
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        names = archive.getnames()
    assert where == "/" and "tmp/containerize-build/install.sh" in names
    with pytest.raises(ValueError):
        put_files(container, {"relative/path": tmp_path / "b"})


def test_collected_files_are_keyed_by_container_path_and_confined():
    folder = engine_archive({"out/": b"", "out/nb.ipynb": b"{}", "out/sub/r.json": b"[]",
                             "../../etc/evil": b"x", "outside": b"y"})
    container = FakeContainer({"/home/jovyan/out": folder,
                               "/home/jovyan/out/one.txt": engine_archive({"one.txt": b"1"})})
    files = collect_files(container, ["/home/jovyan/out/", "/home/jovyan/out/one.txt", "/absent"])
    assert files == {"/home/jovyan/out/nb.ipynb": b"{}", "/home/jovyan/out/sub/r.json": b"[]",
                     "/home/jovyan/out/one.txt": b"1"}
    assert files_of_archive(engine_archive({"x": b"1"}), "/a/x") == {"/a/x": b"1"}


def test_copy_failures_read_as_transfer_failures(monkeypatch):
    refused = FakeContainer({}, docker.errors.APIError("500", explanation="copy refused by policy"))
    with pytest.raises(BuildFailed) as caught:
        collect_files(refused, ["/home/jovyan/out"])
    assert "could not copy /home/jovyan/out out of the container" in caught.value.message
    assert "copy refused by policy" in caught.value.message and caught.value.hint == TRANSFER_HINT
    dropped = FakeContainer({}, requests.exceptions.ConnectionError("connection reset"))
    with pytest.raises(EngineUnavailable) as caught:
        put_files(dropped, {"/tmp/x": Path(__file__)})
    assert "while copying files into the container" in caught.value.message
    monkeypatch.setattr(container_files, "MAX_COLLECT_BYTES", 150)
    big = FakeContainer({"/out": engine_archive({"out/big": b"x" * 400})})
    with pytest.raises(BuildFailed) as caught:
        collect_files(big, ["/out"])
    assert "to copy out of the container" in caught.value.message


def test_connection_follows_the_docker_clis_settings(monkeypatch, tmp_path: Path):
    for key in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.docker/config.json: the default context
    local = connection(None, None, False)
    assert local.get("base_url", "unix:///var/run/docker.sock") == "unix:///var/run/docker.sock"
    assert local["use_ssh_client"] is False
    monkeypatch.setenv("DOCKER_HOST", "ssh://builder@build-host")
    assert connection(None, None, False) == {"base_url": "ssh://builder@build-host",
                                             "use_ssh_client": True}
    for name in ("ca.pem", "cert.pem", "key.pem"):  # docker-py checks they exist
        (tmp_path / name).write_text("")
    monkeypatch.setenv("DOCKER_HOST", "tcp://build-host:2376")
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    from_env = connection(None, None, False)
    assert from_env["base_url"] == "tcp://build-host:2376" and not from_env["use_ssh_client"]
    assert from_env["tls"].verify and from_env["tls"].ca_cert == str(tmp_path / "ca.pem")
    assert from_env["tls"].cert == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
    explicit = connection("tcp://other:2376", str(tmp_path), True)  # the server's settings win
    assert explicit["base_url"] == "tcp://other:2376" and explicit["tls"].verify


def test_verify_copies_its_results_out_and_mounts_nothing(hello_dir: Path):
    notebook = hello_dir / "hello.ipynb"
    cells = json.loads(notebook.read_text())["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    engine = FakeEngine()
    engine.container_files = {
        f"{OUT}/verify-report.json": json.dumps(
            {"python": "3.11.2", "cells": [{"index": i, "status": "passed"} for i in code]}
        ).encode(),
        f"{OUT}/hello.ipynb": notebook.read_bytes(),
    }
    report = verify_image(engine, "img:1", notebook, cell_timeout=30)
    assert report.passed and [c.index for c in report.cells] == code
    [run] = engine.runs
    assert run["files_out"] == [f"{OUT}/verify-report.json", f"{OUT}/hello.ipynb"]
    assert run["network"] is False and engine.copied_in == [{}]


def test_a_runner_that_never_reports_is_not_blamed_on_data_files(hello_dir: Path):
    engine = FakeEngine()
    engine.run_result.exit_code, engine.run_result.logs = 137, "Killed\n"
    with pytest.raises(VerifyFailed) as caught:
        verify_image(engine, "img:1", hello_dir / "hello.ipynb", cell_timeout=30)
    err = caught.value
    assert "stopped in img:1 before writing its report (exit 137: killed" in err.message
    assert "data files" not in err.hint and "run_notebook.py" in err.hint
    assert err.detail == "Killed\n"


def test_the_environment_step_copies_its_files_in(hello_spec, hello_dir: Path, tmp_path: Path):
    engine = FakeEngine()
    run_pipeline(BuildRequest(hello_dir / "hello.ipynb", BuildOptions(target="batch"), hello_spec),
                 engine, lambda *a, **k: None, threading.Event(), tmp_path)
    [files] = engine.copied_in
    assert files[BUILD_ONLY].name == ".containerize-build" and files[BUILD_ONLY].is_dir()
    # and the environment check (its script and what it expects) and the layer's normaliser,
    # outside what the commit keeps
    assert set(files) <= {BUILD_ONLY, f"{BUILD_ONLY}/uv", f"{CHECK_DIR}/environment_check.py",
                          f"{CHECK_DIR}/expected.json", f"{LAYER_TOOLS}/normalise_layer.py"}


def test_the_engines_own_ca_wins_over_requests_ca_bundle(monkeypatch, tmp_path: Path):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    api = EngineAPIClient(version="1.41", **connection("tcp://127.0.0.1:2376", str(tmp_path), True))
    settings = api.merge_environment_settings("https://127.0.0.1:2376/v1.41/info", {}, False, None, None)
    assert settings["verify"] == str(tmp_path / "ca.pem")
