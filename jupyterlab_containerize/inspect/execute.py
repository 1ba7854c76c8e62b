"""`inspect --execute`: run the notebook in its environment, then probe that same kernel.

Imports done at run time show up in sys.modules, and the touch record (touch_hook.py, the same hook
the panel installs in a live kernel) notes the data files the code reads, including paths built at
run time ("yob%d.txt" % year), the programs and scripts it starts and the modules it loads from
outside the environment. The notebook on disk is never modified: a copy is executed.

A hung run ends on time (issue 23): one deadline covers the kernel's start, every cell and the
final probe; a cell past its own limit is interrupted so the probe can still answer; the kernel
is killed with its whole process group, not asked to shut down; and its output goes to a file,
never to this process's stdout/stderr, which a process it started could otherwise hold open after
everything else ended (a caller reading them to their end would then wait forever).
"""

from __future__ import annotations

import asyncio
import atexit
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import Unicode

from ..errors import ExecutionFailed, InterpreterNotFound
from ..spec import Problem
from .kernel_messages import await_reply
from .probe import KERNEL_EXPRESSION, _parse_kernel_reply
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


EXECUTE_TIMEOUT = 240.0  # seconds for the whole run: well inside a caller's own 300 s
CELL_TIMEOUT = 120.0
STARTUP_TIMEOUT = 60.0


def execute_and_probe(
    notebook_path: Path,
    nb: Any,
    python: str,
    probe: dict[str, Any],
    cell_timeout: float = CELL_TIMEOUT,
    probe_timeout: float = 30,
    total_timeout: float = EXECUTE_TIMEOUT,
) -> ExecutionResult:
    names = {d["name"].lower() for d in probe.get("distributions", [])}
    if "ipykernel" not in names:
        raise InterpreterNotFound(
            f"--execute needs ipykernel in the environment of {python}.",
            hint=f"Install it there: `{python} -m pip install ipykernel`, or inspect without --execute.",
        )
    return asyncio.run(_execute_within(notebook_path, nb, python, cell_timeout, probe_timeout, total_timeout))


async def _execute_within(notebook_path: Path, nb: Any, python: str, cell_timeout: float, probe_timeout: float,
                          total_timeout: float) -> ExecutionResult:
    """_execute under one deadline, which every wait inside it is cut to; a last guard past it
    cancels the run (nbclient turns a cancel into a dead kernel, so that is the guard only)."""
    run = _Run(python, total_timeout, asyncio.get_running_loop().time() + total_timeout)
    with tempfile.TemporaryFile(prefix="containerize-kernel-") as kernel_log:
        run.kernel_log = kernel_log
        try:
            return await asyncio.wait_for(_execute(notebook_path, nb, cell_timeout, probe_timeout, run),
                                          total_timeout + 15)
        except asyncio.TimeoutError as err:
            raise run.expired() from err


@dataclass
class _Run:
    python: str
    total: float
    deadline: float  # on the event loop's clock
    at: str = "starting the kernel"
    kernel_log: Any = None

    def remaining(self) -> float:
        return self.deadline - asyncio.get_running_loop().time()

    def expired(self) -> ExecutionFailed:
        return ExecutionFailed(
            f"Executing the notebook with {self.python} did not end within {self.total:.0f} s "
            f"(still {self.at}); the kernel was stopped.",
            hint="A cell may wait forever (input, a server, a lock): give it longer with --execute-timeout, "
            "or inspect without --execute. Its kernel's output: " + _tail(self.kernel_log),
        )


async def _execute(notebook_path: Path, nb: Any, cell_timeout: float, probe_timeout: float,
                   run: _Run) -> ExecutionResult:
    import nbformat
    from nbclient import NotebookClient

    notebook_dir = notebook_path.parent.resolve()
    km = AsyncKernelManager(kernel_spec_manager=_InterpreterKernelSpecs(python=run.python),
                            kernel_name="containerize")
    client = NotebookClient(
        nbformat.reads(json.dumps(nb), as_version=4),
        km=km,
        timeout=int(cell_timeout),
        startup_timeout=max(1, int(min(STARTUP_TIMEOUT, run.total))),
        shutdown_kernel="immediate",  # unused: nbclient does not stop a kernel it did not start (_kill_kernel)
        allow_errors=True,
        resources={"metadata": {"path": str(notebook_dir)}},
    )
    started = time.time()
    problems: list[Problem] = []
    try:
        # the kernel writes to a file: nothing it starts can hold this process's pipes open
        async with client.async_setup_kernel(stdout=run.kernel_log, stderr=run.kernel_log):
            run.at = "installing the touch record"
            installed = await _silent(client.kc, "", {"install": INSTALL_EXPRESSION}, _cut(probe_timeout, run))
            if not (parse_expression_result(installed.get("user_expressions", {}).get("install")) or {}).get(
                "recording"
            ):
                problems.append(Problem(kind="record-failed", message=(
                    "The touch record could not be installed in the kernel: files, scripts and programs "
                    "used only at run time may be missing. Is it Python 3.8 or newer?")))
            for index, cell in enumerate(client.nb.cells):
                if cell.get("cell_type") != "code":
                    continue
                run.at = f"running cell {index + 1}"
                client.timeout = int(_cut(cell_timeout, run))
                try:
                    await client.async_execute_cell(cell, index)
                except Exception as err:  # a cell timeout or a dead kernel ends the run, keeps what ran
                    if run.remaining() < 1:
                        raise run.expired() from err
                    problems.append(
                        Problem(
                            kind="execution-stopped",
                            cell=index,
                            message=f"Execution stopped at cell {index + 1}: {err}",
                        )
                    )
                    await _interrupt(km)  # a cell still running would keep the probe waiting
                    break
                problems.extend(_cell_errors(cell, index))
            run.at = "probing the kernel after the run"
            reply = await _silent(
                client.kc, "", {"probe": KERNEL_EXPRESSION, "touched": RECORD_EXPRESSION}, _cut(probe_timeout, run)
            )
    except ExecutionFailed:
        raise
    except (RuntimeError, OSError) as err:  # OSError: the interpreter could not even be started
        if run.remaining() < 1:
            raise run.expired() from err
        raise ExecutionFailed(
            f"The notebook could not be executed with {run.python}: {err}",
            hint="Check that the environment starts a kernel: `python -m ipykernel_launcher --help`. "
            "Its output: " + _tail(run.kernel_log),
        ) from err
    finally:  # a kernel that failed to start was cleaned up already; nbclient still left its atexit hook
        await _kill_kernel(km, client)
        atexit.unregister(client._cleanup_kernel)
    probe = _parse_kernel_reply({"status": "ok", "user_expressions": {"probe": reply["user_expressions"]["probe"]}})
    probe["executed"] = True
    record = parse_record(reply["user_expressions"].get("touched"))
    files: set[str] = set()
    if record is not None:
        record["started"] = started  # what the run itself modified is its output, not its data
        files = recorded_files(record, notebook_dir, notebook_dir, started)
    probe["touched"] = record
    return ExecutionResult(probe=probe, files=files, problems=problems)


def _cut(timeout: float, run: _Run) -> float:
    """A wait inside the run, cut to what is left of the whole run's time (at least a second)."""
    remaining = run.remaining()
    if remaining < 1:
        raise run.expired()
    return max(1.0, min(timeout, remaining))


async def _kill_kernel(km: AsyncKernelManager, client: Any) -> None:
    """SIGKILL to the kernel's own process group, and with it every process the notebook started.

    jupyter_client starts the kernel in a new session (start_new_session) and records its process
    group; shutdown_kernel(now=True) signals that group (LocalProvisioner.kill -> killpg), then
    reaps the kernel and removes its connection file. Done here, on every way out of the run (its
    end, an error, the deadline, a cancel), because nbclient does not: it shuts the kernel down
    only when it made the kernel manager itself (owns_km, false as we pass km), and then only while
    the kernel is alive, so a kernel that died first would leave its children running. Nothing
    outside the kernel's group is signalled: a process that started a session or group of its own
    (setsid, start_new_session, a daemon that double-forks into one) is out of reach and survives.
    """
    if km.has_kernel:  # false when nbclient already killed a kernel that failed to start
        try:
            await km.shutdown_kernel(now=True)
        except Exception:  # noqa: S110  gone already: nothing left to stop
            pass
    if client.kc is not None:
        client.kc.stop_channels()
        client.kc = None


async def _interrupt(km: Any) -> None:
    try:
        await km.interrupt_kernel()
    except Exception:  # noqa: S110  a dead kernel: the probe that follows says so
        pass


def _tail(log: Any, limit: int = 400) -> str:
    try:
        log.flush()
        log.seek(0)
        text = log.read().decode("utf-8", "replace").strip()
    except (OSError, ValueError):
        return "(unreadable)"
    return " | ".join(text[-limit:].splitlines()) or "(none)"


async def _silent(kc: Any, code: str, expressions: dict[str, str], timeout: float) -> dict[str, Any]:
    msg_id = kc.execute(code, silent=True, store_history=False, user_expressions=expressions)
    return await await_reply(kc, msg_id, timeout)


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
