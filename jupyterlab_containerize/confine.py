"""Path confinement: every user-given path is resolved inside a root and never escapes it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from .errors import InvalidRequest, NotebookNotFound, PathOutsideRoot

if TYPE_CHECKING:
    from .render import BuildOptions
    from .spec import EnvironmentSpec


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


def confine_build_request(root: Path, notebook: Path, options: BuildOptions,
                          spec: Optional[EnvironmentSpec]) -> None:
    """Every path a REST build names stays inside the server's root: the export target and CA bundle
    are resolved in place; included files and a client spec's files and modules are refused outside;
    a client spec's local package sources outside the root are dropped (the build then installs the pin)."""
    root = root.resolve()
    if options.export:
        options.export = str(resolve_in_root(root, options.export, must_exist=False))
    if options.ca_bundle:
        options.ca_bundle = str(resolve_in_root(root, options.ca_bundle))
    named = list(options.include)
    if spec is not None:
        named += [*spec.files, *(m.path for m in spec.local_modules)]
    for entry in named:
        if not isinstance(entry, str) or "\x00" in entry or not is_within((notebook.parent / entry).resolve(), root):
            raise PathOutsideRoot(f"'{entry}' is outside the server's root directory.")
    for pkg in spec.packages if spec is not None else []:
        if pkg.source.path and not is_within(Path(pkg.source.path).resolve(), root):
            pkg.source.path = None
