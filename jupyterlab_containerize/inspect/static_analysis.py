"""Static analysis of a notebook: imports, install lines, local modules and data files.

Works with no kernel at all; the resolver later decides what each import is.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..confine import MAX_LEVELS_UP, is_within, relative_posix
from ..secret_files import SecretPolicy
from ..spec import LocalModule, Problem
from .code_analysis import CodeFindings, analyze_python
from .notebook_source import code_cells

MAX_LOCAL_FILES = 500


@dataclass
class StaticFindings:
    secret_policy: SecretPolicy  # what never becomes a file of the spec (the server's, over REST)
    code: CodeFindings = field(default_factory=CodeFindings)
    local_modules: dict[str, str] = field(default_factory=dict)  # top-level name -> relative path
    files: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    cell_count: int = 0
    project_root: Path = Path(".")  # the notebook's folder, or a parent holding its data and code
    notebook_dir: Optional[Path] = None  # where relative paths start (the kernel's working directory)


def analyze_notebook(nb: Any, notebook_dir: Path, secret_policy: SecretPolicy,
                     root_limit: Optional[Path] = None) -> StaticFindings:
    """`root_limit`: no file above it is ever picked up (the Jupyter server's root for REST calls);
    `secret_policy`: files it names are never listed (the server's, with the admin's patterns)."""
    out = StaticFindings(secret_policy, cell_count=len(nb.get("cells", [])))
    for cell in code_cells(nb):
        try:
            analyze_python(cell.python, out.code, cell.index)
        except (SyntaxError, ValueError) as err:
            line = getattr(err, "lineno", None)
            where = f" (line {line})" if line else ""
            out.problems.append(
                Problem(
                    kind="syntax-error",
                    cell=cell.index,
                    message=f"Cell {cell.index + 1} does not parse{where}: {getattr(err, 'msg', err)}; "
                    "its imports were skipped.",
                )
            )
    notebook_dir = notebook_dir.resolve()
    out.project_root = project_root(out, notebook_dir, root_limit)
    search_roots = _module_search_roots(out.code.sys_path_additions, notebook_dir, out.project_root)
    _find_local_modules(out, notebook_dir, search_roots)
    out.notebook_dir = notebook_dir
    follow_scripts(out, [notebook_dir / s for s in sorted(out.code.script_files)])
    _find_data_files(out, notebook_dir)
    _find_url_files(out, notebook_dir)
    return out


def project_root(out: StaticFindings, notebook_dir: Path, root_limit: Optional[Path]) -> Path:
    """The folder the notebook's files live in: its own, or up to MAX_LEVELS_UP above it when the
    code names `../data/x.csv` or `sys.path.append("../src")` (notebooks/ beside data/ and src/)."""
    limit = root_limit.resolve() if root_limit else None
    root = notebook_dir
    named = [t for t in out.code.strings | out.code.sys_path_additions | out.code.run_files if t.startswith("..")]
    for text in named:
        target = (notebook_dir / text.split("*", 1)[0]).resolve()
        if not target.exists() and not (target.parent.exists() and "*" in text):
            continue
        common = Path(os.path.commonpath([str(root), str(target)]))
        levels = len(notebook_dir.relative_to(common).parts) if is_within(notebook_dir, common) else 99
        if levels <= MAX_LEVELS_UP and common != Path(common.anchor) and (limit is None or is_within(common, limit)):
            root = common
    return root


def _module_search_roots(additions: set[str], notebook_dir: Path, root: Path) -> list[Path]:
    roots = [notebook_dir]
    for extra in sorted(additions):
        candidate = (notebook_dir / extra).resolve()
        if candidate.is_dir() and is_within(candidate, root) and candidate not in roots:
            roots.append(candidate)
    return roots


def local_module_path(name: str, roots: list[Path]) -> Optional[Path]:
    top = name.split(".")[0]
    for root in roots:
        if (root / f"{top}.py").is_file():
            return root / f"{top}.py"
        package = root / top
        if package.is_dir() and ((package / "__init__.py").is_file() or any(package.glob("*.py"))):
            return package
    return None


def _find_local_modules(out: StaticFindings, notebook_dir: Path, roots: list[Path]) -> None:
    """Imports that resolve to files beside the notebook; their own imports are followed too."""
    seen: set[Path] = set()
    pending = list(out.code.imports)
    for written, body in out.code.written_files.items():
        if written.endswith(".py"):
            out.local_modules.setdefault(Path(written).stem, written)
            _analyze_module_text(out, body, written)
    for run_file in out.code.run_files:
        path = (notebook_dir / run_file).resolve()
        if not (path.is_file() and is_within(path, out.project_root)) \
                or out.secret_policy.is_secret(relative_posix(path, notebook_dir)):
            continue
        out.files.add(relative_posix(path, notebook_dir))  # %run other.ipynb needs it too
        if run_file.endswith(".py"):
            pending.extend(_analyze_module_file(out, path, notebook_dir))
        elif run_file.endswith(".ipynb"):
            pending.extend(_analyze_notebook_file(out, path))
    while pending:
        name = pending.pop()
        top = name.split(".")[0]
        if top in out.local_modules and top not in out.code.written_files:
            continue
        module_path = local_module_path(top, roots)
        if module_path is None or module_path in seen:
            continue
        seen.add(module_path)
        out.local_modules[top] = relative_posix(module_path, notebook_dir)
        files = [module_path] if module_path.is_file() else sorted(module_path.rglob("*.py"))[:MAX_LOCAL_FILES]
        for file in files:
            pending.extend(_analyze_module_file(out, file, notebook_dir))


def _analyze_notebook_file(out: StaticFindings, path: Path) -> list[str]:
    """A notebook run with %run: its imports are the caller's too."""
    from .notebook_source import load_notebook

    before = set(out.code.imports)
    try:
        cells = code_cells(load_notebook(path))
    except Exception:  # a broken helper notebook is reported when it runs, not here
        return []
    for cell in cells:
        try:
            analyze_python(cell.python, out.code, None, source=path.name)
        except (SyntaxError, ValueError):
            continue
    return [m for m in out.code.imports if m not in before]


def _analyze_module_file(out: StaticFindings, path: Path, notebook_dir: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return _analyze_module_text(out, text, relative_posix(path, notebook_dir))


def _analyze_module_text(out: StaticFindings, text: str, label: str) -> list[str]:
    before = set(out.code.imports)
    try:
        analyze_python(text, out.code, None, source=label)
    except (SyntaxError, ValueError) as err:
        out.problems.append(
            Problem(kind="syntax-error", message=f"{label} does not parse: {err}; its imports were skipped.")
        )
    return [m for m in out.code.imports if m not in before]


def _find_data_files(out: StaticFindings, notebook_dir: Path) -> None:
    """String literals that name existing files or folders beside the notebook; not those it writes
    before reading (a PNG it saves, a CSV it exports: left over from its last run, they are outputs)."""
    local_paths = {(notebook_dir / p).resolve() for p in out.local_modules.values()}
    outputs = out.code.output_paths
    for text in sorted(out.code.strings - out.code.sys_path_additions - outputs):  # sys.path entries hold modules
        for path in _literal_paths(text, notebook_dir, out.project_root):
            if (
                path in local_paths
                or path == notebook_dir
                or path.suffix == ".ipynb"
                and text not in out.code.run_files
            ):
                continue
            rel = relative_posix(path, notebook_dir)
            if out.secret_policy.is_secret(rel):
                out.problems.append(
                    Problem(
                        kind="secret-file",
                        message=f"'{rel}' looks like a secret and is not copied into the image; "
                        "add it by hand if it must be.",
                    )
                )
                continue
            out.files.add(rel)
    out.files = collapse_covered(out.files)


def collapse_covered(paths: set[str]) -> set[str]:
    """Drop paths that sit inside another listed folder: the folder already carries them."""
    return {p for p in paths if not any(p != d and p.startswith(d.rstrip("/") + "/") for d in paths)}


def _literal_paths(text: str, notebook_dir: Path, root: Path) -> list[Path]:
    if "://" in text or text.startswith("-") or text.strip() in ("", ".", "..", "/", "~"):
        return []
    if os.path.isabs(text):
        return []  # a machine's own path: not copied
    if any(ch in text for ch in "*?["):
        matches = [Path(p) for p in glob.glob(str(notebook_dir / text), recursive=True)][:MAX_LOCAL_FILES]
    else:
        try:
            matches = [notebook_dir / text] if (notebook_dir / text).exists() else []
        except (OSError, ValueError):
            matches = []
    resolved = []
    for match in matches:
        real = match.resolve()
        if is_within(real, root) and real != root and (real.is_file() or real.is_dir()):
            resolved.append(real)
    return resolved


def local_module_records(found: StaticFindings) -> list[LocalModule]:
    return [LocalModule(module=name, path=path) for name, path in sorted(found.local_modules.items())]


# Paths inside URLs and connection strings: SQLAlchemy's sqlite:///data/app.db (three slashes: relative),
# duckdb:///x.duckdb, and file: URLs (SQLite URIs included: file:data/app.db?mode=ro).
DATABASE_URL = re.compile(r"^(?:sqlite|duckdb)(?:\+\w+)?:///(?P<path>[^?#]+)")
FILE_URL = re.compile(r"^file:(?://(?:localhost)?(?=/))?(?P<path>[^?#]+)")


def url_path(text: str) -> Optional[str]:
    """The file a URL or connection string names, or None."""
    match = DATABASE_URL.match(text) or FILE_URL.match(text)
    if not match:
        return None
    path = match.group("path")
    if "*" in path and len(path.replace("*", "").strip("./")) < 4:
        return None  # f"sqlite:///{name}": nothing said about the file
    return path


def _find_url_files(out: StaticFindings, notebook_dir: Path) -> None:
    for text in sorted(out.code.strings):
        path = url_path(text)
        if path is None:
            continue
        for found in _literal_paths(path, notebook_dir, out.project_root):
            rel = relative_posix(found, notebook_dir)
            if not out.secret_policy.is_secret(rel):
                out.files.add(rel)
    out.files = collapse_covered(out.files)


def follow_scripts(out: StaticFindings, scripts: list[Path]) -> set[str]:
    """Python scripts the notebook runs as a subprocess (`python x.py`, `subprocess.run([sys.executable,
    ...])`): copied like data, and analysed like local modules. A script's own folder is where its local
    imports are found (Python puts it first on sys.path). Returns the imports this added."""
    notebook_dir = out.notebook_dir or out.project_root
    before = set(out.code.imports)
    seen: set[Path] = set()
    for script in scripts:
        path = script.resolve()
        if path in seen or not (path.is_file() and path.suffix == ".py" and is_within(path, out.project_root)):
            continue
        seen.add(path)
        rel = relative_posix(path, notebook_dir)
        if out.secret_policy.is_secret(rel):
            continue
        out.files.add(rel)
        pending = _analyze_module_file(out, path, notebook_dir)
        _follow_local_imports(out, pending, [path.parent], notebook_dir, seen)
    return set(out.code.imports) - before


def follow_module(out: StaticFindings, top: str, module_path: Path) -> set[str]:
    """A local module found at run time (imported from a path the code built): recorded and followed."""
    notebook_dir = out.notebook_dir or out.project_root
    before = set(out.code.imports)
    out.local_modules.setdefault(top, relative_posix(module_path, notebook_dir))
    files = [module_path] if module_path.is_file() else sorted(module_path.rglob("*.py"))[:MAX_LOCAL_FILES]
    seen = set(files)
    for file in files:
        pending = _analyze_module_file(out, file, notebook_dir)
        _follow_local_imports(out, pending, [module_path.parent], notebook_dir, seen)
    return set(out.code.imports) - before


def _follow_local_imports(out: StaticFindings, pending: list[str], roots: list[Path], notebook_dir: Path,
                          seen: set[Path]) -> None:
    while pending:
        top = pending.pop().split(".")[0]
        module_path = local_module_path(top, roots)
        if module_path is None or module_path in seen or not is_within(module_path.resolve(), out.project_root):
            continue
        seen.add(module_path)
        out.local_modules.setdefault(top, relative_posix(module_path, notebook_dir))
        files = [module_path] if module_path.is_file() else sorted(module_path.rglob("*.py"))[:MAX_LOCAL_FILES]
        for file in files:
            pending.extend(_analyze_module_file(out, file, notebook_dir))
