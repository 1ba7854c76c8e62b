"""The HTTP front: thin tornado handlers over the kernel pool; errors as JSON {error, code, message}."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Optional

from tornado import web

from .config import ServeConfig
from .errors import BadRequest, KernelDied, NotFound, PayloadTooLarge, RunTimeout, ServeError, Unauthorized
from .metrics import Metrics
from .notebook import ServePlan
from .params import check_parameters, parse_body
from .pool import KernelPool
from .worker import RunResult

log = logging.getLogger("containerize.serve")


@dataclass
class ServeState:
    config: ServeConfig
    plan: ServePlan
    pool: KernelPool
    openapi: dict[str, Any]
    metrics: Metrics = field(default_factory=Metrics)


class JSONHandler(web.RequestHandler):
    def initialize(self, state: ServeState) -> None:
        self.state = state
        self.error_kind = ""

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")

    def send_json(self, status: int, body: Any) -> None:
        self.set_status(status)
        self.finish(json.dumps(body, allow_nan=False))

    def send_serve_error(self, err: ServeError) -> None:
        self.error_kind = err.kind
        body: dict[str, Any] = {"error": err.name, "code": err.code, "message": err.message}
        if err.cell is not None:
            body["cell"] = err.cell
        if self.state.config.debug and err.traceback:
            body["traceback"] = err.traceback
        if err.status == 401:
            self.set_header("WWW-Authenticate", 'Bearer realm="containerize"')
        if err.status == 503:
            self.set_header("Retry-After", "1")
        self.send_json(err.status, body)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Tornado's own errors (405, unexpected exceptions) in the same JSON shape."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        name = type(exc).__name__ if exc else "HTTPError"
        message = self._reason if not exc or isinstance(exc, web.HTTPError) else str(exc)
        self.error_kind = self.error_kind or "internal"
        code = "method_not_allowed" if status_code == 405 else "internal" if status_code >= 500 else "bad_request"
        self.finish(json.dumps({"error": name, "code": code, "message": message}))

    def require_token(self) -> None:
        token = self.state.config.token
        if not token:
            return
        header = self.request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        # constant-time: the comparison must not tell an attacker how much of the token matched
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise Unauthorized("A valid bearer token is required: Authorization: Bearer TOKEN.",
                               name="Unauthorized")


@web.stream_request_body
class RunHandler(JSONHandler):
    """POST /run: the body's JSON object overrides the parameters cell's defaults."""

    def prepare(self) -> None:
        self.started = time.monotonic()
        self.chunks: list[bytes] = []
        self.size = 0
        limit = self.state.config.max_body_bytes
        # past twice the limit tornado drops the connection; up to it we answer a proper 413
        self.request.connection.set_max_body_size(2 * limit + 65536)  # type: ignore[union-attr]
        try:
            self.require_token()
            declared = int(self.request.headers.get("Content-Length", "0") or 0)
            if declared > limit:
                raise PayloadTooLarge(f"The body has {declared} bytes; the limit is {limit}.",
                                      name="PayloadTooLarge")
        except ServeError as err:
            self.send_serve_error(err)
        except ValueError:
            self.send_serve_error(BadRequest("Content-Length is not a number.", name="BadRequest"))

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= self.state.config.max_body_bytes:
            self.chunks.append(chunk)

    async def post(self) -> None:
        try:
            if self.size > self.state.config.max_body_bytes:
                raise PayloadTooLarge(f"The body is larger than {self.state.config.max_body_bytes} bytes.",
                                      name="PayloadTooLarge")
            # parsed and checked whole before any kernel sees it: a bad body is a 400, never a hung kernel
            parsed = parse_body(b"".join(self.chunks), self.state.config.json_limits)
            values = check_parameters(self.state.plan, parsed)
            run = await self._run(values)
        except ServeError as err:
            self.send_serve_error(err)
            return
        body: dict[str, Any] = {"outputs": run.outputs}
        if run.result_defined:
            body["result"] = run.result
        self.send_json(200, body)

    async def _run(self, values: dict[str, Any]) -> RunResult:
        pool, timeout = self.state.pool, self.state.config.timeout_s
        async with pool.acquire() as worker:
            try:
                return await asyncio.wait_for(worker.run(values), timeout)
            except asyncio.TimeoutError:
                pool.mark_interrupted(worker)
                raise RunTimeout(f"The run took longer than {timeout:g} s; it was interrupted.",
                                 name="Timeout") from None
            except KernelDied:
                pool.mark_dead(worker)
                raise
            except ServeError:
                raise
            except Exception as err:  # a protocol surprise: the kernel's state is unknown, replace it
                log.exception("request failed")
                pool.mark_dead(worker)
                raise ServeError(str(err), name=type(err).__name__) from err

    def on_finish(self) -> None:
        if hasattr(self, "started"):
            self.state.metrics.observe(self.get_status(), time.monotonic() - self.started, self.error_kind)


@web.stream_request_body
class GetOnlyHandler(JSONHandler):
    """A GET endpoint reads no body: any other method answers 405 as soon as its headers are in (the
    body, up to 64 MiB and unauthenticated, is never read), and a GET's body is refused unread."""

    def prepare(self) -> None:
        self.request.connection.set_max_body_size(0)  # type: ignore[union-attr]
        if self.request.method not in ("GET", "HEAD"):
            self.set_header("Allow", "GET")
            self.set_header("Connection", "close")
            self.error_kind = "method_not_allowed"
            self.send_json(405, {"error": "HTTPError", "code": "method_not_allowed",
                                 "message": f"{self.request.method} is not allowed here; use GET."})

    def data_received(self, chunk: bytes) -> None:  # never kept
        return None


class HealthHandler(GetOnlyHandler):
    """Readiness: 200 once the kernels are warm. `?probe=live` (liveness): 200 while the process
    answers and some kernel can still come back, so a slow restart is not killed."""

    def get(self) -> None:
        pool = self.state.pool
        if self.get_argument("probe", "") == "live":
            self.send_json(503 if pool.broken else 200, {"status": "broken" if pool.broken else "alive"})
            return
        body = {"kernels": pool.counts(), "waiting": pool.waiting, "pool_size": len(pool.workers)}
        if pool.ready:
            self.send_json(200, {"status": "ready", **body})
        else:
            status = "stopping" if pool.draining else "recovering" if pool.warm else "starting"
            self.send_json(503, {"status": status, **body})


class OpenAPIHandler(GetOnlyHandler):
    def get(self) -> None:
        try:
            self.require_token()
        except ServeError as err:
            self.send_serve_error(err)
            return
        self.send_json(200, self.state.openapi)


class MetricsHandler(GetOnlyHandler):
    def get(self) -> None:
        pool = self.state.pool
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(self.state.metrics.render(pool.counts(), pool.waiting, pool.restarts))


class NotFoundHandler(JSONHandler):
    def prepare(self) -> None:
        self.send_serve_error(NotFound(f"No endpoint {self.request.path}; see /openapi.json.",
                                       name="NotFound"))


def log_request(handler: web.RequestHandler) -> None:
    """Failed requests only, and never the probes: a pod polls /health every few seconds."""
    status = handler.get_status()
    if status < 400 or handler.request.path in ("/health", "/metrics"):
        return
    level = logging.WARNING if status < 500 else logging.ERROR
    log.log(level, "%d %s %s %.1f ms", status, handler.request.method, handler.request.path,
            1000 * handler.request.request_time())


def make_app(state: ServeState, extra: Optional[dict[str, Any]] = None) -> web.Application:
    args = {"state": state}
    return web.Application(
        [(r"/run", RunHandler, args), (r"/health", HealthHandler, args),
         (r"/openapi.json", OpenAPIHandler, args), (r"/metrics", MetricsHandler, args)],
        default_handler_class=NotFoundHandler, default_handler_args=args, log_function=log_request,
        **(extra or {}),
    )
