"""Compare the files we would write with what is in the binder folder; write only what is allowed."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .. import secret_content
from ..errors import SecretNotAllowed, UnsafeValue
from ..safe_write import make_dirs, write_text

FileStatus = Literal["new", "changed", "unchanged"]
EXECUTABLE = {"postBuild", "start"}  # repo2docker runs these as scripts


@dataclass
class FileChange:
    path: str  # shown to the user: relative to the repository root
    status: FileStatus
    diff: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "status": self.status}


def compare(binder_dir: Path, shown_dir: str, files: dict[str, str]) -> list[FileChange]:
    """One FileChange per file, with a unified diff for those that exist with other content."""
    changes = []
    for name, content in files.items():
        target = binder_dir / name
        shown = f"{shown_dir}/{name}" if shown_dir else name
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise UnsafeValue(f"{shown} is a link or a folder; it is not replaced.",
                              hint="Move it away, then run again.")
        if not target.exists():
            changes.append(FileChange(shown, "new"))
            continue
        old = target.read_text(encoding="utf-8", errors="replace")
        if old == content:
            changes.append(FileChange(shown, "unchanged"))
            continue
        diff = difflib.unified_diff(old.splitlines(keepends=True), content.splitlines(keepends=True),
                                    fromfile=f"a/{shown}", tofile=f"b/{shown}")
        changes.append(FileChange(shown, "changed", "".join(_ended(line) for line in diff)))
    return changes


def write_files(binder_dir: Path, files: dict[str, str]) -> None:
    """Write each file atomically (a half-written requirements.txt would break the next build)."""
    for name, content in files.items():  # what we generate from a spec: an index URL may carry a password
        found = secret_content.scan_text(content, name)
        if found:
            raise SecretNotAllowed(f"The generated {name} {found.reason()}; it is not written into a repository.",
                                   hint="Give the index or source without credentials (use a keyring or "
                                        "the environment at build time).")
    make_dirs(binder_dir)
    for name, content in files.items():
        write_text(binder_dir / name, content, mode=0o755 if name in EXECUTABLE else 0o644)


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
