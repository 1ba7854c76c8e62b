"""A kernel's touch record -> what the spec gains: data files, scripts and their imports, local
modules loaded from paths built at run time, programs started, and the kernel's system facts.

Every path from the record is confined to the notebook's project folder (the static analysis's
`project_root`, itself bounded by the server's root) and passed through the secret-name policy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from ..confine import is_within, relative_posix
from ..secret_files import SecretPolicy
from ..spec import Problem
from .code_analysis import NOT_MODULES, NOT_PROGRAMS, PROGRAM_NAME, analyze_fragment
from .static_analysis import StaticFindings, follow_module, follow_scripts
from .touch_hook import command_parts

SKIPPED_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth", ".ipynb")
SKIPPED_PARTS = {".ipynb_checkpoints", "site-packages", "__pycache__"}


@dataclass
class RuntimeFindings:
    """What only the running kernel showed; `files` are relative to the notebook's folder."""

    files: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)  # modules imported only by scripts and code run at run time
    programs: dict[str, str] = field(default_factory=dict)  # program name -> as it was started
    system: dict[str, Any] = field(default_factory=dict)  # the kernel's system facts (system_probe_script.py)
    problems: list[Problem] = field(default_factory=list)
    recorded: bool = False


def apply_touch_record(static: StaticFindings, record: Optional[dict[str, Any]],
                       installed_modules: frozenset[str] | set[str] = frozenset()) -> RuntimeFindings:
    """Fold the record into `static` (scripts and modules are analysed like the notebook's own code)
    and return what was found only at run time. `installed_modules`: top-level names installed
    distributions provide (an editable install's source is a package, not a local module)."""
    found = RuntimeFindings()
    notebook_dir = static.notebook_dir
    if not isinstance(record, dict) or not record.get("recording") or notebook_dir is None:
        return found
    found.recorded = True
    files_before = set(static.files)
    started = record.get("started") if isinstance(record.get("started"), (int, float)) else None
    found.files = recorded_files(record, notebook_dir, static.project_root, started, static.secret_policy,
                                 static.local_modules)
    scripts = _commands(static, record, found)
    found.imports |= follow_scripts(static, scripts)
    found.imports |= _outside_modules(static, record, found, installed_modules)
    found.files |= set(static.files) - files_before
    system = record.get("system")
    found.system = system if isinstance(system, dict) else {}
    dropped = record.get("dropped") or {}
    if any(isinstance(v, int) and v > 0 for v in dropped.values()):
        found.problems.append(Problem(kind="record-truncated", message=(
            "The kernel touched more files or programs than the record keeps "
            f"({', '.join(f'{k}: {v} not kept' for k, v in sorted(dropped.items()) if v)}); "
            "check the files and system packages, or run `inspect --execute` on a smaller notebook.")))
    return found


def recorded_files(record: dict[str, Any], notebook_dir: Path, root: Path, started: Optional[float],
                   secret_policy: SecretPolicy, local_modules: Optional[dict[str, str]] = None) -> set[str]:
    """Files the code read first (never wrote first) and folders it listed, inside `root`, none a
    secret by `secret_policy`; with `started` (inspect --execute), what the run itself modified is its
    output, not its data."""
    notebook_dir, root = notebook_dir.resolve(), root.resolve()
    module_paths = {(notebook_dir / p).resolve() for p in (local_modules or {}).values()}
    sys_path = {os.path.abspath(p) for p in record.get("sys_path") or [] if isinstance(p, str)}
    files: set[str] = set()
    entries = [(p, False) for p in record.get("read") or []] + [(p, True) for p in record.get("listed") or []]
    for raw, listed in entries:
        if not isinstance(raw, str) or "\x00" in raw:
            continue
        real = Path(raw).resolve()
        if real in (root, notebook_dir) or not is_within(real, root) or SKIPPED_PARTS & set(real.parts):
            continue
        if listed:
            if not real.is_dir() or (real / "__init__.py").exists() or str(real) in sys_path \
                    or real in module_paths:
                continue
        elif not real.is_file() or real.suffix in SKIPPED_SUFFIXES:
            continue
        if started is not None and _modified_since(real, started):
            continue  # written by the notebook itself during this run
        rel = relative_posix(real, notebook_dir)
        if not secret_policy.is_secret(rel):
            files.add(rel)
    return files


def _modified_since(path: Path, started: float) -> bool:
    try:
        return os.stat(path).st_mtime >= started
    except OSError:
        return True


def _commands(static: StaticFindings, record: dict[str, Any], found: RuntimeFindings) -> list[Path]:
    """Programs go to `found.programs`; python scripts are returned for analysis; `-m` and `-c` are
    imports of the notebook's environment."""
    scripts: list[Path] = []
    for command in record.get("commands") or []:
        if not isinstance(command, list) or len(command) < 2 or not all(isinstance(w, str) for w in command):
            continue
        cwd, argv = Path(command[0]), command[1:]
        for kind, value in command_parts(argv):
            if kind == "script":
                path = (cwd / value).resolve()
                if is_within(path, static.project_root.resolve()):
                    scripts.append(path)
                elif path.suffix == ".py":
                    found.problems.append(Problem(kind="script-outside", message=(
                        f"The notebook ran {path}, outside its folder: it is not copied into the image. "
                        "Move it beside the notebook, or add it by hand.")))
            elif kind == "module" and value.split(".")[0] not in NOT_MODULES:
                if value not in static.code.imports:
                    static.code.add_import(value, None, False, "run time")
                    found.imports.add(value)
            elif kind == "code":
                before = set(static.code.imports)
                analyze_fragment(value, static.code, None)
                found.imports |= set(static.code.imports) - before
            elif kind == "program":
                name = os.path.basename(value)
                if PROGRAM_NAME.fullmatch(name) and name not in NOT_PROGRAMS and not _is_local(value, cwd, static):
                    found.programs.setdefault(name, value)
    return scripts


def _is_local(program: str, cwd: Path, static: StaticFindings) -> bool:
    """./run.sh, tools/convert: a file of the project (copied as data), not a system program."""
    if "/" not in program:
        return False
    return is_within((cwd / program).resolve(), static.project_root.resolve())


def _outside_modules(static: StaticFindings, record: dict[str, Any], found: RuntimeFindings,
                     installed: frozenset[str] | set[str]) -> set[str]:
    """Modules the kernel loaded from outside its environment: local modules when inside the project."""
    added: set[str] = set()
    modules = record.get("modules")
    if not isinstance(modules, dict):
        return added
    root = static.project_root.resolve()
    for top, where in sorted(modules.items()):
        if not isinstance(where, str) or not isinstance(top, str) or top in static.local_modules \
                or top in installed:
            continue
        path = Path(where).resolve()
        module_path = path.parent if path.name == "__init__.py" else path
        if not is_within(module_path, root):
            found.problems.append(Problem(kind="module-outside", message=(
                f"The kernel imported '{top}' from {module_path}, outside the notebook's folder: it is not "
                "copied into the image. Install it as a package, or move it beside the notebook.")))
            continue
        if module_path.suffix == ".py" or module_path.is_dir():
            added |= follow_module(static, top, module_path)
        elif module_path.is_file():  # a compiled extension built beside the notebook: copied as it is
            static.local_modules.setdefault(top, relative_posix(module_path, static.notebook_dir or root))
    return added
