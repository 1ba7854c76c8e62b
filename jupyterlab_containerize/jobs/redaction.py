"""The one redaction policy of every job record: what a job emits or returns is stored and shown
without the credentials it may quote (tools echo index and proxy URLs with their passwords)."""

from __future__ import annotations

import re
from typing import Any

from ..redact import redact, redact_value

# scheme://user:pw@ and scheme://token@, whatever the characters of the userinfo
_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#@]+@")


def without_userinfo(value: Any) -> Any:
    """Every URL inside a JSON-like value with its userinfo replaced by ***."""
    if isinstance(value, str):
        return _USERINFO.sub(r"\1***@", value)
    if isinstance(value, dict):
        return {k: without_userinfo(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_userinfo(v) for v in value]
    return value


def redact_message(message: str) -> str:
    return without_userinfo(redact(message))


def redact_data(value: Any, keeps: tuple[str, ...] = ()) -> Any:
    """Data, a result, an error or options, redacted. `keeps`: top-level keys that hand the user a
    credential on purpose (a launched server's URL with its own token): only their userinfo goes."""
    if not isinstance(value, dict):
        return without_userinfo(redact_value(value))
    return {k: without_userinfo(v) if k in keeps else without_userinfo(redact_value(v)) for k, v in value.items()}

