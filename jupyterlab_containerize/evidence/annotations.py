"""The OCI image-spec annotations of a notebook image, as image labels (the classic builder has no
manifest annotations; `docker inspect` and registries show labels, and the spec names the keys).

`created` is the notebook's time, not the build's: SOURCE_DATE_EPOCH when set, else the commit
that last changed the notebook, else the file's modification time. The same notebook then gives the
same labels, and the same image config, on any engine.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

from ..confine import is_within
from ..errors import GitFailed
from ..layout import OCI, OCI_BASE_DIGEST, OCI_BASE_NAME
from ..share import git
from ..validate import is_single_line

CREATED = f"{OCI}.created"
SOURCE = f"{OCI}.source"
REVISION = f"{OCI}.revision"
VERSION = f"{OCI}.version"
LICENSES = f"{OCI}.licenses"
URL = f"{OCI}.url"
BASE_NAME = OCI_BASE_NAME
BASE_DIGEST = OCI_BASE_DIGEST
# which of these change with the notebook's commit: rendered after the work files (dockerfile.py)
PER_COMMIT = (CREATED, REVISION, VERSION)

# The first words of common licence texts, for a LICENSE file with no SPDX identifier in it.
_LICENSE_TEXTS = [
    ("MIT", "permission is hereby granted, free of charge"),
    ("Apache-2.0", "apache license"),
    ("BSD-3-Clause", "neither the name of"),
    ("BSD-2-Clause", "redistributions in binary form must reproduce"),
    ("GPL-3.0-or-later", "gnu general public license\n                       version 3"),
    ("GPL-3.0-only", "gnu general public license version 3"),
    ("MPL-2.0", "mozilla public license version 2.0"),
    ("CC-BY-4.0", "attribution 4.0 international"),
]
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+(?:\s+(?:AND|OR|WITH)\s+[A-Za-z0-9.+-]+)*)")


def created_time(notebook: Path, repo: Optional[Path], environ: Mapping[str, str]) -> str:
    """RFC 3339 in UTC, to the second."""
    epoch: Optional[int] = None
    if environ.get("SOURCE_DATE_EPOCH", "").strip().isdigit():
        epoch = int(environ["SOURCE_DATE_EPOCH"].strip())
    elif repo is not None:
        done = git.git(["log", "-1", "--format=%ct", "--", str(notebook)], repo, check=False)
        epoch = int(done.stdout.strip()) if done.stdout.strip().isdigit() else None
    if epoch is None:
        epoch = int(notebook.stat().st_mtime)
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def public_url(url: str) -> str:
    """A remote URL without its user name or token; scp-like ssh remotes (git@host:org/repo) as https."""
    scp = re.fullmatch(r"[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!//)(.+)", url)
    if scp:
        url = f"https://{scp.group(1)}/{scp.group(2)}"
    parts = urlsplit(url)
    if parts.scheme in ("ssh", "git+ssh") and parts.hostname:
        parts = parts._replace(scheme="https")
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port and parts.scheme not in ("https",) else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def repository_facts(folder: Path) -> dict[str, str]:
    """source, revision and url of the git repository holding `folder`; {} outside one."""
    try:
        root = git.repo_root(folder)
    except GitFailed:
        return {}
    if root is None:
        return {}
    facts: dict[str, str] = {}
    commit = git.head_commit(root)
    if commit:
        facts[REVISION] = commit
    names = git.remotes(root)
    remote = git.upstream_remote(root) or ("origin" if "origin" in names else (names[0] if names else None))
    if remote:
        url = public_url(git.remote_url(root, remote))
        if url and is_single_line(url):
            facts[SOURCE] = url
            facts[URL] = url[:-4] if url.endswith(".git") else url
    return facts


def project_version(folder: Path, repo: Optional[Path]) -> Optional[str]:
    """pyproject.toml's [project] version beside the notebook (or at the repository's top), else
    the nearest tag `git describe` gives."""
    for place in _upwards(folder, repo):
        version = _project_table(place).get("version")
        if isinstance(version, str) and is_single_line(version) and version:
            return version
    if repo is not None:
        done = git.git(["describe", "--tags", "--always"], repo, check=False)
        text = done.stdout.strip()
        if done.returncode == 0 and text and is_single_line(text):
            return text
    return None


def project_license(folder: Path, repo: Optional[Path]) -> Optional[str]:
    """An SPDX expression: pyproject's license, else an SPDX line or a known text in LICENSE*."""
    for place in _upwards(folder, repo):
        declared = _project_table(place).get("license")
        if isinstance(declared, str) and _spdx_like(declared):
            return declared
        if isinstance(declared, dict) and isinstance(declared.get("text"), str) and _spdx_like(declared["text"]):
            return str(declared["text"])
        for path in sorted(place.glob("LICEN[CS]E*")):
            found = _license_of_text(path)
            if found:
                return found
    return None


def image_annotations(notebook: Path, base: str, base_digest: Optional[str],
                      environ: Optional[Mapping[str, str]] = None, root: Optional[Path] = None) -> dict[str, str]:
    """The annotations besides title and description (render/context.py writes those). `root` (the
    server's): a repository that starts above it is not read, nor any file above it."""
    environ = os.environ if environ is None else environ
    folder = (notebook.parent if notebook.is_file() else notebook).resolve()
    try:
        repo = git.repo_root(folder)
    except GitFailed:
        repo = None
    if repo is not None and root is not None and not is_within(repo, root.resolve()):
        repo = None
    found = {BASE_NAME: base, CREATED: created_time(notebook, repo, environ),
             **(repository_facts(folder) if repo is not None else {})}
    if base_digest:
        found[BASE_DIGEST] = base_digest
    version = project_version(folder, repo)
    if version:
        found[VERSION] = version
    license_ = project_license(folder, repo)
    if license_:
        found[LICENSES] = license_
    return found


def _upwards(folder: Path, repo: Optional[Path]) -> list[Path]:
    """The folder and its parents up to the repository's top (the folder alone outside one)."""
    folder = folder.resolve()
    if repo is None:
        return [folder]
    places = [folder]
    while places[-1] != repo and places[-1].parent != places[-1] and len(places) < 20:
        places.append(places[-1].parent)
    return places


def _project_table(folder: Path) -> dict[str, Any]:
    """pyproject.toml's [project] table, or {}."""
    if sys.version_info < (3, 11):  # no TOML reader in the standard library: no version from it
        return {}
    import tomllib

    try:
        project = tomllib.loads((folder / "pyproject.toml").read_text()).get("project")
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return project if isinstance(project, dict) else {}


def _license_of_text(path: Path) -> Optional[str]:
    try:
        text = path.read_text(errors="replace")[:4000]
    except OSError:
        return None
    spdx = _SPDX_LINE.search(text)
    if spdx:
        return spdx.group(1)
    lowered = text.lower()
    return next((name for name, words in _LICENSE_TEXTS if words in lowered), None)


def _spdx_like(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9.+()-]+(?:\s+(?:AND|OR|WITH)\s+[A-Za-z0-9.+()-]+)*", text.strip()))
