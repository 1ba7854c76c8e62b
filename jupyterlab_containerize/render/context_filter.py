"""What never enters a build context unless the user names it: secrets (by the build's
`options.secret_policy`, secret_files.py, and by content), VCS internals and caches."""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from .. import secret_content
from ..secret_files import SecretPolicy

# Not secrets, but never part of an image: matched against every path component.
NOT_SENT: tuple[str, ...] = (".git", ".hg", ".svn", ".ipynb_checkpoints", "__pycache__", ".DS_Store")
DOCKERIGNORE_HEADER = "# Written by jupyterlab-containerize: secrets and VCS internals stay out.\n"


def left_out_reason(relative: str, secret_policy: SecretPolicy) -> Optional[str]:
    """Why a file stays out of the context ('looks like a secret', ...), or None when it goes in."""
    if secret_policy.is_secret(relative):
        return "looks like a secret"
    if any(fnmatchcase(part, pattern) for part in PurePosixPath(relative).parts for pattern in NOT_SENT):
        return "version control or cache"
    return None


def content_reason(path: Path) -> Optional[str]:
    """Why a file's content keeps it out ('holds what looks like a GitHub token (line 3)'), or None."""
    try:
        found = secret_content.scan_file(path)
    except OSError as err:
        return f"could not be read to check it for secrets ({err.strerror})"
    return found.reason() if found else None


def allowed_secret_paths(folder: Path, entries: Iterable[object]) -> set[Path]:
    """spec.allowed_secret_files, resolved from the notebook's folder: files whose content the
    detector flagged and the user has said are not secrets. Entries that are no path are ignored."""
    allowed = set()
    for entry in entries:
        if not isinstance(entry, str) or not entry.strip() or any(ord(c) < 32 for c in entry):
            continue
        try:
            allowed.add((folder / entry).resolve())
        except (OSError, ValueError):
            continue
    return allowed


ALLOW_HINT = "if it is not a secret, list it in the spec's allowed_secret_files"


def render_dockerignore(allowed: list[str], secret_policy: SecretPolicy) -> str:
    """Patterns for every depth, then `!path` for files the user named on purpose."""
    lines = [DOCKERIGNORE_HEADER]
    lines += [f"**/{pattern}\n" for pattern in (*secret_policy.patterns(), *NOT_SENT)]
    lines += [f"!{path}\n" for path in sorted(allowed)]
    return "".join(lines)
