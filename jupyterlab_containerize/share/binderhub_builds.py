"""BinderHub builds the Jupyter server watches for the panel: one worker thread each, recorded as
/containerize/builds records are (pipeline/records.py), with BinderHub's phases as the events."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Optional

from ..errors import BuildCancelled, BuildNotFound, ContainerizeError, InvalidRequest
from ..pipeline.records import BuildEvent, BuildRecord, BuildStatus, wait_until_finished
from ..redact import redact, redact_value
from .binderhub import DEFAULT_TIMEOUT_S, BinderHubBuild, BinderHubEvent, BinderHubRequest, ProgressLog
from .binderhub_target import BinderHubTarget

KEEP_FINISHED = 50  # records live in memory only; the oldest finished ones go first
MAX_TIMEOUT_S = 6 * 3600.0
BODY_KEYS = ("path", "binderhub_url", "build_binderhub_url", "provider", "remote", "prebuild", "build_token",
             "hub_token", "timeout")
HUB_TOKEN_ENV = "BINDERHUB_API_TOKEN"  # the server's own, when a request sends none

BuildFactory = Callable[[BinderHubRequest, float], BinderHubBuild]


@dataclass
class BinderHubBuildOptions:
    """The body of `POST /containerize/binder/builds`, checked."""

    path: Any
    binderhub_url: Optional[str] = None
    build_binderhub_url: Optional[str] = None  # an API-only BinderHub to build on; default binderhub_url
    provider: Optional[str] = None
    remote: Optional[str] = None
    prebuild: bool = True  # build_only=true; false: build and launch, the result has the launch URL
    build_token: Optional[str] = None
    hub_token: Optional[str] = None  # a JupyterHub API token for a BinderHub behind a login; never recorded
    timeout: float = DEFAULT_TIMEOUT_S

    def __repr__(self) -> str:  # the tokens are credentials: never in a log line or a traceback
        return f"BinderHubBuildOptions(path={self.path!r}, binderhub_url={self.binderhub_url!r})"

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> BinderHubBuildOptions:
        unknown = sorted(set(body) - set(BODY_KEYS))
        if unknown:
            raise InvalidRequest(f"Unknown field(s): {', '.join(unknown)}.", hint=f"Use {', '.join(BODY_KEYS)}.")
        strings = {key: _optional_str(body, key)
                   for key in ("binderhub_url", "build_binderhub_url", "provider", "remote", "build_token",
                               "hub_token")}
        strings["hub_token"] = strings["hub_token"] or os.environ.get(HUB_TOKEN_ENV) or None
        prebuild = body.get("prebuild", True)
        if not isinstance(prebuild, bool):
            raise InvalidRequest("'prebuild' must be true or false.")
        timeout = body.get("timeout", DEFAULT_TIMEOUT_S)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 1 <= timeout <= MAX_TIMEOUT_S:
            raise InvalidRequest(f"'timeout' must be a number of seconds from 1 to {MAX_TIMEOUT_S:.0f}.")
        return cls(path=body.get("path"), prebuild=prebuild, timeout=float(timeout), **strings)


USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#@]+@")


class BinderHubBuilds:
    def __init__(self, keep: int = KEEP_FINISHED, build_factory: Optional[BuildFactory] = None) -> None:
        self._keep = keep
        self._factory = build_factory or (lambda request, timeout: BinderHubBuild(request, timeout=timeout))
        self._lock = threading.Lock()
        self._records: dict[str, BuildRecord] = {}
        self._running: dict[str, BinderHubBuild] = {}

    def submit(self, notebook: str, target: BinderHubTarget, timeout: float = DEFAULT_TIMEOUT_S) -> BuildRecord:
        request = target.request
        record = BuildRecord(id=uuid.uuid4().hex[:12], notebook=notebook, status=BuildStatus.RUNNING.value,
                             options=redact_value({
                                 "binderhub_url": request.base, "provider": request.provider, "spec": request.spec,
                                 "commit": request.commit, "build_only": request.build_only,
                                 "build_token": request.build_token is not None,
                                 "hub_token": request.hub_token is not None, "request": request.shown_url(),
                                 "link": target.link, "urlpath": target.urlpath, "timeout": timeout}))
        record.started = record.created  # no queue: the request goes out now
        build = self._factory(request, timeout)
        with self._lock:
            self._prune()
            self._records[record.id] = record
            self._running[record.id] = build
        for warning in target.warnings:
            self._emit(record, "log", f"warning: {warning}")
        self._emit(record, "log", f"GET {request.shown_url()}")
        threading.Thread(target=self._run, args=(record, build, target), daemon=True,
                         name=f"binderhub-{record.id}").start()
        return record

    def get(self, build_id: str) -> BuildRecord:
        with self._lock:
            record = self._records.get(build_id)
        if record is None:
            raise BuildNotFound(f"No BinderHub build {build_id!r}.",
                                hint="List them with GET /containerize/binder/builds; the server keeps them in "
                                     "memory, so a restart forgets them.")
        return record

    def view(self, build_id: str, since: int = 0) -> dict[str, Any]:
        record = self.get(build_id)
        with self._lock:
            return record.view(since)

    def summary(self, build_id: str) -> dict[str, Any]:
        record = self.get(build_id)
        with self._lock:
            return record.summary()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.summary() for r in sorted(self._records.values(), key=lambda r: r.created)]

    def cancel(self, build_id: str) -> BuildRecord:
        """Closes the stream to BinderHub; the worker ends the record as cancelled."""
        record = self.get(build_id)
        with self._lock:
            build = self._running.get(build_id)
        if build is not None:
            build.close()
        return record

    def shutdown(self) -> None:
        with self._lock:
            builds = list(self._running.values())
        for build in builds:
            build.close()

    def wait(self, build_id: str, timeout: float = 60) -> BuildRecord:
        """Block until the build ends (tests and scripts)."""
        return wait_until_finished(self.get, build_id, timeout, poll_s=0.05, what="BinderHub build")

    def _run(self, record: BuildRecord, build: BinderHubBuild, target: BinderHubTarget) -> None:
        log = ProgressLog()

        def on_event(event: BinderHubEvent) -> None:
            for line in log.lines(event):
                self._emit(record, "log", line, data={"phase": event.phase} if event.phase else None)

        try:
            outcome = build.run(on_event)
            result = {**outcome.to_dict(target.urlpath), "link": target.link, "commit": build.request.commit}
            api_only = outcome.build_only and target.link_on_build_hub
            if api_only:  # only an API-only hub accepts build_only, and it serves no launch page
                result.update(link=None, note=api_only_note(build.request.base))
            done = (f"Image built on {build.request.base}. {result['note']}" if api_only else
                    f"Image built on {build.request.base}: launches of this commit start without a build on "
                    "BinderHubs that share its image registry." if outcome.build_only else
                    "Server ready on BinderHub: open the result's launch_url." if outcome.launched else
                    "BinderHub says ready but sent no server URL.")
            self._emit(record, "done", done, data={"phase": outcome.phase})
            self._finish(record, BuildStatus.SUCCEEDED, result=result)
        except BuildCancelled as err:
            self._emit(record, "error", err.message, data=err.to_dict())
            self._finish(record, BuildStatus.CANCELLED, error=err.to_dict())
        except ContainerizeError as err:
            self._emit(record, "error", err.message, data=err.to_dict())
            self._finish(record, BuildStatus.FAILED, error=err.to_dict())
        except Exception as err:  # a bug must still end the record, with what to report
            self._emit(record, "error", f"Unexpected error: {err}")
            self._finish(record, BuildStatus.FAILED, error={
                "code": "internal-error", "message": f"Unexpected error: {err}", "hint": None, "detail": None})

    def _emit(self, record: BuildRecord, kind: str, message: str, data: Optional[dict[str, Any]] = None) -> None:
        with self._lock:
            record.events.append(BuildEvent(index=len(record.events), kind=kind, message=redact(message),
                                            data=redact_value(data)))

    def _finish(self, record: BuildRecord, status: BuildStatus, result: Optional[dict[str, Any]] = None,
                error: Optional[dict[str, Any]] = None) -> None:
        with self._lock:
            record.status, record.finished = status.value, time.time()
            # user:pw@ of a hub URL never stays in a record; the launch URL keeps the server's own token
            record.result, record.error = _without_userinfo(result), redact_value(error)
            self._running.pop(record.id, None)

    def _prune(self) -> None:
        """Called with the lock held: forget the oldest finished records beyond `keep`."""
        finished = sorted((r for r in self._records.values() if BuildStatus(r.status).finished),
                          key=lambda r: r.created)
        for record in finished[:max(0, len(finished) - self._keep)]:
            del self._records[record.id]


def api_only_note(base: str) -> str:
    """Why there is no link after a build_only build on the hub the link would open on."""
    return (f"{base} accepted build_only, which BinderHub allows only in API-only mode (enable_api_only_mode): "
            "it serves no launch page, so a link to it would not open. Launches start without a build on a "
            f"BinderHub that shares its image registry: give that one as the BinderHub, and {base} to build on.")


def _without_userinfo(value: Any) -> Any:
    if isinstance(value, str):
        return USERINFO.sub(r"\1***@", value)
    if isinstance(value, dict):
        return {k: _without_userinfo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_userinfo(v) for v in value]
    return value


def _optional_str(body: dict[str, Any], key: str) -> Optional[str]:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidRequest(f"'{key}' must be a string.")
    return value or None
