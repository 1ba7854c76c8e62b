"""URL table of the server extension; each feature's handlers live in their own module."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from .. import secret_files
from ..builder.engines import engine_class
from ..config import Containerize
from ..errors import ContainerizeError
from . import (
    binder_handlers,
    build_handlers,
    context_handlers,
    environment_handlers,
    info_handlers,
    inspect_handlers,
    lock_handlers,
    package_handlers,
    record_handlers,
)
from .base import CONFIG_KEY

NAMESPACE = "containerize"

# Each module exports HANDLERS: [(sub_path_regex, handler_class), ...]
FEATURE_MODULES = [info_handlers, inspect_handlers, build_handlers, context_handlers, lock_handlers, binder_handlers,
                   record_handlers, package_handlers, environment_handlers]


def setup_route_handlers(server_app: Any) -> None:
    web_app = server_app.web_app
    config = Containerize(parent=server_app)  # reads c.Containerize.* from the server's config
    web_app.settings[CONFIG_KEY] = config
    secret_files.configure(config.extra_secret_patterns)  # one policy for inspect, render and binder
    try:  # a misspelt engine_class in the log at start, not only on the first build
        engine_class(config.engine_class)
    except ContainerizeError as err:
        server_app.log.error("containerize: %s", err.message)
    base_url = web_app.settings["base_url"]
    host_pattern = ".*$"
    handlers = []
    for module in FEATURE_MODULES:
        if hasattr(module, "setup"):
            module.setup(server_app, config)
        for sub_path, handler in module.HANDLERS:
            handlers.append((url_path_join(base_url, NAMESPACE, sub_path), handler))
    web_app.add_handlers(host_pattern, handlers)
