"""/containerize/record: the touch record in a live kernel (what its code reads, runs and loads).

POST {kernel_id}   installs the recording hook, silently and once (idempotent) -> {recording, since, counts}
GET  ?kernel_id=ID whether that kernel records, since when, and how much it has seen

A kernel that was recording is re-armed after a restart (inspect/recording_kernels.py): setup() wires
the server's own `kernel_actions` events to it, and a GET that finds a recording kernel without its
hook re-installs it (`reinstalled: true`).
"""

from __future__ import annotations

from typing import Any

import tornado

from ..config import Containerize
from ..errors import InvalidRequest
from ..inspect.probe import kernel_manager_for
from ..inspect.recording_kernels import RecordingKernels
from ..inspect.touch_record import RecordStatus, install_recording, recording_status
from .base import EXECUTE, KERNELS, ContainerizeHandler, authorized
from .schemas import RecordBody

RECORDING_KEY = "containerize_recording_kernels"
KERNEL_ACTIONS = "https://events.jupyter.org/jupyter_server/kernel_actions/v1"


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
