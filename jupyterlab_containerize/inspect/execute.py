"""`inspect --execute`: run the notebook in its environment, then probe that same kernel.

Imports done at run time show up in sys.modules, and the touch record (touch_hook.py, the same hook
the panel installs in a live kernel) notes the data files the code reads, including paths built at
run time ("yob%d.txt" % year), the programs and scripts it starts and the modules it loads from
outside the environment. The notebook on disk is never modified: a copy is executed.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

from ..errors import ExecutionFailed, InterpreterNotFound
from ..spec import Problem
from .probe import KERNEL_EXPRESSION, _await_reply, _parse_kernel_reply
from .touch_items import recorded_files
from .touch_record import INSTALL_EXPRESSION, RECORD_EXPRESSION, parse_expression_result, parse_record


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
            installed = await _silent(client.kc, "", {"install": INSTALL_EXPRESSION}, probe_timeout)
            if not (parse_expression_result(installed.get("user_expressions", {}).get("install")) or {}).get(
                "recording"
            ):
                problems.append(Problem(kind="record-failed", message=(
                    "The touch record could not be installed in the kernel: files, scripts and programs "
                    "used only at run time may be missing. Is it Python 3.8 or newer?")))
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
                client.kc, "", {"probe": KERNEL_EXPRESSION, "touched": RECORD_EXPRESSION}, probe_timeout
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
    record = parse_record(reply["user_expressions"].get("touched"))
    files: set[str] = set()
    if record is not None:
        record["started"] = started  # what the run itself modified is its output, not its data
        files = recorded_files(record, notebook_dir, notebook_dir, started)
    probe["touched"] = record
    return ExecutionResult(probe=probe, files=files, problems=problems)


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
