"""The git facts a launch link needs, read with `git` subprocesses (argument lists, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..confine import is_within
from ..errors import GitFailed, RepositoryOutsideRoot

GIT_TIMEOUT = 20.0


@dataclass
class StatusEntry:
    code: str  # the two-letter porcelain code: " M", "??", "A " ...
    path: str  # relative to the repository root, '/'-separated

    @property
    def untracked(self) -> bool:
        return self.code == "??"


def git(args: list[str], cwd: Path, check: bool = True,
        stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    """Run `git ARGS` in `cwd`; a missing git or a failed command is a GitFailed when `check`."""
    binary = shutil.which("git")
    if binary is None:
        raise GitFailed("git is not installed.", hint="Install git (e.g. `apt-get install git`).")
    # C locale for messages we parse; never prompt for credentials from a server process.
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    try:
        done = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True,  # noqa: S603
                              input=stdin, timeout=GIT_TIMEOUT, env=env, check=False)
    except subprocess.TimeoutExpired as err:
        raise GitFailed(f"`git {' '.join(args)}` did not answer in {GIT_TIMEOUT:.0f} s.") from err
    if check and done.returncode != 0:
        raise GitFailed(f"`git {' '.join(args)}` failed in {cwd}: {done.stderr.strip()}")
    return done


def repo_root(directory: Path) -> Optional[Path]:
    """The work tree's top folder, or None when `directory` is in no git repository."""
    done = git(["rev-parse", "--show-toplevel"], directory, check=False)
    if done.returncode == 0:
        return Path(done.stdout.strip()).resolve()
    if "not a git repository" in done.stderr:
        return None
    # e.g. "detected dubious ownership": a repository git refuses to read is not "no repository".
    raise GitFailed(f"git cannot read the repository at {directory}: {done.stderr.strip()}",
                    hint="Fix what git says (for ownership: `git config --global --add "
                         "safe.directory PATH`), then try again.")


def repo_root_within(directory: Path, server_root: Optional[Path]) -> Optional[Path]:
    """repo_root, refused (RepositoryOutsideRoot) when the server's root is given and the repository
    starts above it: the server neither writes nor reads git metadata there."""
    root = repo_root(directory)
    if root is not None and server_root is not None and not is_within(root, Path(server_root).resolve()):
        raise RepositoryOutsideRoot(f"The notebook's git repository starts at {root}, above the Jupyter "
                                    "server's root directory: the server writes nothing there.")
    return root


def head_commit(root: Path) -> Optional[str]:
    """The full SHA of HEAD, or None before the first commit."""
    done = git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], root, check=False)
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def remotes(root: Path) -> list[str]:
    return git(["remote"], root).stdout.split()


def upstream_remote(root: Path) -> Optional[str]:
    """The remote the current branch tracks, if it tracks one."""
    branch = git(["symbolic-ref", "--quiet", "--short", "HEAD"], root, check=False).stdout.strip()
    if not branch:
        return None
    done = git(["config", "--get", f"branch.{branch}.remote"], root, check=False)
    return done.stdout.strip() or None


def remote_url(root: Path, name: str) -> str:
    return git(["remote", "get-url", "--", name], root).stdout.strip()


def status(root: Path) -> list[StatusEntry]:
    """Uncommitted changes and untracked files (NUL-separated porcelain: any file name is safe)."""
    out = git(["status", "--porcelain=v1", "-z", "--untracked-files=all"], root).stdout
    entries: list[StatusEntry] = []
    items = iter(out.split("\0"))
    for item in items:
        if len(item) < 4:
            continue
        code, path = item[:2], item[3:]
        if code[0] in "RC":
            next(items, None)  # a rename's second field is the old name
        entries.append(StatusEntry(code=code, path=path))
    return entries


def remote_refs_containing(root: Path, commit: str, remote: str) -> list[str]:
    """Remote-tracking branches of `remote` that contain `commit`, as of the last fetch."""
    done = git(["branch", "-r", "--contains", commit, "--format=%(refname:short)"], root, check=False)
    if done.returncode != 0:
        return []
    return [ref for ref in done.stdout.split() if ref.startswith(f"{remote}/")]


def ignored(root: Path, paths: list[str]) -> list[str]:
    """Those of `paths` that .gitignore keeps out of commits."""
    if not paths:
        return []
    # NUL-separated on stdin: any file name is safe, and no argument list grows too long
    done = git(["check-ignore", "-z", "--stdin"], root, check=False, stdin="\0".join(paths) + "\0")
    return [p for p in done.stdout.split("\0") if p]
