"""The date a notebook most likely ran on: `--as-of`, else its last git commit, else its file time.

Static inspection resolves every package as of that date, so an old notebook gets the versions its
author most likely had instead of today's (pandas 2 removed `append`, numpy 2 broke binaries, ...).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional

from ..errors import InvalidRequest

DateSource = Literal["as-of", "git-commit", "file-time"]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class NotebookDate:
    date: dt.date
    source: DateSource

    @property
    def iso(self) -> str:
        return self.date.isoformat()

    @property
    def exclude_newer(self) -> str:
        """uv's --exclude-newer: everything published up to the end of that day (UTC)."""
        return f"{self.iso}T23:59:59Z"


def parse_as_of(text: str) -> dt.date:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise InvalidRequest(f"{text!r} is not a date; give it as YYYY-MM-DD, e.g. 2023-06-01.")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise InvalidRequest(f"{text!r} is not a real date: {err}.") from err


def notebook_date(notebook: Path, as_of: Optional[str] = None) -> NotebookDate:
    if as_of:
        return NotebookDate(parse_as_of(as_of), "as-of")
    committed = last_commit_date(notebook)
    if committed is not None:
        return NotebookDate(committed, "git-commit")
    mtime = notebook.stat().st_mtime
    return NotebookDate(dt.datetime.fromtimestamp(mtime, dt.timezone.utc).date(), "file-time")


def last_commit_date(path: Path) -> Optional[dt.date]:
    """The committer date of the last commit that touched `path`, or None outside git / untracked."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 - fixed argv, the path is an argument after `--`
            [git, "log", "-1", "--format=%cI", "--", path.name], cwd=path.parent,
            capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    stamp = done.stdout.strip()
    if done.returncode != 0 or not stamp:
        return None
    try:
        return dt.datetime.fromisoformat(stamp).astimezone(dt.timezone.utc).date()
    except ValueError:
        return None


# The newest CPython minor released by a date: for a notebook that does not say which it ran.
_PYTHON_RELEASES = [("2019-10-14", "3.8"), ("2020-10-05", "3.9"), ("2021-10-04", "3.10"),
                    ("2022-10-24", "3.11"), ("2023-10-02", "3.12"), ("2024-10-07", "3.13"),
                    ("2025-10-07", "3.14")]


def python_of_the_day(date: dt.date) -> str:
    chosen = "3.8"
    for released, version in _PYTHON_RELEASES:
        if date.isoformat() >= released:
            chosen = version
    return chosen


# CPython minors with security support, for which bases and wheels exist: a kernel-less notebook gets
# its own Python when it is one of them, else DEFAULT_PYTHON (the default base's, python:3.11-slim).
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13", "3.14")
DEFAULT_PYTHON = "3.11"


def static_python(notebook_python: Optional[str], date: dt.date, historic: bool = False) -> tuple[str, str]:
    """(the Python a kernel-less notebook is pinned for, why), a choice the spec states."""
    own = notebook_python or ""
    minor = ".".join(own.split(".")[:2])
    if historic:
        chosen = own or python_of_the_day(date)
        return chosen, f"Pinned for Python {chosen}, the notebook's own (--historic-python)" + (
            "" if own else f", the newest CPython of {date.isoformat()}") + "."
    if minor in SUPPORTED_PYTHONS:
        return own, f"Pinned for Python {own}, the one the notebook ran (a supported CPython)."
    said = f"the notebook ran {own}" if own else "the notebook does not say which Python it ran"
    return DEFAULT_PYTHON, (f"Pinned for Python {DEFAULT_PYTHON}, a supported CPython ({said}); "
                            "--historic-python pins for the notebook's own instead, --python-version X.Y for another.")
