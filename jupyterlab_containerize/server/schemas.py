"""The REST request bodies, declared as dataclasses that typed_json checks field by field (docs/rest-api.md).

A body that is not UTF-8, not JSON, nested too deeply or not an object, a field of the wrong type,
an unknown field: each answers 400 `invalid-request` with a message naming the field.
`options` and `spec` are checked by BuildOptions.from_dict and EnvironmentSpec.from_dict, from
their own dataclasses, so the REST API and the CLI cannot drift apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional, TypeVar

from ..errors import InvalidRequest
from ..inspect import StaticChoices
from ..share.binderhub import DEFAULT_TIMEOUT_S
from ..share.link import PROVIDERS
from ..typed_json import from_json
from ..validate import safe_python_version

T = TypeVar("T")
BINDERHUB_MAX_TIMEOUT_S = 6 * 3600.0
MIN_INSPECT_TIMEOUT = 0.5  # seconds; the upper bound is the admin's c.Containerize.max_inspect_timeout


@dataclass
class StaticBody:
    """How a notebook with no kernel is pinned (the CLI's --python-version / --historic-python)."""

    python_version: Optional[str] = field(default=None, metadata={"check": safe_python_version,
                                                                  "expect": "a Python version, X.Y or X.Y.Z"})
    historic_python: bool = False  # pin for the Python the notebook says it ran, even one no longer supported

    def choices(self) -> StaticChoices:
        if self.python_version is not None and self.historic_python:
            raise InvalidRequest("'static.python_version' and 'static.historic_python' each choose the Python "
                                 "to pin for: send one of them.")
        return StaticChoices(python_version=self.python_version, historic_python=self.historic_python)


@dataclass
class InspectBody:
    """POST /containerize/inspect"""

    path: str
    kernel_id: Optional[str] = None
    timeout: Optional[float] = None  # seconds; default c.Containerize.inspect_timeout
    static: Optional[StaticBody] = None  # used only where no kernel or interpreter answers


@dataclass
class FolderInspectBody:
    """POST /containerize/inspect/folder"""

    path: str  # a folder, relative to the server's root
    python: Optional[str] = None  # as a folder build's options.python: an interpreter this server may run


@dataclass
class BuildBody:
    """POST /containerize/builds"""

    path: str
    options: Optional[dict[str, Any]] = None  # BuildOptions.from_dict checks each field
    spec: Optional[dict[str, Any]] = None  # EnvironmentSpec.from_dict checks each field
    static: Optional[StaticBody] = None  # how the build's own inspection pins a kernel-less notebook


@dataclass
class ContextBody:
    """POST /containerize/context"""

    path: str
    kernel_id: Optional[str] = None  # inspected when no spec is sent
    options: Optional[dict[str, Any]] = None  # BuildOptions.from_dict checks each field
    spec: Optional[dict[str, Any]] = None  # the JSON object `inspect` returned, maybe edited


@dataclass
class RecordBody:
    """POST /containerize/record"""

    kernel_id: str


@dataclass
class BinderBody:
    """POST /containerize/binder"""

    path: str
    kernel_id: Optional[str] = None
    binderhub_url: Optional[str] = None  # default c.Containerize.binderhub_url
    provider: Optional[str] = field(default=None, metadata={"choices": PROVIDERS})
    remote: Optional[str] = None
    force: bool = False
    dry_run: bool = False
    from_image: Optional[str] = None


@dataclass
class BinderHubBuildBody:
    """POST /containerize/binder/builds"""

    path: str
    binderhub_url: Optional[str] = None  # default c.Containerize.binderhub_url
    build_binderhub_url: Optional[str] = None  # an API-only BinderHub to build on; default binderhub_url
    provider: Optional[str] = field(default=None, metadata={"choices": PROVIDERS})
    remote: Optional[str] = None
    prebuild: bool = True  # build_only=true; false: build and launch, the result has the launch URL
    build_token: Optional[str] = None
    hub_token: Optional[str] = None  # a JupyterHub API token for a BinderHub behind a login; never recorded
    timeout: float = field(default=DEFAULT_TIMEOUT_S, metadata={"range": (1, BINDERHUB_MAX_TIMEOUT_S)})

    def __repr__(self) -> str:  # the tokens are credentials: never in a log line or a traceback
        return f"BinderHubBuildBody(path={self.path!r}, binderhub_url={self.binderhub_url!r})"


@dataclass
class LockBody:
    """POST /containerize/lock"""

    path: str
    kernel_id: Optional[str] = None
    hashes: bool = True  # ask the index for each release's file hashes
    write: bool = False  # also write it into the file (the panel sets it in the open notebook instead)


@dataclass
class PruneBody:
    """POST /containerize/environments/prune"""

    dry_run: bool = True  # say what would go; nothing is removed
    max_gb: Optional[float] = None  # keep this much, least recently used go first; default the admin's limit,
    # and with none set every environment image no tagged image needs
    tags: Optional[list[str]] = None  # remove only these of what the plan removes (what a dry run showed)


@dataclass
class PackageCheckBody:
    """POST /containerize/package-check"""

    name: str
    version: str
    python: str  # the image's Python, X.Y or X.Y.Z (the spec's python.version)
    platform: Optional[str] = None  # the image's machine: "x86_64", "aarch64", "linux/arm64" [this host's]
    libc: Optional[str] = None  # "glibc 2.36" (the spec's platform.libc) [Debian bookworm's]


def parse_body(cls: type[T], raw: bytes) -> T:
    """The request body as `cls`, or InvalidRequest naming what is wrong."""
    return from_json(cls, json_object(raw))


def json_object(raw: bytes) -> dict[str, Any]:
    """A request body's JSON object; an empty body is `{}`."""
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidRequest(f"The request body is not UTF-8 text (byte {err.start} is not).",
                             hint="Send the body as UTF-8 encoded JSON.") from err
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError as err:
        raise InvalidRequest("The request body is nested too deeply to read.") from err
    except _NotJsonConstant as err:
        raise InvalidRequest(f"The request body is not JSON: {err}") from err
    except json.JSONDecodeError as err:
        raise InvalidRequest(f"The request body is not JSON: {err}") from err
    except ValueError as err:  # an integer of more digits than Python converts
        raise InvalidRequest("The request body holds a number with too many digits.") from err
    if not isinstance(data, dict):
        raise InvalidRequest("The request body must be a JSON object.")
    return data


class _NotJsonConstant(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotJsonConstant(f"{name} is not a JSON value (numbers must be finite).")


_WHOLE = re.compile(r"[0-9]{1,9}")


def parse_since(text: str) -> int:
    """GET /containerize/builds/{id}?since=N: the index of the first event to answer."""
    if not _WHOLE.fullmatch(text):
        raise InvalidRequest(f"'since' must be a whole number, 0 or more, not {text[:40]!r}.")
    return int(text)
