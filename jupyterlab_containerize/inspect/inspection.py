"""inspect: notebook (+ kernel or interpreter) -> EnvironmentSpec. The CLI and REST API call these."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from ..confine import default_root
from ..errors import InterpreterNotFound, InvalidRequest, ProbeFailed
from ..secret_files import SecretPolicy
from ..spec import EnvironmentSpec, InspectSource, NotebookInfo, Problem
from .as_of_pins import pin_as_of
from .notebook_date import notebook_date, static_python
from .notebook_lock import apply_lock, read_lock
from .notebook_source import kernel_name, load_notebook, notebook_language, notebook_sha256
from .probe import (
    DEFAULT_TIMEOUT,
    find_interpreter,
    interpreter_of_kernelspec,
    probe_interpreter,
    probe_interpreter_async,
    probe_kernel,
)
from .resolve import ResolveInput, resolve
from .static_analysis import StaticFindings, analyze_notebook


def _read(notebook: Path, root: Optional[Path],
          secret_policy: SecretPolicy) -> tuple[Any, StaticFindings, NotebookInfo, Optional[str]]:
    """`root`: no file above it is read (REST: the server's root; None: the CLI's, confine.default_root)."""
    nb = load_notebook(notebook)
    static = analyze_notebook(nb, notebook.parent, secret_policy, root_limit=root or default_root(notebook))
    info = NotebookInfo(
        path=notebook.name,
        sha256=notebook_sha256(notebook),
        kernel_name=kernel_name(nb),
        language=notebook_language(nb),
        cell_count=static.cell_count,
    )
    nb_python = (nb.get("metadata", {}).get("language_info") or {}).get("version")
    return nb, static, info, nb_python


def default_interpreter(kernel: Optional[str]) -> Optional[str]:
    """The python the notebook's kernel spec launches; None when that kernel is not installed here."""
    from jupyter_client.kernelspec import KernelSpecManager

    return interpreter_of_kernelspec(KernelSpecManager(), kernel)


@dataclass(frozen=True)
class StaticChoices:
    """How a kernel-less inspection pins: `--static`, `--as-of DATE`, names the user confirmed."""

    force: bool = False
    as_of: Optional[str] = None
    confirmed: tuple[str, ...] = ()
    python_version: Optional[str] = None  # pin for this Python instead of the notebook's (the base's)
    historic_python: bool = False  # pin for the notebook's own Python even when no longer supported
    resolve_pins: bool = True  # False: leave static pins unresolved (no index reachable, tests)
    with_extras: bool = False  # lock installed-but-unused extras of imported packages (else: suggestions)


def inspect_notebook(
    notebook: Path, python: Optional[str] = None, execute: bool = False, timeout: float = DEFAULT_TIMEOUT,
    static_choices: StaticChoices = StaticChoices(), root: Optional[Path] = None,
    execute_timeout: Optional[float] = None, *, secret_policy: SecretPolicy,
) -> EnvironmentSpec:
    """Blocking inspection, for the CLI, scripts and server builds (these pass the server's `root`:
    no file above it is read, and its `secret_policy`: no file it names is listed; the CLI's is
    secret_files.DEFAULT_POLICY). Never stands in the tool's own environment for a kernel that is not
    there: without one, the spec is static, pinned as of the notebook's date (or from the lock it
    carries), and says so."""
    notebook = Path(notebook).resolve()
    nb, static, info, nb_python = _read(notebook, root, secret_policy)
    if static_choices.force:
        if python or execute:
            raise InvalidRequest("--static reads the code alone: it cannot be combined with --python or --execute.")
        spec = resolve(ResolveInput(static=static, notebook=info, source="static", notebook_python=nb_python))
        return pin_static(spec, nb, notebook, static_choices)
    interpreter = find_interpreter(python) if python else default_interpreter(info.kernel_name)
    problems: list[Problem] = []
    runtime_files: set[str] = set()
    source: InspectSource = "interpreter"
    probe: Optional[dict[str, Any]] = None
    if interpreter is None:
        if execute:
            raise InterpreterNotFound(
                f"The notebook's kernel {info.kernel_name or '(none named)'!r} is not installed here, "
                "so there is nothing to run it in.", hint="Pass --python PATH of the environment it ran in.")
        problems.append(Problem(kind="no-kernel", message=(
            f"The notebook's kernel {info.kernel_name or '(none named)'!r} is not installed here: static "
            "analysis only, nothing was read from a running environment. Pass --python PATH of the "
            "environment it ran in to pin what it used.")))
        source = "static"
    else:
        try:
            probe = probe_interpreter(interpreter, timeout)
        except (ProbeFailed, InterpreterNotFound) as err:
            if python or execute:
                raise
            problems.append(Problem(kind="probe-failed", message=f"{err.message} Static analysis only."))
            source = "static"
    if execute and probe is not None and interpreter is not None:
        from .execute import CELL_TIMEOUT, EXECUTE_TIMEOUT, execute_and_probe

        total = execute_timeout or EXECUTE_TIMEOUT
        result = execute_and_probe(notebook, nb, interpreter, probe, cell_timeout=min(CELL_TIMEOUT, total),
                                   total_timeout=total, secret_policy=secret_policy)
        probe, runtime_files, source = result.probe, result.files, "kernel"
        problems.extend(result.problems)
    spec = resolve(
        ResolveInput(
            static=static,
            notebook=info,
            source=source,
            probe=probe,
            runtime_files=runtime_files,
            problems=problems,
            notebook_python=nb_python,
            with_extras=static_choices.with_extras,
        )
    )
    return pin_static(spec, nb, notebook, static_choices) if spec.source == "static" else spec


def pin_static(spec: EnvironmentSpec, nb: dict[str, Any], notebook: Path, choices: StaticChoices) -> EnvironmentSpec:
    """Pins for a spec read from the code alone: the notebook's own lock first, else as of its date."""
    lock = read_lock(nb)
    if lock is not None and not choices.as_of:
        if choices.python_version:
            spec.python.version = choices.python_version
        apply_lock(spec, lock)
        return spec
    when = notebook_date(notebook, choices.as_of)
    if choices.python_version:
        spec.python.version = choices.python_version
        why = f"Pinned for Python {choices.python_version} (--python-version)."
    else:
        spec.python.version, why = static_python(spec.python.version, when.date, choices.historic_python)
    spec.problems.append(Problem(kind="python-choice", message=why))
    if choices.resolve_pins:
        pin_as_of(spec, when, choices.confirmed)
    return spec


async def inspect_notebook_async(
    notebook: Path, kernel_manager: Any = None, python: Optional[str] = None, timeout: float = DEFAULT_TIMEOUT,
    static_choices: StaticChoices = StaticChoices(), root: Optional[Path] = None, *, secret_policy: SecretPolicy,
) -> EnvironmentSpec:
    """Non-blocking inspection for the server: a live kernel first, then an interpreter, then code only.
    `root`: the server's root directory; no file above it is read. `secret_policy`: the server's
    (the admin's patterns too); no file it names is listed."""
    notebook = Path(notebook).resolve()
    nb, static, info, nb_python = await asyncio.to_thread(_read, notebook, root, secret_policy)
    problems: list[Problem] = []
    probe: Optional[dict[str, Any]] = None
    source: InspectSource = "static"
    if kernel_manager is not None:
        try:
            probe, source = await probe_kernel(kernel_manager, timeout), "kernel"
        except ProbeFailed as err:
            problems.append(Problem(kind="probe-failed", message=f"{err.message} Static analysis only."))
    elif python:
        try:
            probe, source = await probe_interpreter_async(python, timeout), "interpreter"
        except (ProbeFailed, InterpreterNotFound) as err:
            problems.append(Problem(kind="probe-failed", message=f"{err.message} Static analysis only."))
    else:
        problems.append(Problem(kind="no-kernel", message=(
            f"No running kernel, and the notebook's kernel {info.kernel_name or '(none named)'!r} is not "
            "installed here: static analysis only. Start its kernel to pin what it used.")))
    data = ResolveInput(
        static=static, notebook=info, source=source, probe=probe, problems=problems, notebook_python=nb_python,
        with_extras=static_choices.with_extras,
    )
    spec = await asyncio.to_thread(resolve, data)
    if spec.source == "static":  # uv asks the index: off the event loop
        spec = await asyncio.to_thread(pin_static, spec, nb, notebook, static_choices)
    return spec
