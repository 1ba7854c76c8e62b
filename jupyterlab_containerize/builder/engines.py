"""The one place an engine is made: `c.Containerize.engine_class` names it, as repo2docker's
`--engine` does, and the engine's own settings (address, TLS, timeout) come from the same config.

Engines are found by name in the entry-point group `jupyterlab_containerize.engines`; "docker"
(docker-py, which Podman's Docker API serves too) is registered by this package and also known
without an installed entry point, so a source tree that was never installed works."""

from __future__ import annotations

import sys
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, Callable, Optional

from ..config import Containerize
from ..errors import EngineUnavailable
from .engine import Engine

ENTRY_POINT_GROUP = "jupyterlab_containerize.engines"
BUILTIN = {"docker": "jupyterlab_containerize.builder.docker_engine:DockerEngine"}

EngineFactory = Callable[[], Engine]


def engine_names() -> dict[str, str]:
    """{name: "module:Class"} of every engine this installation knows."""
    found = dict(BUILTIN)
    for point in _entry_points():
        found[point.name] = point.value
    return found


def engine_class(name: str) -> Any:
    """The class registered as `name`; EngineUnavailable (one line) for a name nobody registered."""
    names = engine_names()
    if name not in names:
        raise EngineUnavailable(
            f"No container engine named {name!r} (c.Containerize.engine_class); known: {', '.join(sorted(names))}.",
            hint=f"Set c.Containerize.engine_class to one of {', '.join(sorted(names))}, or install the package "
                 f"that registers {name!r} in the entry-point group {ENTRY_POINT_GROUP}.")
    module, _, attribute = names[name].partition(":")
    try:
        return getattr(import_module(module), attribute)
    except (ImportError, AttributeError) as err:
        raise EngineUnavailable(f"The container engine {name!r} ({names[name]}) cannot be loaded: {err}.") from err


def make_engine(config: Optional[Containerize] = None, timeout: Optional[int] = None) -> Engine:
    """The configured engine, connected (EngineUnavailable when it does not answer). No config: the
    defaults, where the environment (DOCKER_HOST & co.) decides, as for the CLI."""
    config = config if config is not None else Containerize()
    kwargs = config.engine_kwargs()
    if timeout is not None:
        kwargs["timeout"] = timeout
    engine: Engine = engine_class(config.engine_class)(**kwargs)
    return engine


def engine_factory(config: Optional[Containerize] = None) -> EngineFactory:
    """A factory that makes the configured engine each time it is called (one per build)."""
    return lambda: make_engine(config)


def _entry_points() -> list[Any]:
    if sys.version_info >= (3, 10):
        return list(entry_points(group=ENTRY_POINT_GROUP))
    return list(entry_points().get(ENTRY_POINT_GROUP, []))  # Python 3.9: a dict of groups
