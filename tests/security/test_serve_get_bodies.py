"""The serving runtime never reads an unauthenticated body on its GET endpoints: POST /health,
/metrics or /openapi.json with a 64 MiB Content-Length gets its 405 after the headers alone."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Iterator

import pytest
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

from jupyterlab_containerize.serve.app import make_app


@pytest.fixture
def port() -> Iterator[int]:
    ready = threading.Event()
    box: dict[str, object] = {}

    def serve() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        server = HTTPServer(make_app(object()), max_body_size=64 << 20)  # type: ignore[arg-type]
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        server.add_sockets([sock])
        box["port"], box["loop"] = sock.getsockname()[1], IOLoop.current()
        ready.set()
        IOLoop.current().start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield int(box["port"])  # type: ignore[call-overload]
    loop: IOLoop = box["loop"]  # type: ignore[assignment]
    loop.add_callback(loop.stop)


@pytest.mark.parametrize("path", ["/health", "/metrics", "/openapi.json"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_a_big_body_on_a_get_endpoint_is_answered_405_unread(port: int, path: str, method: str):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        conn.sendall(f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {64 << 20}\r\n\r\n".encode())
        conn.sendall(b"{" * 4096)  # a few KB of the announced 64 MiB, then nothing
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = conn.recv(65536)  # times out (5 s) if the server waits for the rest of the body
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405"), answer[:200]
    assert json.loads(body)["code"] == "method_not_allowed"
