"""GET /containerize/environments: the environment images builds left on the engine (size, last use,
the tagged images and notebooks that use each, what the admin's limit would remove);
POST /containerize/environments/prune {dry_run?, max_gb?, tags?}: remove them, least recently used first,
never one a tagged image needs (builder/environment_prune.py)."""

from __future__ import annotations

import asyncio
from typing import Any, Optional

import tornado

from ..builder.environment_prune import GB, list_environments, only, plan_prune, prune
from ..errors import InvalidRequest
from .base import READ, RESOURCE, WRITE, ContainerizeHandler, authorized
from .build_handlers import SETTINGS_KEY
from .schemas import PruneBody


class _EnvironmentsBase(ContainerizeHandler):
    def engine(self) -> Any:
        return self.settings[SETTINGS_KEY].engine()

    def limit(self, asked: Optional[float]) -> Optional[int]:
        limit = asked if asked is not None else self.config_.environment_images_max_gb or None
        return None if limit is None else int(limit * GB)


class EnvironmentsHandler(_EnvironmentsBase):
    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)
    async def get(self) -> None:
        engine = self.engine()
        images = await asyncio.to_thread(list_environments, engine)
        limit = self.limit(None)
        listing = plan_prune(images, limit if limit is not None else _no_removal(images)).to_dict()
        self.finish_json({**listing, "limit": limit})  # no limit set: null, not the total it was planned with


class PruneHandler(_EnvironmentsBase):
    @tornado.web.authenticated
    @authorized(WRITE, resource=RESOURCE)  # removes images from the engine
    async def post(self) -> None:
        body = self.typed_body(PruneBody)
        if body.max_gb is not None and not 0 <= body.max_gb <= 100_000:
            raise InvalidRequest("max_gb must be a number of GB, 0 to 100000.")
        engine = self.engine()
        images = await asyncio.to_thread(list_environments, engine)
        plan = only(plan_prune(images, self.limit(body.max_gb)), body.tags)
        removed: list[str] = []
        problems: list[str] = []
        if not body.dry_run:
            problems = await asyncio.to_thread(prune, engine, plan, removed.append)
        self.finish_json({**plan.to_dict(), "dry_run": body.dry_run, "removed": removed, "problems": problems})


def _no_removal(images: list[Any]) -> int:
    """With no limit set, the listing removes nothing: every byte fits."""
    return sum(image.size for image in images)


HANDLERS = [("environments", EnvironmentsHandler), ("environments/prune", PruneHandler)]
