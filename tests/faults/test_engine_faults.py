"""Faults during the environment step, on the real engine (issue 23): the disk full, the package
index gone mid-install, the engine gone during the commit. Each must end in a clear error with
nothing committed or labelled, the earlier image of that environment intact, and the next build
must succeed once the fault is gone.

How each fault is made here (the engine is shared with other work, so it is never restarted):
- disk full: a 16 MB tmpfs volume mounted over the venv's folder in the install container;
- the index gone: a package index on this host that answers the first project pages (fetched from
  PyPI) and then closes every connection without a reply;
- the engine gone during the commit: the engine reached through a proxy of its socket that drops
  the connection carrying POST /commit before the engine sees it (as a restart would); the
  container and the connection pool must recover.
"""

from __future__ import annotations

import http.server
import socket
import socketserver
import threading
import urllib.request
from typing import Any, Iterator

import pytest

from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.builder.environment_check import CHECK_LABEL
from jupyterlab_containerize.errors import ContainerizeError, DiskFull, EngineUnavailable
from jupyterlab_containerize.layout import VENV
from tests.builder.conftest import TEST_BASE

from .environment_faults import env_images, environment_step, key_of, remove_ours, render

pytestmark = [pytest.mark.docker, pytest.mark.integration]
HOST_FROM_CONTAINERS = "172.17.0.1"  # the default bridge's gateway: this host, seen from a container


@pytest.fixture(scope="module")
def engine(docker_engine) -> Iterator[Any]:
    before = env_images(docker_engine)
    yield docker_engine
    remove_ours(docker_engine, before)


def assert_untouched(engine, key: str, before: dict) -> None:
    assert env_images(engine, key) == before  # nothing committed or labelled; earlier tags where they were


def next_build_succeeds(engine, context) -> None:
    tag, _ = environment_step(engine, context, rebuild=False)  # checked again if an earlier one is there
    labels = engine.image_info(tag).labels
    assert labels[CHECK_LABEL] and "tree" in labels["io.jupyter.containerize.environment.apt"]


def test_disk_full_during_the_environment_step(engine, hello_spec, hello_dir, tmp_path, monkeypatch):
    volume = f"h23-faults-tmpfs-{tmp_path.name[-20:]}"
    engine.client.volumes.create(volume, driver="local",
                                 driver_opts={"type": "tmpfs", "device": "tmpfs", "o": "size=16m"})
    real = engine.run_and_commit

    def small_disk(*args: Any, **kwargs: Any) -> Any:
        kwargs["volumes"] = {**(kwargs.get("volumes") or {}), volume: VENV}
        return real(*args, **kwargs)

    context = render(hello_spec, hello_dir, tmp_path / "full", TEST_BASE)
    key = key_of(engine, context)
    before = env_images(engine, key)
    monkeypatch.setattr(engine, "run_and_commit", small_disk)
    try:
        with pytest.raises(DiskFull) as caught:
            environment_step(engine, context)
    finally:
        monkeypatch.undo()
        engine.client.volumes.get(volume).remove(force=True)
    assert caught.value.message == "The engine ran out of disk space during the build."
    assert_untouched(engine, key, before)
    next_build_succeeds(engine, render(hello_spec, hello_dir, tmp_path / "space", TEST_BASE))


class _DyingIndex(http.server.BaseHTTPRequestHandler):
    """PyPI's pages for the first `serve` requests, then connections closed without a reply."""

    served = 0
    serve = 2

    def do_GET(self) -> None:  # noqa: N802
        cls = type(self)
        cls.served += 1
        if cls.served > cls.serve:
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        upstream = urllib.request.Request(f"https://pypi.org{self.path}",
                                          headers={"Accept": self.headers.get("Accept", "text/html")})
        with urllib.request.urlopen(upstream, timeout=30) as reply:  # noqa: S310
            body = reply.read()
            kind = reply.headers.get("Content-Type", "text/html")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_the_index_dies_mid_install(engine, hello_spec, hello_dir, tmp_path):
    server = socketserver.ThreadingTCPServer(("0.0.0.0", 0), _DyingIndex)  # noqa: S104  containers reach it
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        index = f"http://{HOST_FROM_CONTAINERS}:{server.server_address[1]}/simple"
        context = render(hello_spec, hello_dir, tmp_path / "dying", TEST_BASE, index_url=index)
        key = key_of(engine, context)
        before = env_images(engine, key)
        with pytest.raises(ContainerizeError) as caught:
            environment_step(engine, context)
    finally:
        server.shutdown()
        server.server_close()
    assert _DyingIndex.served > _DyingIndex.serve  # it did answer, then died
    first = caught.value.message.splitlines()[0]
    assert "failed" in first.lower() and "Traceback" not in caught.value.message, caught.value.message
    assert_untouched(engine, key, before)
    # the index comes back: the same lock from the same index URL builds
    _DyingIndex.serve = 10_000
    server = socketserver.ThreadingTCPServer(("0.0.0.0", 0), _DyingIndex)  # noqa: S104
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        index = f"http://{HOST_FROM_CONTAINERS}:{server.server_address[1]}/simple"
        next_build_succeeds(engine, render(hello_spec, hello_dir, tmp_path / "back", TEST_BASE, index_url=index))
    finally:
        server.shutdown()
        server.server_close()


class _EngineProxy:
    """tcp://127.0.0.1:PORT to the engine's socket; while `cut`, a request to /commit is dropped."""

    def __init__(self, socket_path: str = "/var/run/docker.sock") -> None:
        self.socket_path = socket_path
        self.cut = True
        self.dropped = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"tcp://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            engine = socket.socket(socket.AF_UNIX)
            engine.connect(self.socket_path)
            threading.Thread(target=self._pipe, args=(client, engine, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(engine, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, requests: bool) -> None:
        try:
            while data := src.recv(65536):
                if requests and self.cut and data.startswith(b"POST ") and b"/commit?" in data.split(b"\r\n", 1)[0]:
                    self.dropped += 1
                    break
                dst.sendall(data)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self) -> None:
        self.listener.close()


def test_the_engine_goes_away_during_the_commit(engine, hello_spec, hello_dir, tmp_path):
    proxy = _EngineProxy()
    try:
        through = DockerEngine(base_url=proxy.url)
        context = render(hello_spec, hello_dir, tmp_path / "commit", TEST_BASE)
        key = key_of(engine, context)
        before = env_images(engine, key)
        containers = {c["Id"] for c in engine.client.api.containers(all=True)}
        with pytest.raises(EngineUnavailable) as caught:
            environment_step(through, context)
        assert proxy.dropped == 1
        assert "\n" not in caught.value.message and "stopped answering" in caught.value.message
        assert_untouched(engine, key, before)
        left = [c for c in engine.client.api.containers(all=True) if c["Id"] not in containers]
        ours = [c["Id"] for c in left if "containerize-check" in c.get("Command", "")]  # others' come and go
        assert ours == []  # the install container was removed once the engine answered again
        proxy.cut = False  # the engine is back
        next_build_succeeds(through, render(hello_spec, hello_dir, tmp_path / "back", TEST_BASE))
    finally:
        proxy.close()
