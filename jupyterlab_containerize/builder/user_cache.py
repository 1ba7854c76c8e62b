"""Small JSON records this machine's user keeps between builds (never needed: a cache only)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import ContainerizeError
from ..safe_write import make_dirs, write_text


def cache_file(name: str) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "jupyterlab-containerize" / name


def read_record(name: str) -> dict[str, Any]:
    """The record, or {} when it is missing or unreadable."""
    try:
        return dict(json.loads(cache_file(name).read_text()))
    except (OSError, ValueError, TypeError):
        return {}


def write_record(name: str, record: dict[str, Any]) -> None:
    """Written whole, or not at all: a cache that cannot be written is only slower next time."""
    try:
        make_dirs(cache_file(name).parent)
        write_text(cache_file(name), json.dumps(record, indent=1))
    except (OSError, ContainerizeError):
        pass
