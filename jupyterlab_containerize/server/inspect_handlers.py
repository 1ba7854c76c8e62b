"""POST /containerize/inspect: {path, kernel_id?, timeout?} -> the environment spec."""

from __future__ import annotations

import tornado

from ..errors import InvalidRequest
from .base import ContainerizeHandler


class InspectHandler(ContainerizeHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook_path(body.get("path"))
        limit = self.config_.max_inspect_timeout
        timeout = body.get("timeout", self.config_.inspect_timeout)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0.5 <= timeout <= limit:
            raise InvalidRequest(f"'timeout' must be a number of seconds between 0.5 and {limit:g}.")
        spec = await self.inspect_spec(notebook, body.get("kernel_id"), float(timeout))
        self.finish_json(spec.to_dict())


HANDLERS = [("inspect", InspectHandler)]
