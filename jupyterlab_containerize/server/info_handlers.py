"""GET /containerize/info: the server extension is there, and where builds run (or that they can't)."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import tornado

from .. import __version__
from ..builder.engines import make_engine
from ..config import Containerize
from ..errors import ContainerizeError
from ..spec import SPEC_VERSION
from .base import READ, RESOURCE, ContainerizeHandler, authorized


class InfoHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)
    async def get(self) -> None:
        engine = await asyncio.to_thread(engine_status, self.config_)
        self.finish_json({"version": __version__, "spec_version": SPEC_VERSION, "engine": engine,
                          "binderhub_url": self.config_.binderhub_url})


def engine_status(config: Containerize) -> dict[str, Any]:
    """{available, where, message}: `where` names the engine without any credential in it."""
    url = config.engine_url or os.environ.get("DOCKER_HOST", "")
    where = _describe(url)
    try:
        version = make_engine(config, timeout=5).version()
    except ContainerizeError as err:
        # the first line, short: the panel shows it in one line (the full text is in the server log)
        return {"available": False, "where": where, "message": err.message.splitlines()[0][:200]}
    return {"available": True, "where": where, "version": version, "message": None}


def _describe(url: str) -> str:
    if not url or url.startswith(("unix://", "npipe://")):
        return "this machine's container engine" + (f" ({url.split('://', 1)[1]})" if url else "")
    scheme, rest = url.split("://", 1) if "://" in url else ("tcp", url)
    host = rest.rsplit("@", 1)[-1]  # ssh://user@host: the user is not shown
    return f"a remote engine at {host} ({scheme})"


HANDLERS = [("info", InfoHandler)]
