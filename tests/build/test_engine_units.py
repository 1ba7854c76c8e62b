"""Engine helpers without an engine: error mapping, the environment key, tag splitting."""

from __future__ import annotations

from pathlib import Path

import docker.errors
import pytest

from jupyterlab_containerize.build.docker_engine import _split_tag, container_errors, tar_of
from jupyterlab_containerize.build.environment_image import environment_key
from jupyterlab_containerize.errors import BuildFailed, DiskFull


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
    assert _split_tag("127.0.0.1:5000/team/nb:1") == ("127.0.0.1:5000/team/nb", "1")
    assert _split_tag("python:3.11-slim") == ("python", "3.11-slim")
    assert _split_tag("localhost/containerize-test/python") == (
        "localhost/containerize-test/python", "latest")


def test_tar_of_keeps_the_executable_bit(tmp_path: Path):
    import io
    import tarfile

    binary = tmp_path / "uv"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    with tarfile.open(fileobj=io.BytesIO(tar_of({"x/uv": binary}))) as archive:
        assert archive.getmember("x/uv").mode & 0o111
