"""Path confinement: every user-given path is resolved inside a root and never escapes it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .errors import InvalidRequest, NotebookNotFound, PathOutsideRoot


def resolve_in_root(root: Path, relative: Any, must_exist: bool = True) -> Path:
    """Resolve `relative` (an API path, '/'-separated) inside `root`; symlinks out of it are refused."""
    if not isinstance(relative, str) or not relative.strip():
        raise InvalidRequest("'path' must be a non-empty string, relative to the server root.")
    if "\x00" in relative:
        raise PathOutsideRoot("The path contains a NUL byte.")
    root = root.resolve()
    candidate = (root / relative.lstrip("/")).resolve()
    if not is_within(candidate, root):
        raise PathOutsideRoot(f"'{relative}' is outside the server's root directory.")
    if must_exist and not candidate.is_file():
        raise NotebookNotFound(f"No file at '{relative}'.")
    return candidate


def is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def relative_posix(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path, start)).as_posix()
