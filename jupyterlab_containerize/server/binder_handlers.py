"""POST /containerize/binder: {path, kernel_id?, binderhub_url?, provider?, remote?, force?, dry_run?,
from_image?} -> {files, diff, url, badge_markdown, badge_rst, warnings, next_steps, ...}."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

import tornado

from ..errors import InvalidRequest
from ..share import BinderOptions, share_binder
from .base import ContainerizeHandler


class BinderHandler(ContainerizeHandler):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook_path(body.get("path"))
        options = BinderOptions(
            binderhub_url=_optional_str(body, "binderhub_url") or self.config_.binderhub_url,
            provider=_optional_str(body, "provider"),
            remote=_optional_str(body, "remote"), from_image=_optional_str(body, "from_image"),
            force=_bool(body, "force"), dry_run=_bool(body, "dry_run"), server_root=self.root_dir)
        spec = await self.inspect_spec(notebook, body.get("kernel_id"))
        # git subprocesses and file writes: off the event loop
        result = await asyncio.to_thread(share_binder, notebook, spec, options)
        self.finish_json(result.to_dict())


def _optional_str(body: dict[str, Any], key: str) -> Optional[str]:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidRequest(f"'{key}' must be a string.")
    return value or None


def _bool(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise InvalidRequest(f"'{key}' must be true or false.")
    return value


HANDLERS = [("binder", BinderHandler)]
