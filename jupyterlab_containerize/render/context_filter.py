"""What never enters a build context unless the user names it: secrets and VCS internals."""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath

# Matched against every path component and the whole relative path.
SECRET_PATTERNS: tuple[str, ...] = (
    ".env", ".env.*", "*.env", ".ssh", "id_rsa*", "id_ed25519*", "id_ecdsa*", "*.pem", "*.key",
    "*.p12", "*.pfx", ".git", ".hg", ".svn", ".aws", ".azure", ".gcloud", ".kube", ".docker",
    ".netrc", ".pypirc", ".npmrc", ".git-credentials", "credentials", "credentials.json",
    "*service-account*.json", ".ipynb_checkpoints", "__pycache__", ".DS_Store",
)
DOCKERIGNORE_HEADER = "# Written by jupyterlab-containerize: secrets and VCS internals stay out.\n"


def is_secret(relative: str) -> bool:
    parts = PurePosixPath(relative).parts
    return any(fnmatch.fnmatch(part, pattern) for part in parts for pattern in SECRET_PATTERNS)


def render_dockerignore(allowed: list[str]) -> str:
    """Patterns for every depth, then `!path` for files the user named on purpose."""
    lines = [DOCKERIGNORE_HEADER]
    lines += [f"**/{pattern}\n" for pattern in SECRET_PATTERNS]
    lines += [f"!{path}\n" for path in sorted(allowed)]
    return "".join(lines)
