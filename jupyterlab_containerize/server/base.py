"""The base handler: JSON in, JSON out, and the one place domain errors become HTTP answers."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, Optional

from jupyter_server.base.handlers import APIHandler

from ..config import Containerize
from ..confine import resolve_in_root
from ..errors import ContainerizeError, InvalidRequest
from ..inspect import inspect_notebook_async
from ..inspect.notebook_source import kernel_name, load_notebook
from ..inspect.probe import interpreter_of_kernelspec, kernel_manager_for
from ..spec import EnvironmentSpec

CONFIG_KEY = "containerize_config"


class ContainerizeHandler(APIHandler):
    """Subclasses call `self.body()` and `self.finish_json(...)`; errors map to `{code, message, hint}`."""

    def body(self) -> dict[str, Any]:
        try:
            data = json.loads(self.request.body or b"{}")
        except json.JSONDecodeError as err:
            raise InvalidRequest(f"The request body is not JSON: {err}") from err
        if not isinstance(data, dict):
            raise InvalidRequest("The request body must be a JSON object.")
        return data

    @property
    def config_(self) -> Containerize:
        """The admin's settings (c.Containerize.*), made once at server start."""
        return self.settings[CONFIG_KEY]

    @property
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def notebook_path(self, relative: Any) -> Path:
        """The notebook's absolute path, confined to the server's root directory."""
        return resolve_in_root(self.root_dir, relative, must_exist=True)

    async def inspect_spec(self, notebook: Path, kernel_id: Any = None,
                           timeout: Optional[float] = None) -> EnvironmentSpec:
        """The spec from the live kernel when one is named, else the notebook's kernel spec's interpreter,
        else static analysis: the one lookup every handler that inspects uses."""
        if kernel_id is not None and not isinstance(kernel_id, str):
            raise InvalidRequest("'kernel_id' must be a string.")
        kernel = kernel_manager_for(self.kernel_manager, kernel_id) if kernel_id else None
        python = None
        if kernel is None:
            nb = await asyncio.to_thread(load_notebook, notebook)
            python = interpreter_of_kernelspec(self.kernel_spec_manager, kernel_name(nb))
        return await inspect_notebook_async(notebook, kernel_manager=kernel, python=python,
                                            timeout=timeout or self.config_.inspect_timeout)

    def finish_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc_info = kwargs.get("exc_info")
        error = exc_info[1] if exc_info else None
        if isinstance(error, ContainerizeError):
            self.set_status(error.status)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(error.to_dict()))
            return
        super().write_error(status_code, **kwargs)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ContainerizeError):
            self.log.warning("containerize: %s (%s)", value.message, value.code)
            return
        super().log_exception(typ, value, tb)
