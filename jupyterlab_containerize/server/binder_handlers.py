"""POST /containerize/binder: {path, kernel_id?, binderhub_url?, provider?, remote?, force?, dry_run?,
from_image?} -> {files, diff, url, badge_markdown, badge_rst, warnings, next_steps, ...}."""

from __future__ import annotations

import asyncio

import tornado

from ..share import BinderOptions, share_binder
from .base import ContainerizeHandler
from .schemas import BinderBody


class BinderHandler(ContainerizeHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.typed_body(BinderBody)
        notebook = self.notebook_path(body.path)
        options = BinderOptions(
            binderhub_url=body.binderhub_url or self.config_.binderhub_url, provider=body.provider,
            remote=body.remote or None, from_image=body.from_image or None,
            force=body.force, dry_run=body.dry_run, server_root=self.root_dir)
        spec = await self.inspect_spec(notebook, body.kernel_id)
        # git subprocesses and file writes: off the event loop
        result = await asyncio.to_thread(share_binder, notebook, spec, options)
        self.finish_json(result.to_dict())


HANDLERS = [("binder", BinderHandler)]
