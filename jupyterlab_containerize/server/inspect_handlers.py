"""POST /containerize/inspect: {path, kernel_id?} -> the environment spec."""

from __future__ import annotations

import tornado

from ..errors import InvalidRequest
from ..inspect import inspect_notebook_async
from ..inspect.notebook_source import kernel_name, load_notebook
from ..inspect.probe import DEFAULT_TIMEOUT, interpreter_of_kernelspec, kernel_manager_for
from .base import ContainerizeHandler


class InspectHandler(ContainerizeHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook_path(body.get("path"))
        kernel_id = body.get("kernel_id")
        if kernel_id is not None and not isinstance(kernel_id, str):
            raise InvalidRequest("'kernel_id' must be a string.")
        timeout = body.get("timeout", DEFAULT_TIMEOUT)
        if not isinstance(timeout, (int, float)) or not 0.5 <= timeout <= 120:
            raise InvalidRequest("'timeout' must be a number of seconds between 0.5 and 120.")
        kernel = kernel_manager_for(self.kernel_manager, kernel_id) if kernel_id else None
        python = None
        if kernel is None:
            nb = await tornado.ioloop.IOLoop.current().run_in_executor(None, load_notebook, notebook)
            python = interpreter_of_kernelspec(self.kernel_spec_manager, kernel_name(nb))
        spec = await inspect_notebook_async(notebook, kernel_manager=kernel, python=python, timeout=float(timeout))
        self.finish_json(spec.to_dict())


HANDLERS = [("inspect", InspectHandler)]
