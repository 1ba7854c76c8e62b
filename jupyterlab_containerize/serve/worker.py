"""One warm kernel: start it, run the notebook's setup once, then run requests one at a time."""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager

from . import kernel_code
from .errors import CellError, KernelDied, SetupFailed
from .notebook import Cell, ServePlan
from .token_source import without_token_variables

log = logging.getLogger("containerize.serve")

OWN_PYTHON = "containerize-own-python"
POLL_S = 0.5  # how often a silent kernel is checked for death
STARTING, IDLE, BUSY, RECOVERING, FAILED = "starting", "idle", "busy", "recovering", "failed"


class OwnPythonSpecs(KernelSpecManager):
    """Adds a kernel on the server's own interpreter, whatever kernelspecs the machine holds."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name == OWN_PYTHON:
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            return KernelSpec(argv=argv, display_name="Python", language="python")
        return super().get_kernel_spec(kernel_name)


def choose_kernel(wanted: Optional[str], specs: KernelSpecManager) -> str:
    """The notebook's kernel when installed (the image installs it); else the server's Python."""
    if not wanted or wanted == "python3":
        return OWN_PYTHON
    try:
        specs.get_kernel_spec(wanted)
    except NoSuchKernel:
        log.warning("kernel %r is not installed; using this Python", wanted)
        return OWN_PYTHON
    return wanted


@dataclass
class ExecResult:
    outputs: list[dict[str, Any]] = field(default_factory=list)
    error: Optional[dict[str, Any]] = None
    expressions: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunResult:
    result_defined: bool
    result: Any
    outputs: list[dict[str, Any]]


class KernelWorker:
    def __init__(self, ident: int, plan: ServePlan, kernel_name: str, specs: KernelSpecManager,
                 env: dict[str, str]) -> None:
        self.ident = ident
        self.plan = plan
        self.kernel_name = kernel_name
        self.specs = specs
        self.env = env
        self.state = STARTING
        self.km: Optional[AsyncKernelManager] = None
        self.kc: Any = None
        self.current: Optional[str] = None  # msg_id of the execution in flight
        self.requests = 0

    @property
    def pid(self) -> Optional[int]:
        provisioner = getattr(self.km, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    async def alive(self) -> bool:
        return self.km is not None and bool(await self.km.is_alive())

    async def start(self) -> None:
        """Start the kernel and run the setup cells; SetupFailed names the failing cell."""
        self.state = STARTING
        self.km = AsyncKernelManager(kernel_name=self.kernel_name, kernel_spec_manager=self.specs)
        await self.km.start_kernel(cwd=str(self.plan.path.parent.resolve()), env=self.env)
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=120)
        for cell in setup_sequence(self.plan):
            answer = await self.execute(cell.source)
            if answer.error:
                raise SetupFailed(f"setup cell {cell.index} raised {answer.error['ename']}: "
                                  f"{answer.error['evalue']}")
        for code in (kernel_code.INIT, kernel_code.SNAPSHOT):
            answer = await self.execute(code)
            if answer.error:
                raise SetupFailed(f"the service's kernel helper failed: {answer.error['evalue']}")
        self.requests = 0
        self.state = IDLE
        log.info("kernel %d ready (pid %s)", self.ident, self.pid)

    async def run(self, overrides: dict[str, Any]) -> RunResult:
        """One request: reset, parameters, per-request cells; stops at the first error."""
        self.requests += 1
        params_cell = self.plan.parameters_cell
        steps: list[tuple[Optional[Cell], str]] = []
        if params_cell is not None:
            steps.append((None, kernel_code.prelude(params_cell.source, overrides)))
        else:
            steps.append((None, f"{kernel_code.HELPER}.reset()"))
        steps += [(cell, cell.source) for cell in self.plan.per_request]
        outputs: list[dict[str, Any]] = []
        answer = ExecResult()
        for number, (cell, code) in enumerate(steps):
            last = number == len(steps) - 1
            expressions = {"result": kernel_code.RESULT_EXPRESSION} if last else None
            answer = await self.execute(code, collect=bool(cell and cell.output), expressions=expressions)
            index = cell.index if cell else (params_cell.index if params_cell else None)
            if answer.error:
                err = answer.error
                raise CellError(err["evalue"], name=err["ename"], traceback=err["traceback"], cell=index)
            outputs += [dict(out, cell=index) for out in answer.outputs]
        defined, value = kernel_code.result_from_expressions(answer.expressions)
        return RunResult(defined, value, outputs)

    async def execute(self, code: str, collect: bool = False,
                      expressions: Optional[dict[str, str]] = None) -> ExecResult:
        msg_id = self.kc.execute(code, silent=False, store_history=False,
                                 user_expressions=expressions or {}, allow_stdin=False)
        self.current = msg_id
        answer = ExecResult()
        while True:
            msg = await self._next(self.kc.get_iopub_msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue  # left over from an interrupted execution
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            if kind == "error":
                answer.error = {k: content.get(k) for k in ("ename", "evalue", "traceback")}
            elif collect:
                add_output(answer.outputs, kind, content)
        reply = await self._reply(msg_id)
        answer.expressions = reply["content"].get("user_expressions", {})
        self.current = None
        return answer

    async def interrupt(self, grace_s: float) -> bool:
        """Interrupt the execution in flight; True when the kernel is idle again within grace_s."""
        msg_id = self.current
        if self.km is None or msg_id is None:
            return self.km is not None
        try:
            await self.km.interrupt_kernel()
            await asyncio.wait_for(self._wait_idle(msg_id), grace_s)
        except (asyncio.TimeoutError, KernelDied, RuntimeError) as err:
            log.warning("kernel %d did not stop after an interrupt (%s)", self.ident, err or type(err))
            return False
        self.current = None
        return True

    async def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                await self.km.shutdown_kernel(now=True)
            except Exception as err:  # a dead kernel may already be gone; still replace it
                log.debug("shutdown of kernel %d: %s", self.ident, err)
        self.km = self.kc = None
        self.current = None

    async def _wait_idle(self, msg_id: str) -> None:
        while True:
            msg = await self._next(self.kc.get_iopub_msg)
            if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"):
                return

    async def _reply(self, msg_id: str) -> dict[str, Any]:
        while True:
            msg = await self._next(self.kc.get_shell_msg)
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    async def _next(self, get: Any) -> dict[str, Any]:
        """The next message from a channel; KernelDied when the process is gone."""
        while True:
            try:
                return await get(timeout=POLL_S)
            except queue.Empty:
                if self.km is None or not await self.km.is_alive():
                    raise KernelDied("The kernel died while running the request; it is being "
                                     "replaced.", name="KernelDied") from None


def setup_sequence(plan: ServePlan) -> list[Cell]:
    """Cells run once at start, in notebook order: before `parameters`, it, then `setup`-tagged."""
    cells = list(plan.setup)
    if plan.parameters_cell is not None:
        cells.append(plan.parameters_cell)
    return sorted(cells, key=lambda c: c.index)


def add_output(outputs: list[dict[str, Any]], kind: str, content: dict[str, Any]) -> None:
    """Keep displayable outputs, nbformat-shaped; consecutive stream chunks are merged."""
    if kind == "clear_output":  # the cell cleared what it showed so far (progress displays)
        outputs.clear()
    elif kind == "stream":
        last = outputs[-1] if outputs else None
        if last and last["output_type"] == "stream" and last["name"] == content.get("name"):
            last["text"] += content.get("text", "")
        else:
            outputs.append({"output_type": "stream", "name": content.get("name"),
                            "text": content.get("text", "")})
    elif kind in ("display_data", "execute_result"):
        outputs.append({"output_type": kind, "data": content.get("data", {}),
                        "metadata": content.get("metadata", {})})


def kernel_environment(environ: dict[str, str]) -> dict[str, str]:
    """The kernel's environment: the service's, minus anything that holds or locates the bearer
    token (notebook code is not trusted with it)."""
    return without_token_variables(environ)


def current_environment() -> dict[str, str]:
    return kernel_environment(dict(os.environ))
