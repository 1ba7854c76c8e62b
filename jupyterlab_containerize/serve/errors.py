"""Errors the service answers with: each carries its HTTP status, a metrics label (`kind`) and a
`code` for clients: the specific problem where there is one (`too_deep`), else the kind."""

from __future__ import annotations

from typing import Optional


class ServeError(Exception):
    status = 500
    kind = "internal"

    def __init__(self, message: str, name: Optional[str] = None, traceback: Optional[list[str]] = None,
                 cell: Optional[int] = None, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.kind
        self.name = name or type(self).__name__
        self.traceback = traceback or []
        self.cell = cell


class BadRequest(ServeError):
    status = 400
    kind = "bad_request"


class Unauthorized(ServeError):
    status = 401
    kind = "unauthorized"


class NotFound(ServeError):
    status = 404
    kind = "not_found"


class PayloadTooLarge(ServeError):
    status = 413
    kind = "too_large"


class CellError(ServeError):
    """A cell raised: the name and message are the exception's own."""

    status = 500
    kind = "cell_error"


class KernelDied(ServeError):
    status = 500
    kind = "kernel_died"


class QueueFull(ServeError):
    status = 503
    kind = "queue_full"


class NotReady(ServeError):
    status = 503
    kind = "not_ready"


class RunTimeout(ServeError):
    status = 504
    kind = "timeout"


class SetupFailed(Exception):
    """The notebook's setup cells failed: the service cannot start."""
