"""Path confinement: every path from a user, a spec or an inspection stays inside one root.

REST: the root is the Jupyter server's root directory, and a path outside it is refused (400).
CLI: the root is `default_root(notebook)`, the notebook's project; what the CLI user types
(--export, --ca-bundle, --python) is theirs and is not confined. docs/security.md tells the rules.
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

from . import secret_files
from .ca_bundle import certificates_pem
from .errors import InterpreterNotAllowed, InvalidRequest, NotebookNotFound, PathOutsideRoot, SecretNotAllowed

if TYPE_CHECKING:
    from .options import BuildOptions
    from .spec import EnvironmentSpec

MAX_LEVELS_UP = 2  # notebooks/analysis/x.ipynb may read ../../data
SERVER_ROOT = "the server's root directory"


def confine(root: Path, entry: Any, base: Optional[Path] = None, where: str = SERVER_ROOT) -> Path:
    """`entry` resolved from `base` (default: `root`; an absolute entry stands alone), symlinks
    followed; PathOutsideRoot when the result is not inside `root`."""
    if not isinstance(entry, str) or not entry.strip():
        raise InvalidRequest("A path must be a non-empty string.")
    if "\x00" in entry:
        raise PathOutsideRoot("The path contains a NUL byte.")
    root = root.resolve()
    candidate = ((base or root) / entry).resolve()
    if not is_within(candidate, root):
        raise PathOutsideRoot(f"'{entry}' is outside {where}.")
    return candidate


def resolve_in_root(root: Path, relative: Any, must_exist: bool = True) -> Path:
    """Resolve `relative` (an API path, '/'-separated, from the root) inside `root`."""
    if not isinstance(relative, str) or not relative.strip():
        raise InvalidRequest("'path' must be a non-empty string, relative to the server root.")
    candidate = confine(root, relative.lstrip("/"))
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


def default_root(notebook: Path) -> Path:
    """The CLI's root: the notebook's folder, or up to MAX_LEVELS_UP above it (notebooks/ beside
    data/ and src/), but never the home folder, a folder above it, or the filesystem's root."""
    root = Path(notebook).resolve().parent
    home = Path.home().resolve()
    for _ in range(MAX_LEVELS_UP):
        parent = root.parent
        if parent == root or parent == Path(parent.anchor) or is_within(home, parent):
            break
        root = parent
    return root


def confine_build_request(root: Path, notebook: Path, options: BuildOptions,
                          spec: Optional[EnvironmentSpec], interpreters: Iterable[str] = ()) -> None:
    """A REST build stays inside the server's root: the export target and CA bundle are resolved in
    place; included files and a client spec's files and modules outside it are refused, and so is an
    included secret; a client spec's local package sources outside it are dropped (not installed, with a
    warning); `options.python` must be one of `interpreters` (kernel specs' and the admin's)."""
    root = root.resolve()
    if options.export:
        options.export = str(resolve_in_root(root, options.export, must_exist=False))
    if options.ca_bundle:
        shown = options.ca_bundle
        options.ca_bundle = str(resolve_in_root(root, options.ca_bundle))
        certificates_pem(Path(options.ca_bundle), shown)  # 400 before the build, not a failed build
    if options.python:
        options.python = allowed_interpreter(options.python, interpreters)
    for entry in options.include:
        included = confine(root, entry, notebook.parent)
        if secret_files.is_secret(relative_posix(included, root)):
            raise SecretNotAllowed(f"'{entry}' looks like a secret: a build through the server never "
                                   "copies one into an image.")
    if spec is not None:
        for entry in [*spec.files, *(m.path for m in spec.local_modules), *spec.allowed_secret_files]:
            confine(root, entry, notebook.parent)
        drop_sources_outside(spec, root)


def drop_sources_outside(spec: EnvironmentSpec, root: Path) -> list[str]:
    """Local and editable installs whose source folder is outside `root` (in place): not copied,
    so the build reports them as not installed. Returns what was dropped, for warnings."""
    dropped = []
    for pkg in spec.packages:
        if _source_outside(pkg.source.path, root):
            dropped.append(f"{pkg.name}: its source folder {pkg.source.path} is outside {root}; not copied")
            pkg.source.path = None
    return dropped


def confined_sources(spec: EnvironmentSpec, root: Path) -> tuple[EnvironmentSpec, list[str]]:
    """A copy of `spec` without local sources outside `root` (render time), and the warnings."""
    if not any(_source_outside(p.source.path, root) for p in spec.packages):
        return spec, []
    confined = copy.deepcopy(spec)
    return confined, drop_sources_outside(confined, root)


def _source_outside(path: Any, root: Path) -> bool:
    if not path:
        return False
    return not (isinstance(path, str) and "\x00" not in path and is_within(Path(path).resolve(), root))


def allowed_interpreter(python: Any, allowed: Iterable[str]) -> str:
    """`python` when it is one of the `allowed` interpreters (compared as paths, links not followed:
    a link to an allowed binary in another folder is another environment)."""
    if not isinstance(python, str) or not python.strip() or "\x00" in python:
        raise InvalidRequest("'python' must be the path of an interpreter.")
    wanted = _interpreter_path(python)
    if wanted is None or wanted not in {_interpreter_path(a) for a in allowed if a}:
        raise InterpreterNotAllowed(f"'{python}' is not an interpreter this server may run.")
    return wanted


def _interpreter_path(python: str) -> Optional[str]:
    found = python if os.path.isabs(python) else shutil.which(python)
    return os.path.normpath(found) if found else None
