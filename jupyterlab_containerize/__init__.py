"""jupyterlab-containerize: turn the notebook you ran into an image, a service or a Binder link."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0.dev0"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-containerize"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    # the server package loads the handlers, so this package imports none of its own modules
    return [{"module": "jupyterlab_containerize.server"}]
