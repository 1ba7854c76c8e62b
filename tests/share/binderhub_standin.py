"""A stand-in for BinderHub's build API, for tests (BinderHub itself needs Kubernetes and is not on PyPI).

It speaks what docs/source/api.rst and binderhub/builder.py document: `GET /build/<provider>/<spec>`
answers `text/event-stream` with `data: {json}` events and `:keepalive` comments; errors are a
`failed` event with `status_code` (the stream cannot change its HTTP status); `build_only=true` is
refused unless the hub runs in API-only mode, else the stream ends in `ready` after the build without
a launch; a wrong `build_token` is refused with 403. After its last event it keeps the stream open,
as BinderHub does for 60 s, so a client must close it. Everything it is asked is kept in `requests`.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.iostream import StreamClosedError
from tornado.netutil import bind_sockets

HANG = "hang"  # a script step: send keepalives until the client goes away
Step = Union[dict, float, str]

SERVER_URL_PATH = "/user/octo-analysis-x1y2z3/"
SERVER_TOKEN = "s3rv3r-t0k3n"

BUILD_SCRIPT: list[Step] = [
    {"phase": "waiting", "message": "Waiting for build to start...\n"},
    {"message": "Picked Git content provider.\n"},
    {"phase": "fetching", "message": "Cloning into '/tmp/repo2docker'...\n"},
    0.02,
    {"phase": "building", "message": "Step 1/3 : FROM buildpack-deps:jammy"},
    {"phase": "building", "message": "Fetching base image...\r"},
    {"phase": "building", "message": "Fetching base image...\r"},
    {"phase": "building", "message": " ---> 0707eec19ac4\n"},
    {"phase": "pushing", "message": "Pushing image\n", "progress": {"layer1": {"current": 1, "total": 2}}},
    {"phase": "built", "message": "Built image, launching...\n", "imageName": "registry/binder-octo:abc"},
    {"phase": "launching", "message": "Launching server...\n"},
    {"phase": "weird-new-phase", "message": "A phase this client does not know\n"},
    {"phase": "ready", "message": "server running at {url}\n", "url": "{url}", "token": SERVER_TOKEN,
     "image": "registry/binder-octo:abc"},
]
FAILED_SCRIPT: list[Step] = [
    {"phase": "waiting", "message": "Waiting for build to start...\n"},
    {"phase": "building", "message": "Step 2/3 : RUN pip install -r binder/requirements.txt"},
    {"phase": "building", "message": "ERROR: No matching distribution found for six==99.0\n"},
    {"phase": "failed", "message": "The image build failed: pip could not install six==99.0\n"},
]
# the git provider takes any full SHA as is; repo2docker then fails to check out a commit never pushed
UNPUSHED_SCRIPT: list[Step] = [
    {"phase": "waiting", "message": "Waiting for build to start...\n"},
    {"phase": "fetching", "message": "Cloning into '/tmp/repo2docker'...\n"},
    {"phase": "fetching", "message": "fatal: Could not parse object '{commit}'.\n"},
    {"phase": "failed", "message": "Failed to check out ref {commit}\n"},
]
# what repo2docker and the engine print as they are: colours, and the engine's raw aux lines
RAW_LOG_SCRIPT: list[Step] = [
    {"phase": "building", "message": "\x1b[1mStep 1/3 : FROM buildpack-deps:jammy\x1b[0m\n"},
    {"phase": "building", "message": "\x1b[32mSuccessfully\x1b[0m built 0707eec19ac4\n"},
    {"phase": "building", "message": '{"aux": {"ID": "sha256:0707eec19ac4"}}\n'},
    {"phase": "pushing", "message": '{"aux": {"Tag": "abc", "Digest": "sha256:1234", "Size": 1}}\n'},
    {"phase": "built", "message": "Built image, launching...\n", "imageName": "registry/binder-octo:abc"},
]
BUILD_ONLY_REFUSED = ("Building but not launching is not permitted when the API only mode was not enabled "
                      "by setting `enable_api_only_mode` to True. ")


@dataclass
class StandIn:
    script: list[Step] = field(default_factory=lambda: list(BUILD_SCRIPT))
    api_only_mode: bool = True  # BinderHub.enable_api_only_mode: the only mode that allows build_only
    build_token: Optional[str] = None  # when set, a request with another token is refused (403)
    keepalive_s: float = 0.02
    linger_s: float = 30.0  # BinderHub keeps the stream open 60 s after the last event
    http_status: Optional[int] = None  # answer like a proxy in front: this status, an HTML page
    # a BinderHub behind JupyterHub authentication: a request without `Authorization: token <it>` gets
    # a 403 page, as JupyterHub's API authentication answers
    hub_api_token: Optional[str] = None
    content_type: str = "text/event-stream"
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    client_closed: threading.Event = field(default_factory=threading.Event)
    stream_started: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class BuildHandler(tornado.web.RequestHandler):
    def initialize(self, hub: StandIn) -> None:
        self.hub = hub
        self.closed = asyncio.Event()

    def on_connection_close(self) -> None:
        self.closed.set()
        self.hub.client_closed.set()

    async def get(self, provider: str, _spec: str) -> None:
        hub = self.hub
        query = {k: self.get_query_argument(k) for k in self.request.query_arguments}
        hub.requests.append({"path": self.request.path, "query": query, "headers": dict(self.request.headers)})
        if hub.hub_api_token and self.request.headers.get("Authorization") != f"token {hub.hub_api_token}":
            self.set_status(403)
            self.set_header("Content-Type", "text/html")
            self.finish("<html><body>403 Forbidden</body></html>")
            return
        if hub.http_status:
            self.set_status(hub.http_status)
            self.set_header("Content-Type", "text/html")
            self.finish("<html><body>Bad gateway</body></html>")
            return
        self.set_header("Content-Type", hub.content_type)
        self.set_header("Cache-Control", "no-cache")
        failure = self._refusal(provider, query)
        if failure is not None:
            await self._emit(failure)
            self.finish()
            return
        hub.stream_started.set()
        await self._comment("keepalive")
        await self._play(query.get("build_only", "").lower() == "true")
        await self._pause(hub.linger_s)

    def _refusal(self, provider: str, query: dict[str, str]) -> Optional[dict]:
        """What BinderHub answers before building: the checks of its BuildHandler, in its order."""
        if "text/event-stream" not in self.request.headers.get("Accept", ""):
            return {"phase": "failed", "status_code": 400, "message": "Missing Accept header: text/event-stream\n"}
        token = query.get("build_token")
        if token and self.hub.build_token is not None and token != self.hub.build_token:
            return {"phase": "failed", "status_code": 403, "message": "Invalid build token\n"}
        if provider not in ("gh", "gl", "git", "gist"):
            return {"phase": "failed", "message": f"No provider found for prefix {provider}\n"}
        if query.get("build_only", "").lower() == "true" and not self.hub.api_only_mode:
            return {"phase": "failed", "status_code": 400, "message": BUILD_ONLY_REFUSED + "\n"}
        return None

    async def _play(self, build_only: bool) -> None:
        server_url = f"{self.hub.url}{SERVER_URL_PATH}"
        commit = self.request.path.rsplit("/", 1)[-1]
        for step in self.hub.script:
            if self.closed.is_set():
                return
            if step == HANG:
                await self._pause(3600)
            elif isinstance(step, (int, float)):
                await self._pause(float(step))
            elif isinstance(step, dict):
                event = json.loads(json.dumps(step).replace("{url}", server_url).replace("{commit}", commit))
                if build_only and event.get("phase") == "built":
                    # builder.py: with build_only the built image ends the stream as `ready`, no launch
                    await self._emit({"phase": "ready", "message": "Done! Image built\n",
                                      "imageName": event.get("imageName")})
                    return
                await self._emit(event)

    async def _pause(self, seconds: float) -> None:
        """Wait, sending keepalives, until the time is up or the client is gone."""
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        while not self.closed.is_set() and loop.time() < end:
            if self.hub.keepalive_s <= 0:
                await asyncio.sleep(min(0.05, max(0.0, end - loop.time())))
                continue
            try:
                await asyncio.wait_for(self.closed.wait(), timeout=min(self.hub.keepalive_s, end - loop.time()))
            except asyncio.TimeoutError:
                await self._comment("keepalive")

    async def _emit(self, event: dict) -> None:
        await self._write(f"data: {json.dumps(event)}\n\n")

    async def _comment(self, text: str) -> None:
        await self._write(f":{text}\n\n")

    async def _write(self, text: str) -> None:
        if self.closed.is_set():
            return
        try:
            self.write(text)
            await self.flush()
        except StreamClosedError:
            self.on_connection_close()


@contextmanager
def running_standin(**settings: Any) -> Iterator[StandIn]:
    """A stand-in served on 127.0.0.1 from its own thread and event loop, for sync and async tests."""
    hub = StandIn(**settings)
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def serve() -> None:
        sockets = bind_sockets(0, "127.0.0.1")
        hub.port = sockets[0].getsockname()[1]
        server = HTTPServer(tornado.web.Application([(r"/build/([^/]+)/(.+)", BuildHandler, {"hub": hub})]))
        server.add_sockets(sockets)
        holder["loop"], holder["stop"] = asyncio.get_running_loop(), asyncio.Event()
        ready.set()
        await holder["stop"].wait()
        server.stop()
        await server.close_all_connections()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True, name="binderhub-standin")
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("the BinderHub stand-in did not start")
    try:
        yield hub
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(10)
