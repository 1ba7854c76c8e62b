"""The one redaction policy of every job record: what a job emits or returns is stored and shown
without the credentials it may quote (tools echo index and proxy URLs with their passwords)."""

from __future__ import annotations

import re
from typing import Any

from ..redact import map_strings, redact

# scheme://user:pw@ and scheme://token@ up to the first @, whatever the characters of the userinfo
# (redact() stops at quotes): the second pass of every string
_USERINFO = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#@]+@")


def without_userinfo(text: str) -> str:
    return _USERINFO.sub(r"\1***@", text)


def redact_message(message: str) -> str:
    return without_userinfo(redact(message))


def redact_data(value: Any, keeps: tuple[str, ...] = ()) -> Any:
    """Data, a result, an error or options, redacted. `keeps`: top-level keys that hand the user a
    credential on purpose (a launched server's URL with its own token): only their userinfo goes."""
    if isinstance(value, dict) and keeps:
        return {k: map_strings(v, without_userinfo if k in keeps else redact_message) for k, v in value.items()}
    return map_strings(value, redact_message)
