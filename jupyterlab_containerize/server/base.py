"""The base handler: JSON in, JSON out, and the one place domain errors become HTTP answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler

from ..errors import ContainerizeError, InvalidRequest
from ..paths import resolve_in_root


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
    def root_dir(self) -> Path:
        return Path(self.settings["server_root_dir"]).expanduser().resolve()

    def notebook_path(self, relative: Any) -> Path:
        """The notebook's absolute path, confined to the server's root directory."""
        return resolve_in_root(self.root_dir, relative, must_exist=True)

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
