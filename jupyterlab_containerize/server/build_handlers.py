"""/containerize/builds: start, watch and cancel image builds (docs/rest-api.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import tornado

from ..build.docker_engine import DockerEngine
from ..config import Containerize
from ..confine import confine_build_request
from ..errors import InvalidRequest
from ..pipeline import BuildManager
from ..render import BuildOptions
from ..spec import EnvironmentSpec
from .base import ContainerizeHandler

SETTINGS_KEY = "containerize_build_manager"


class _BuildsBase(ContainerizeHandler):
    @property
    def manager(self) -> BuildManager:
        return self.settings[SETTINGS_KEY]


class BuildsHandler(_BuildsBase):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.body()
        notebook = self.notebook_path(body.get("path"))
        options = BuildOptions.from_dict(body.get("options"))
        spec = body.get("spec")
        if spec is not None and not isinstance(spec, dict):
            raise InvalidRequest("'spec' must be the JSON object `inspect` returned.")
        parsed = EnvironmentSpec.from_dict(spec) if spec else None
        confine_build_request(self.root_dir, notebook, options, parsed)
        options.base_image = self.config_.base_image_for(options.base_image)
        await asyncio.to_thread(self.manager.check_engine)  # 503 now, not a failed record later
        record = await asyncio.to_thread(self.manager.submit, notebook, options, parsed)
        self.finish_json(record.summary(), status=202)

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish_json(self.manager.list())


class BuildHandler(_BuildsBase):
    @tornado.web.authenticated
    def get(self, build_id: str) -> None:
        try:
            since = int(self.get_query_argument("since", "0"))
        except ValueError as err:
            raise InvalidRequest("'since' must be a whole number.") from err
        self.finish_json(self.manager.view(build_id, since))

    @tornado.web.authenticated
    def delete(self, build_id: str) -> None:
        record = self.manager.cancel(build_id)
        self.finish_json({"id": record.id, "status": "cancelled"})


def setup(server_app: Any, config: Containerize) -> None:
    engine_kwargs = config.engine_kwargs()
    server_app.web_app.settings[SETTINGS_KEY] = BuildManager(
        Path(config.builds_dir), engine_factory=lambda: DockerEngine(**engine_kwargs),
        max_workers=config.max_concurrent_builds)


HANDLERS = [("builds", BuildsHandler), (r"builds/([0-9a-f]{6,64})", BuildHandler)]
