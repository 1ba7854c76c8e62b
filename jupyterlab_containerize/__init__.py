"""jupyterlab-containerize: turn the notebook you ran into an image, a service or a Binder link."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0.dev0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-containerize"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyterlab_containerize"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from .server.routes import setup_route_handlers

    setup_route_handlers(server_app)
    server_app.log.info("jupyterlab_containerize %s: server extension loaded", __version__)
