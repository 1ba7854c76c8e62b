"""The base handler: JSON in, JSON out, and the one place domain errors become HTTP answers."""

from __future__ import annotations

import asyncio
import json
from http.client import responses
from pathlib import Path
from typing import Any, Optional, TypeVar

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado.web import HTTPError

from ..config import Containerize
from ..confine import resolve_in_root
from ..errors import ContainerizeError, InvalidRequest
from ..inspect import StaticChoices, inspect_notebook_async
from ..inspect.notebook_source import kernel_name, load_notebook
from ..inspect.probe import interpreter_of_kernelspec, kernel_manager_for
from ..spec import EnvironmentSpec
from .schemas import json_object, parse_body

CONFIG_KEY = "containerize_config"
T = TypeVar("T")

# jupyter_server's Authorizer is asked on every endpoint (docs/security.md lists each one):
#   "kernels"/"execute": anything that runs code for the caller (a probe in a kernel or a kernel spec's
#     interpreter, the touch record, a build: it runs the notebook's packages' and the notebook's code);
#   "contents"/"read" and "contents"/"write": the notebook and files under the root, read or written;
#   "containerize"/"read" and "containerize"/"write": this extension's own state, the container engine
#     and BinderHub (build records, starting and cancelling builds).
RESOURCE = "containerize"
KERNELS, CONTENTS = "kernels", "contents"
READ, WRITE, EXECUTE = "read", "write", "execute"
__all__ = ["authorized", "ContainerizeHandler", "RESOURCE", "KERNELS", "CONTENTS", "READ", "WRITE", "EXECUTE"]


class ContainerizeHandler(APIHandler):
    """Subclasses call `self.typed_body(Schema)` (server/schemas.py) and `self.finish_json(...)`; errors map
    to `{code, message, hint}`.
    Every method is `@tornado.web.authenticated` and `@authorized` for each resource it touches."""

    auth_resource = RESOURCE

    async def require(self, action: str, resource: str) -> None:
        """The Authorizer's answer for a permission only some requests need (an export, a write); 403."""
        user = self.current_user
        if not user or not await ensure_async(self.authorizer.is_authorized(self, user, action, resource)):
            raise HTTPError(403, f"User is not authorized to {action} on resource: {resource}.")

    def body(self) -> dict[str, Any]:
        """The request body's JSON object; 400 for a body that is not UTF-8 JSON text of an object."""
        return json_object(self.request.body or b"")

    def typed_body(self, cls: type[T]) -> T:
        """The request body checked against one of schemas.py's dataclasses."""
        return parse_body(cls, self.request.body or b"")

    @property
    def config_(self) -> Containerize:
        """The admin's settings (c.Containerize.*), made once at server start."""
        return self.settings[CONFIG_KEY]

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def notebook_path(self, relative: Any) -> Path:
        """The notebook's absolute path, confined to the server's root directory."""
        try:
            return resolve_in_root(self.root_dir, relative, must_exist=True)
        except OSError as err:  # a name longer than the file system allows, a loop of links
            raise InvalidRequest(f"'path' cannot be used: {err.strerror or err}.") from err

    async def inspect_spec(self, notebook: Path, kernel_id: Any = None, timeout: Optional[float] = None,
                           static: Optional[StaticChoices] = None) -> EnvironmentSpec:
        """The spec from the live kernel when one is named, else the notebook's kernel spec's interpreter,
        else static analysis: the one lookup every handler that inspects uses."""
        if kernel_id is not None and not isinstance(kernel_id, str):
            raise InvalidRequest("'kernel_id' must be a string.")
        await self.require(EXECUTE, KERNELS)  # a probe runs in the kernel or its interpreter
        kernel = kernel_manager_for(self.kernel_manager, kernel_id) if kernel_id else None
        python = None
        if kernel is None:
            nb = await asyncio.to_thread(load_notebook, notebook)
            python = interpreter_of_kernelspec(self.kernel_spec_manager, kernel_name(nb))
        return await inspect_notebook_async(notebook, kernel_manager=kernel, python=python,
                                            timeout=timeout or self.config_.inspect_timeout, root=self.root_dir,
                                            static_choices=static or StaticChoices())

    def finish_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error answers `{code, message, hint, detail, actions}`; a traceback only goes to the server log.
        `actions`: the fixes the panel can apply (errors.FixAction), [] when there are none."""
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, ContainerizeError):
            status, payload = error.status, error.to_dict()
        elif isinstance(error, HTTPError) or error is None:  # tornado's and jupyter_server's own: auth, 405, ...
            status, payload = status_code, _http_error(status_code, error)
        else:  # a bug: no input should get here
            status, payload = 500, {
                "code": "internal-error", "message": f"internal error: {type(error).__name__}: {_first_line(error)}",
                "hint": "This is a bug in jupyterlab-containerize; please report it with the server's log.",
                "detail": None, "actions": []}
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ContainerizeError):
            self.log.warning("containerize: %s (%s)", value.message, value.code)
            return
        super().log_exception(typ, value, tb)


def _http_error(status: int, error: Optional[HTTPError]) -> dict[str, Any]:
    reason = responses.get(status, "Error")
    message = reason
    if error is not None and error.log_message:
        try:
            message = error.log_message % error.args if error.args else error.log_message
        except (TypeError, ValueError):  # a '%' in a message given without arguments
            message = error.log_message
    code = "invalid-request" if status == 400 else reason.lower().replace(" ", "-")
    return {"code": code, "message": message, "hint": "", "detail": None, "actions": []}


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:300]
