"""Kernels the user asked to record, re-armed after each restart: the kernel manager's auto-restart
callback and the server's `kernel_actions` events (wired in server/record_handlers.py) call it."""

from __future__ import annotations

import asyncio
from typing import Any

from ..errors import ContainerizeError
from .probe import kernel_manager_for
from .touch_record import install_recording

RESTART_TIMEOUT = 60.0  # a restarted kernel answers once it is up


class RecordingKernels:
    """Kernel ids the user asked to record, so restarts re-install the hook."""

    def __init__(self, kernel_manager: Any, timeout: float, log: Any) -> None:
        self.kernel_manager = kernel_manager
        self.timeout = timeout
        self.log = log
        self.ids: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def add(self, kernel_id: str, manager: Any) -> None:
        if kernel_id in self.ids:
            return
        self.ids.add(kernel_id)
        try:  # jupyter_client's restarter (the kernel died and came back): no event is emitted for it
            manager.add_restart_callback(lambda: self.rearm_soon(kernel_id), "restart")
        except Exception:  # a manager without a restarter (remote kernels): events and GET still re-arm
            self.log.debug("containerize: no restart callback for kernel %s", kernel_id)

    def rearm_soon(self, kernel_id: str) -> None:
        task = asyncio.ensure_future(self.rearm(kernel_id))
        self._tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._tasks.discard)

    async def rearm(self, kernel_id: str) -> None:
        if kernel_id not in self.ids:
            return
        try:
            manager = kernel_manager_for(self.kernel_manager, kernel_id)
            status = await install_recording(manager, RESTART_TIMEOUT)
            self.log.info("containerize: recording re-armed in restarted kernel %s (%s)", kernel_id, status.recording)
        except ContainerizeError as err:
            self.log.warning("containerize: could not re-arm recording in kernel %s: %s", kernel_id, err.message)

    async def on_kernel_action(self, logger: Any, schema_id: str, data: dict[str, Any]) -> None:
        kernel_id = data.get("kernel_id")
        if data.get("status") != "success" or not isinstance(kernel_id, str):
            return
        if data.get("action") == "restart":
            await self.rearm(kernel_id)
        elif data.get("action") == "shutdown":
            self.ids.discard(kernel_id)
