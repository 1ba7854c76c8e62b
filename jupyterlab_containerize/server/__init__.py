"""The Jupyter server extension: thin REST handlers over the pipeline."""

from __future__ import annotations

from typing import Any

from .. import __version__


def _load_jupyter_server_extension(server_app: Any) -> None:
    from .routes import setup_route_handlers  # the handlers only when a server loads the extension

    setup_route_handlers(server_app)
    server_app.log.info("jupyterlab_containerize %s: server extension loaded", __version__)
