"""BinderHub's build API: `GET <hub>/build/<provider>/<spec>/<ref>`, an event stream of build phases.

Follows BinderHub's docs/source/api.rst and binderhub/builder.py (jupyterhub/binderhub at commit
b9fad995d5529e487c25a9f0795f4fe150a96f25, April 2026; see docs/binder.md). Blocking I/O (requests):
the CLI reads on its own thread, the server in a worker thread; `close()` from any thread cancels.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote, urlencode, urljoin, urlsplit

import requests
import urllib3

from .. import __version__
from ..errors import (
    BinderHubBuildFailed,
    BinderHubTimeout,
    BinderHubUnreachable,
    BuildCancelled,
    InvalidRequest,
)
from .sse import EventStreamParser, NotAnEventStream

PHASES = ("waiting", "fetching", "building", "pushing", "built", "launching", "ready", "failed")
DEFAULT_TIMEOUT_S = 3600.0  # a whole repo2docker build, pushed and launched
HUB_TOKEN_ENV = "BINDERHUB_API_TOKEN"  # a JupyterHub API token for a BinderHub behind a login, when none is given
IDLE_TIMEOUT_S = 120.0  # BinderHub sends a keepalive every 25 s (30 s in older versions)
CONNECT_TIMEOUT_S = 15.0
_COMMIT = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_BUILD_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{1,8192}")  # a JWT: base64url parts and dots
_HUB_TOKEN = re.compile(r"[A-Za-z0-9._~+/=-]{8,4096}")  # JupyterHub's API tokens (hex, or a prefix_ form)
# terminal colours and cursor moves in repo2docker's and the engine's output: a log is plain text
_TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# the engine's machine lines (`{"aux": {"ID": ...}}`, a push digest) that repo2docker echoes verbatim
_RAW_AUX = re.compile(r'\s*\{\s*"aux"\s*:.*\}\s*')
# what git and repo2docker say when the commit asked for is not on the remote (not pushed)
_NOT_PUSHED = ("failed to check out ref", "reference is not a tree", "could not parse object", "not our ref",
               "unadvertised object", "did not match any file(s) known to git", "unknown revision")
_BUILD_ONLY_REFUSED = ("enable_api_only_mode", "building but not launching is not permitted")


def hub_token_or_env(token: Optional[str]) -> Optional[str]:
    """The token given, else this process's $BINDERHUB_API_TOKEN, else none."""
    return token or os.environ.get(HUB_TOKEN_ENV) or None


@dataclass(frozen=True)
class BinderHubRequest:
    base: str  # the BinderHub's checked base URL (link.binderhub_base), no trailing slash
    provider: str
    spec: str  # the provider's repository spec, encoded as link.provider_spec makes it
    commit: str
    build_only: bool = False
    build_token: Optional[str] = field(default=None, repr=False)  # a credential: never shown or recorded
    # a JupyterHub API token for a BinderHub behind authentication, sent as its own page sends it
    # (`Authorization: token ...`, never in the URL); never shown, logged or recorded
    hub_token: Optional[str] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not _COMMIT.fullmatch(self.commit):
            raise InvalidRequest(f"{self.commit!r} is not a full commit SHA.")
        if self.build_token is not None:
            if not _BUILD_TOKEN.fullmatch(self.build_token):
                raise InvalidRequest("The build token is not a token BinderHub gives (a JWT).",
                                     hint="Copy it whole, or leave it out.")
        if self.hub_token is not None and not _HUB_TOKEN.fullmatch(self.hub_token):
            raise InvalidRequest("The hub API token is not a token JupyterHub gives (letters, digits, -_.~+/=).",
                                 hint="Copy it whole from the hub's token page (/hub/token), or leave it out.")

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache", "Accept-Encoding": "identity",
                   "User-Agent": f"jupyterlab-containerize/{__version__}"}
        if self.hub_token:
            headers["Authorization"] = f"token {self.hub_token}"
        return headers

    @property
    def path(self) -> str:
        return f"/build/{self.provider}/{self.spec}/{self.commit}"

    def spec_shown(self) -> str:
        return unquote(self.spec)

    def url(self) -> str:
        query = {**({"build_only": "true"} if self.build_only else {}),
                 **({"build_token": self.build_token} if self.build_token else {})}
        return self.base + self.path + (f"?{urlencode(query)}" if query else "")

    def shown_url(self) -> str:
        """The URL without the build token's value, for output, logs and records."""
        query = ["build_only=true"] if self.build_only else []
        query += ["build_token=***"] if self.build_token else []
        return self.base + self.path + (f"?{'&'.join(query)}" if query else "")


@dataclass
class BinderHubEvent:
    phase: Optional[str]  # as BinderHub sent it; None for a log line without one
    message: str
    fields: dict[str, Any]

    @property
    def kind(self) -> str:
        return (self.phase or "").lower()

    def lines(self) -> list[str]:
        """The message as lines, as a terminal shows them (a `\\r` progress line keeps its last text)."""
        out = []
        for line in _TERMINAL_CODES.sub("", self.message).split("\n"):
            line = line.rstrip("\r").rsplit("\r", 1)[-1].rstrip()
            if line.strip() and not _RAW_AUX.fullmatch(line):
                out.append(line)
        return out


def parse_event(data: str) -> BinderHubEvent:
    """One `data:` payload; anything but a JSON object is shown as a log line, as it came."""
    try:
        fields = json.loads(data)
    except ValueError:
        fields = None
    if not isinstance(fields, dict):
        return BinderHubEvent(phase=None, message=data, fields={})
    phase = fields.get("phase")
    message = fields.get("message")
    return BinderHubEvent(phase=str(phase) if phase is not None else None,
                          message=message if isinstance(message, str) else "", fields=fields)


class ProgressLog:
    """Events -> `[phase] line` lines; a line identical to the one before is shown once."""

    def __init__(self) -> None:
        self._last: Optional[str] = None

    def lines(self, event: BinderHubEvent) -> list[str]:
        label = event.phase or "log"
        new = []
        for line in event.lines() or ([] if event.phase is None else [""]):
            text = f"[{label}] {line}".rstrip()
            if text != self._last:
                new.append(text)
            self._last = text
        return new


@dataclass
class BinderHubOutcome:
    phase: str  # "ready" (launched, or built with build_only) or "built"
    message: str
    build_only: bool
    server_url: Optional[str] = None  # the launched Jupyter server (not with build_only)
    token: Optional[str] = field(default=None, repr=False)  # that server's token
    image: Optional[str] = None

    @property
    def launched(self) -> bool:
        return self.server_url is not None

    def launch_url(self, urlpath: str = "") -> Optional[str]:
        """The server URL opened at `urlpath`, with its token, as BinderHub's own page redirects."""
        if not self.launched or self.server_url is None:
            return None
        base = self.server_url if self.server_url.endswith("/") else self.server_url + "/"
        url = urljoin(base, quote(urlpath.lstrip("/"), safe="/"))
        return url + (f"?{urlencode({'token': self.token})}" if self.token else "")

    def to_dict(self, urlpath: str = "") -> dict[str, Any]:
        return {"phase": self.phase, "message": self.message, "build_only": self.build_only,
                "image": self.image, "server_url": self.server_url, "launch_url": self.launch_url(urlpath)}


class BinderHubBuild:
    """One request to the build API: `run(on_event)` reads the stream to its end; `close()` cancels."""

    def __init__(self, request: BinderHubRequest, timeout: float = DEFAULT_TIMEOUT_S,
                 idle_timeout: float = IDLE_TIMEOUT_S, connect_timeout: float = CONNECT_TIMEOUT_S) -> None:
        self.request = request
        self.timeout = timeout
        self.idle_timeout = idle_timeout
        self.connect_timeout = connect_timeout
        self.last_phase: Optional[str] = None
        self._recent: list[str] = []  # the last log lines: a failure's cause is often said before `failed`
        self._closed = threading.Event()
        self._response: Optional[requests.Response] = None

    @property
    def cancelled(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Stop reading and close the connection; safe from another thread, and more than once."""
        self._closed.set()
        response = self._response
        if response is None:
            return
        try:
            shutdown = getattr(response.raw, "shutdown", None)  # urllib3 >= 2.3 unblocks a waiting read
            if shutdown is not None:
                shutdown()
            else:
                response.close()
        except (OSError, AttributeError, urllib3.exceptions.HTTPError):
            pass  # a connection already gone has nothing left to close

    def run(self, on_event: Callable[[BinderHubEvent], None]) -> BinderHubOutcome:
        """Raises BinderHubBuildFailed (phase `failed`), BinderHubUnreachable, BinderHubTimeout,
        BuildCancelled (after `close()`)."""
        deadline = time.monotonic() + self.timeout
        with requests.Session() as session:
            try:
                return self._read(session, deadline, on_event)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, NotAnEventStream) as err:
                if self.cancelled:
                    raise self._cancelled() from None
                raise self._unreachable(err) from None
            finally:
                if self._response is not None:
                    self._response.close()

    def _read(self, session: requests.Session, deadline: float,
              on_event: Callable[[BinderHubEvent], None]) -> BinderHubOutcome:
        self._response = session.get(
            self.request.url(), stream=True, allow_redirects=False,
            timeout=(self.connect_timeout, self.idle_timeout),
            headers=self.request.headers())
        if self.cancelled:
            raise self._cancelled()
        self._check_answer(self._response)
        parser = EventStreamParser()
        for chunk in _chunks(self._response):
            if self.cancelled:
                raise self._cancelled()
            for sse in parser.feed(chunk):
                event = parse_event(sse.data)
                self.last_phase = event.phase or self.last_phase
                self._recent = (self._recent + event.lines())[-40:]
                on_event(event)
                outcome = self._outcome(event)
                if outcome is not None:
                    return outcome
            if time.monotonic() > deadline:
                raise BinderHubTimeout(
                    f"BinderHub did not finish in {self.timeout:.0f} s (last phase: {self.last_phase or 'none'}); "
                    "the stream is closed.")
        if self.cancelled:
            raise self._cancelled()
        raise BinderHubUnreachable(
            f"BinderHub closed the stream before the build finished (last phase: {self.last_phase or 'none'}).",
            hint="Try again: a build BinderHub already started is reused, not started twice.")

    def _check_answer(self, response: requests.Response) -> None:
        where = f"BinderHub at {self.request.base}"
        if response.is_redirect:
            target = response.headers.get("Location", "?")
            login = "login" in target.lower() or "oauth" in target.lower()
            raise BinderHubUnreachable(f"{where} redirects {self.request.path} to {target}.",
                                       hint=_http_hint(401, bool(self.request.hub_token)) if login else
                                       "Give the BinderHub's own base URL (--binderhub), where /build/ answers.")
        if response.status_code != 200:
            status = " ".join(filter(None, [str(response.status_code), response.reason]))
            raise BinderHubUnreachable(f"{where} answered HTTP {status} for {self.request.path}.",
                                       hint=_http_hint(response.status_code, bool(self.request.hub_token)))
        content_type = response.headers.get("Content-Type", "")
        if not content_type.lower().startswith("text/event-stream"):
            raise BinderHubUnreachable(
                f"{where} answered {content_type or 'no content type'}, not an event stream, for {self.request.path}.",
                hint="Check that --binderhub is a BinderHub's base URL (e.g. https://mybinder.org), not a "
                     "JupyterHub or a page in front of it.")

    def _outcome(self, event: BinderHubEvent) -> Optional[BinderHubOutcome]:
        kind, fields = event.kind, event.fields
        message = " ".join(event.lines()) or event.message.strip()
        image = fields.get("image") or fields.get("imageName")
        image = image if isinstance(image, str) else None
        if kind in ("failed", "failure"):
            raise BinderHubBuildFailed(f"BinderHub: {message or 'the build failed'}",
                                       hint=failure_hint(event, self.request, self._recent))
        if kind == "built" and self.request.build_only:
            return BinderHubOutcome("built", message, True, image=image)
        if kind != "ready":
            return None
        url, token = fields.get("url"), fields.get("token")
        server_url = url if isinstance(url, str) and urlsplit(url).scheme in ("http", "https") else None
        return BinderHubOutcome("ready", message, self.request.build_only,
                                server_url=None if self.request.build_only else server_url,
                                token=token if isinstance(token, str) else None, image=image)

    def _cancelled(self) -> BuildCancelled:
        return BuildCancelled(
            f"Cancelled: the stream to BinderHub is closed (last phase: {self.last_phase or 'none'}).",
            hint="A build BinderHub already started may still finish there and be cached; run again to watch it.")

    def _unreachable(self, err: Exception) -> BinderHubUnreachable:
        if isinstance(err, (requests.ReadTimeout, urllib3.exceptions.ReadTimeoutError)):
            return BinderHubUnreachable(
                f"BinderHub at {self.request.base} sent nothing for {self.idle_timeout:.0f} s, not even a "
                f"keepalive (last phase: {self.last_phase or 'none'}).",
                hint="Try again; a proxy between here and BinderHub may cut idle streams.")
        if isinstance(err, NotAnEventStream):
            return BinderHubUnreachable(f"BinderHub at {self.request.base} sent no event stream ({err}).")
        reason = _one_line(err)
        return BinderHubUnreachable(f"Cannot reach BinderHub at {self.request.base}: {reason}")


def failure_hint(event: BinderHubEvent, request: BinderHubRequest, recent: Optional[list[str]] = None) -> str:
    """What to do about BinderHub's `failed` event: its status_code and message (and the log lines just
    before it) say which failure."""
    status = event.fields.get("status_code")
    text = event.message.lower()
    before = "\n".join(recent or []).lower()
    if request.build_only and any(marker in text for marker in _BUILD_ONLY_REFUSED):
        return ("This BinderHub builds only to launch: build_only needs `c.BinderHub.enable_api_only_mode = True` "
                "(mybinder.org does not set it). Use --launch instead (REST prebuild: false): it builds and caches "
                "the image, then starts one session.")
    if "build token" in text or (status == 403 and request.build_token):
        return ("The build token is wrong, expired (BinderHub's default lifetime is 5 minutes) or made for "
                "another commit: open this commit's launch link for a new one, or leave --build-token out.")
    if status in (401, 403):
        return _http_hint(status, bool(request.hub_token))
    if status == 429 or "rate limit" in text:
        return "BinderHub's rate limit: wait and try again, or pass a build token (--build-token)."
    if status == 404 or "no provider found" in text:
        return (f"This BinderHub has no '{request.provider}' provider: use --provider git (the clone URL), "
                "or another BinderHub.")
    if "resolving ref" in text or "could not resolve ref" in text or any(
            marker in text or marker in before for marker in _NOT_PUSHED):
        return (f"Commit {request.commit[:12]} is not on the remote BinderHub clones ({request.spec_shown()}): "
                "push it (`git push`), then run this again.")
    return BinderHubBuildFailed.default_hint


def _http_hint(status: int, hub_token: bool = False) -> str:
    if status in (401, 403) and hub_token:
        return ("BinderHub refused the hub API token: it is wrong, expired or lacks the scope to launch "
                "(make a new one on the hub's /hub/token page).")
    if status in (401, 403):
        return ("This BinderHub needs a login (JupyterHub authentication): pass an API token from its /hub/token "
                "page in $BINDERHUB_API_TOKEN (or --hub-token), or use one that serves anonymous builds.")
    if status == 404:
        return "Check that --binderhub is a BinderHub's base URL (e.g. https://mybinder.org), where /build/ answers."
    if status in (429, 502, 503, 504):
        return "BinderHub or a proxy in front of it is busy or down: try again later."
    return BinderHubUnreachable.default_hint


def _chunks(response: requests.Response) -> Any:
    """Bytes as they arrive: read1 returns what one read gives, so events are never held back."""
    read1 = getattr(response.raw, "read1", None)
    if read1 is None:  # urllib3 < 2: chunked streams still arrive chunk by chunk
        yield from response.iter_content(chunk_size=None)
        return
    while True:
        chunk = read1(65536, decode_content=True)
        if not chunk:
            return
        yield chunk


def _one_line(err: Exception) -> str:
    """requests nests urllib3's reasons; the innermost one says what failed (refused, DNS, TLS)."""
    reason: Any = err
    while True:
        inner = getattr(reason, "reason", None) or (reason.args[0] if getattr(reason, "args", None) else None)
        if not isinstance(inner, Exception) or inner is reason:
            break
        reason = inner
    text = str(reason) or type(reason).__name__
    text = re.sub(r"<urllib3\.connection\.\w+ object at 0x[0-9a-f]+>: ", "", text)
    return " ".join(text.split())
