"""/containerize/record: the touch record in a live kernel (what its code reads, runs and loads).

POST {kernel_id}   installs the recording hook, silently and once (idempotent) -> {recording, since, counts}
GET  ?kernel_id=ID whether that kernel records, since when, and how much it has seen

A kernel that was recording is re-armed after a restart: the server listens for its own
`kernel_actions` restart events and for the kernel manager's auto-restart callback, and a GET that
finds a recording kernel without its hook re-installs it (`reinstalled: true`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import tornado

from ..config import Containerize
from ..errors import ContainerizeError, InvalidRequest
from ..inspect.probe import kernel_manager_for
from ..inspect.touch_record import RecordStatus, install_recording, recording_status
from .base import EXECUTE, KERNELS, ContainerizeHandler, authorized

RECORDING_KEY = "containerize_recording_kernels"
KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"
RESTART_TIMEOUT = 60.0  # a restarted kernel answers once it is up


@dataclass
class RecordBody:
    """POST /containerize/record"""

    kernel_id: str


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


def setup(server_app: Any, config: Containerize) -> None:
    kernels = RecordingKernels(server_app.kernel_manager, config.inspect_timeout, server_app.log)
    server_app.web_app.settings[RECORDING_KEY] = kernels
    event_logger = getattr(server_app, "event_logger", None)
    if event_logger is not None:
        try:
            event_logger.add_listener(schema_id=KERNEL_ACTIONS, listener=kernels.on_kernel_action)
        except Exception as err:  # an older jupyter_server without kernel_actions: GET still re-arms
            server_app.log.debug("containerize: no kernel_actions events (%s)", err)


class RecordHandler(ContainerizeHandler):
    @property
    def recording(self) -> RecordingKernels:
        return self.settings[RECORDING_KEY]

    @tornado.web.authenticated
    @authorized(EXECUTE, resource=KERNELS)
    async def post(self) -> None:
        kernel_id = _kernel_id(self.typed_body(RecordBody).kernel_id)
        manager = kernel_manager_for(self.kernel_manager, kernel_id)
        status = await install_recording(manager, self.config_.inspect_timeout)
        if status.recording:
            self.recording.add(kernel_id, manager)
        self.finish_json(status.to_dict())

    @tornado.web.authenticated
    @authorized(EXECUTE, resource=KERNELS)
    async def get(self) -> None:
        kernel_id = _kernel_id(self.get_query_argument("kernel_id", None))
        manager = kernel_manager_for(self.kernel_manager, kernel_id)
        status: RecordStatus = await recording_status(manager, self.config_.inspect_timeout)
        answer = status.to_dict()
        if not status.recording and kernel_id in self.recording.ids:  # restarted behind our back
            answer = {**(await install_recording(manager, self.config_.inspect_timeout)).to_dict(), "reinstalled": True}
        self.finish_json(answer)


def _kernel_id(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 128:
        raise InvalidRequest("'kernel_id' must be the id of a running kernel (a non-empty string).")
    return value


HANDLERS = [("record", RecordHandler)]
