"""POST /containerize/inspect: {path, kernel_id?, timeout?, static?} -> the environment spec."""

from __future__ import annotations

import tornado

from ..errors import InvalidRequest
from .base import CONTENTS, EXECUTE, KERNELS, READ, ContainerizeHandler, authorized
from .schemas import MIN_INSPECT_TIMEOUT, InspectBody


class InspectHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)
    async def post(self) -> None:
        body = self.typed_body(InspectBody)
        notebook = self.notebook_path(body.path)
        limit = self.config_.max_inspect_timeout
        timeout = body.timeout if body.timeout is not None else self.config_.inspect_timeout
        if not MIN_INSPECT_TIMEOUT <= timeout <= limit:
            raise InvalidRequest(f"'timeout' must be a number of seconds between {MIN_INSPECT_TIMEOUT:g} "
                                 f"and {limit:g}, not {timeout:g}.")
        static = body.static.choices() if body.static else None
        spec = await self.inspect_spec(notebook, body.kernel_id, float(timeout), static)
        self.finish_json(spec.to_dict())


HANDLERS = [("inspect", InspectHandler)]
