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
from ..inspect.notebook_source import load_notebook
from ..inspect.probe import kernelspec_interpreters
from ..pipeline import BuildManager
from ..render import BuildOptions
from ..spec import EnvironmentSpec
from .base import ContainerizeHandler
from .schemas import BuildBody, parse_since

SETTINGS_KEY = "containerize_build_manager"


class _BuildsBase(ContainerizeHandler):
    @property
    def manager(self) -> BuildManager:
        return self.settings[SETTINGS_KEY]


class BuildsHandler(_BuildsBase):
    @tornado.web.authenticated
    async def post(self) -> None:
        body = self.typed_body(BuildBody)
        notebook = self.notebook_path(body.path)
        options = BuildOptions.from_dict(body.options)
        parsed = EnvironmentSpec.from_dict(body.spec) if body.spec else None
        if parsed is not None:  # no inspection reads it then: a broken notebook must fail here, not mid-build
            await asyncio.to_thread(load_notebook, notebook)
        interpreters = await asyncio.to_thread(self.allowed_interpreters) if options.python else []
        try:
            confine_build_request(self.root_dir, notebook, options, parsed, interpreters)
        except OSError as err:  # a path longer than the file system allows, a loop of links
            raise InvalidRequest(f"A path in the request cannot be used: {err.strerror or err}.") from err
        options.base_image = self.config_.base_image_for(options.base_image)
        await asyncio.to_thread(self.manager.check_engine)  # 503 now, not a failed record later
        record = await asyncio.to_thread(self.manager.submit, notebook, options, parsed, self.root_dir)
        self.finish_json(record.summary(), status=202)

    @tornado.web.authenticated
    def get(self) -> None:
        self.finish_json(self.manager.list())

    def allowed_interpreters(self) -> list[str]:
        """What options.python may name: the installed kernel specs' interpreters and the admin's list."""
        return [*kernelspec_interpreters(self.kernel_spec_manager), *self.config_.allowed_interpreters]


class BuildHandler(_BuildsBase):
    @tornado.web.authenticated
    def get(self, build_id: str) -> None:
        since = parse_since(self.get_query_argument("since", "0"))
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
