"""POST /containerize/package-check: {name, version, python, platform?, libc?} -> what the package
index says about that release for the image (docs/rest-api.md): the panel asks when the user picks a
version, so the table shows that version's own Requires-Python, and refuses one that cannot install."""

from __future__ import annotations

import asyncio

import tornado

from ..inspect.release_check import check_release
from .base import READ, RESOURCE, ContainerizeHandler, authorized
from .schemas import PackageCheckBody


class PackageCheckHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)  # asks the package index only: no kernel, no file
    async def post(self) -> None:
        body = self.typed_body(PackageCheckBody)
        machine = (body.platform or "").removeprefix("linux/")
        check = await asyncio.to_thread(check_release, body.name, body.version, body.python, machine,
                                        body.libc or "")
        self.finish_json(check.to_dict())


HANDLERS = [("package-check", PackageCheckHandler)]
