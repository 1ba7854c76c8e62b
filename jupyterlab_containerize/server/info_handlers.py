"""GET /containerize/info: lets the panel detect that the server extension is there."""

from __future__ import annotations

import tornado

from .. import __version__
from ..spec import SPEC_VERSION
from .base import ContainerizeHandler


class InfoHandler(ContainerizeHandler):
    @tornado.web.authenticated
    def get(self) -> None:
        self.finish_json({"version": __version__, "spec_version": SPEC_VERSION})


HANDLERS = [("info", InfoHandler)]
