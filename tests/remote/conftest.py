"""The remote engine of .ci/setup-remote-engine.sh: a second dockerd on tcp://127.0.0.1 with TLS
that does not share the client's files, and a way to run the client where its /tmp is its own."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Iterator

import pytest

from tests.builder.conftest import TEST_BASE, registry  # noqa: F401  (the registry fixture)

ENGINE_DIR = Path(os.environ.get("REMOTE_ENGINE_DIR", "/var/lib/containerize-remote-engine"))
ENGINE_URL = f"tcp://127.0.0.1:{os.environ.get('REMOTE_ENGINE_PORT', '23760')}"
CERTS = ENGINE_DIR / "client"
SETUP = "run .ci/setup-remote-engine.sh (after .ci/setup-docker.sh and .ci/build-test-base.sh)"
REPO = Path(__file__).resolve().parents[2]
# In a mount namespace of its own, /tmp is a fresh tmpfs: the engine, in the host's, cannot see
# it. The client's files arrive as a tar on stdin; then the command runs from there.
ISOLATE = (
    "set -e; mount -t tmpfs -o mode=1777 tmpfs /tmp; mkdir /tmp/client; "
    'tar -C /tmp/client -x; cd /tmp/client; exec "$@"'
)


def user_env() -> dict[str, str]:
    """What a user sets to reach a shared build host over TLS."""
    return {"DOCKER_HOST": ENGINE_URL, "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(CERTS)}


@pytest.fixture(scope="session")
def remote_engine() -> Iterator[object]:
    """The remote engine through the server's settings (engine_url & co.); cleans up its images."""
    from jupyterlab_containerize.builder.docker_engine import DockerEngine
    from jupyterlab_containerize.errors import EngineUnavailable

    if not (CERTS / "key.pem").exists():
        pytest.skip(f"no remote engine: {SETUP}")
    try:
        engine = DockerEngine(base_url=ENGINE_URL, tls_cert_path=str(CERTS), tls_verify=True)
    except EngineUnavailable:
        pytest.skip(f"the remote engine does not answer: {SETUP}")
    try:
        engine.client.api.inspect_image(TEST_BASE)
    except Exception:
        pytest.skip(f"no {TEST_BASE} in the remote engine: {SETUP}")
    before = {image.id for image in engine.client.images.list(all=True)}
    yield engine
    for image in engine.client.images.list():
        if image.id not in before:
            for tag in image.tags or [image.id]:
                engine.client.images.remove(tag, force=True, noprune=False)
    engine.client.images.prune(filters={"dangling": True})


@pytest.fixture(scope="session")
def isolated() -> object:
    """run(files, command, env): `command` in its own mount namespace with a private /tmp that
    holds only `files` ({name under /tmp/client: host path}); returns the CompletedProcess."""
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True) if unshare else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs `unshare --mount` (root or CAP_SYS_ADMIN) to hide the client's /tmp")

    def run(files: dict[str, Path], command: list[str], env: dict[str, str],
            timeout: int = 900) -> subprocess.CompletedProcess[str]:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as archive:
            for name, path in files.items():
                archive.add(str(path), arcname=name)
        base = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
        full_env = {**base, "PYTHONPATH": str(REPO), "TMPDIR": "/tmp", **env}
        done = subprocess.run(
            [unshare or "unshare", "--mount", "--propagation", "private", "sh", "-c", ISOLATE,
             "isolate", *command],
            input=buffer.getvalue(), capture_output=True, env=full_env, timeout=timeout,
        )
        return subprocess.CompletedProcess(done.args, done.returncode,
                                           done.stdout.decode("utf-8", "replace"),
                                           done.stderr.decode("utf-8", "replace"))

    return run


PYTHON = sys.executable
