"""`inspect --execute`: run the notebook in its environment, then probe that same kernel.

Imports done at run time show up in sys.modules, and an audit hook on `open` records the data
files the code reads, including paths built at run time ("yob%d.txt" % year). The notebook on disk
is never modified: a copy is executed.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

from ..confine import is_within, relative_posix
from ..errors import ExecutionFailed, InterpreterNotFound
from ..secret_files import is_secret
from ..spec import Problem
from .probe import KERNEL_EXPRESSION, _await_reply, _parse_kernel_reply

AUDIT_SETUP = """
def __containerize_install_audit():
    import os, sys, types
    state = types.SimpleNamespace(opened=set())
    sys.modules['__containerize_audit__'] = state
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT
    def hook(event, args):
        if event != 'open' or not args:
            return
        path, mode = args[0], args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        if isinstance(path, int):
            return
        if isinstance(mode, str) and any(c in mode for c in 'wax+'):
            return
        if mode is None and flags & write_flags:
            return
        try:
            state.opened.add(os.path.abspath(os.fsdecode(path)))
        except Exception:
            pass
    sys.addaudithook(hook)
__containerize_install_audit()
del __containerize_install_audit
"""
# One JSON string, filtered in the kernel: IPython's repr of a long list stops at 1000 items.
OPENED_EXPRESSION = (
    "__import__('json').dumps(sorted(p for p in __import__('sys').modules['__containerize_audit__'].opened"
    " if 'site-packages' not in p and not p.startswith(('/usr/', '/proc/', '/sys/', '/dev/'))))"
)
SKIPPED_SUFFIXES = (".py", ".pyc", ".so", ".pyd", ".pth", ".ipynb")


@dataclass
class ExecutionResult:
    probe: dict[str, Any]
    files: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)


class _InterpreterKernelSpecs(KernelSpecManager):
    """Launches ipykernel from one given interpreter, whatever kernels are installed."""

    python = Unicode()

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        argv = [self.python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        return KernelSpec(argv=argv, display_name="containerize", language="python")


def execute_and_probe(
    notebook_path: Path,
    nb: Any,
    python: str,
    probe: dict[str, Any],
    cell_timeout: float = 600,
    probe_timeout: float = 30,
) -> ExecutionResult:
    names = {d["name"].lower() for d in probe.get("distributions", [])}
    if "ipykernel" not in names:
        raise InterpreterNotFound(
            f"--execute needs ipykernel in the environment of {python}.",
            hint=f"Install it there: `{python} -m pip install ipykernel`, or inspect without --execute.",
        )
    return asyncio.run(_execute(notebook_path, nb, python, cell_timeout, probe_timeout))


async def _execute(
    notebook_path: Path, nb: Any, python: str, cell_timeout: float, probe_timeout: float
) -> ExecutionResult:
    import nbformat
    from nbclient import NotebookClient

    notebook_dir = notebook_path.parent.resolve()
    km = AsyncKernelManager(kernel_spec_manager=_InterpreterKernelSpecs(python=python), kernel_name="containerize")
    client = NotebookClient(
        nbformat.reads(json.dumps(nb), as_version=4),
        km=km,
        timeout=int(cell_timeout),
        allow_errors=True,
        resources={"metadata": {"path": str(notebook_dir)}},
    )
    started = time.time()
    problems: list[Problem] = []
    try:
        async with client.async_setup_kernel():
            await _silent(client.kc, AUDIT_SETUP, {}, probe_timeout)
            for index, cell in enumerate(client.nb.cells):
                if cell.get("cell_type") != "code":
                    continue
                try:
                    await client.async_execute_cell(cell, index)
                except Exception as err:  # a cell timeout or a dead kernel ends the run, keeps what ran
                    problems.append(
                        Problem(
                            kind="execution-stopped",
                            cell=index,
                            message=f"Execution stopped at cell {index + 1}: {err}",
                        )
                    )
                    break
                problems.extend(_cell_errors(cell, index))
            reply = await _silent(
                client.kc, "", {"probe": KERNEL_EXPRESSION, "opened": OPENED_EXPRESSION}, probe_timeout
            )
    except ExecutionFailed:
        raise
    except RuntimeError as err:
        raise ExecutionFailed(
            f"The notebook could not be executed with {python}: {err}",
            hint="Check that the environment starts a kernel: `python -m ipykernel_launcher --help`.",
        ) from err
    probe = _parse_kernel_reply({"status": "ok", "user_expressions": {"probe": reply["user_expressions"]["probe"]}})
    probe["executed"] = True
    opened = _literal(reply["user_expressions"].get("opened", {}))
    return ExecutionResult(
        probe=probe, files=_data_files(opened, notebook_dir, notebook_path, started), problems=problems
    )


async def _silent(kc: Any, code: str, expressions: dict[str, str], timeout: float) -> dict[str, Any]:
    msg_id = kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
    return await _await_reply(kc, msg_id, timeout)


def _cell_errors(cell: Any, index: int) -> list[Problem]:
    return [
        Problem(
            kind="cell-error",
            cell=index,
            message=f"Cell {index + 1} raised {o.get('ename')}: {o.get('evalue')} during --execute.",
        )
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def _literal(result: dict[str, Any]) -> list[str]:
    import ast

    if result.get("status") != "ok":
        return []
    try:
        value = json.loads(ast.literal_eval(result.get("data", {}).get("text/plain", "'[]'")))
    except (ValueError, SyntaxError, TypeError):
        return []
    return [v for v in value if isinstance(v, str)]


def _data_files(opened: list[str], notebook_dir: Path, notebook_path: Path, started: float) -> set[str]:
    """Files read during the run that existed before it, inside the notebook's folder."""
    files = set()
    for raw in opened:
        path = Path(raw)
        if not path.is_file() or path.suffix in SKIPPED_SUFFIXES or path == notebook_path.resolve():
            continue
        real = path.resolve()
        if not is_within(real, notebook_dir) or "site-packages" in real.parts or ".ipynb_checkpoints" in real.parts:
            continue
        try:
            if os.stat(real).st_mtime >= started:
                continue  # written by the notebook itself during this run
        except OSError:
            continue
        rel = relative_posix(real, notebook_dir)
        if not is_secret(rel):
            files.add(rel)
    return files
