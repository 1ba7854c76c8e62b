"""The notebooks to measure: every .ipynb under the given folders that has saved outputs."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CorpusNotebook:
    path: Path
    repository: str  # folder name, e.g. pydata-book
    commit: str  # HEAD of its git repository, for the docs
    relative: str = ""  # its path inside the repository

    @property
    def label(self) -> str:
        return f"{self.repository}/{self.relative or self.path.name}"


def has_saved_outputs(path: Path) -> bool:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    cells = nb.get("cells") if isinstance(nb, dict) else None
    return isinstance(cells, list) and any(
        isinstance(c, dict) and c.get("cell_type") == "code" and c.get("outputs") for c in cells)


def find_notebooks(folders: list[Path], per_repository: int) -> list[CorpusNotebook]:
    found: list[CorpusNotebook] = []
    for folder in folders:
        commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],  # noqa: S603,S607
                                capture_output=True, text=True).stdout.strip()
        paths = sorted(p for p in folder.rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts and has_saved_outputs(p))
        step = max(len(paths) / per_repository, 1.0)  # spread over the repository, not its first chapters
        chosen = [paths[int(i * step)] for i in range(min(per_repository, len(paths)))]
        found += [CorpusNotebook(p, folder.name, commit[:12], p.relative_to(folder).as_posix()) for p in chosen]
    return found
