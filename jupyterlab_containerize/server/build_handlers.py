"""/containerize/builds: start, watch and cancel image builds (docs/rest-api.md); `path` names a
notebook, or a folder for a project build (docs/build.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import tornado

from ..build.docker_engine import DockerEngine
from ..config import Containerize
from ..confine import confine_build_request, resolve_in_root
from ..errors import InvalidRequest, NotebookNotFound
from ..pipeline import BuildManager
from ..pipeline.project import check_project_options
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
        path = resolve_in_root(self.root_dir, body.get("path"), must_exist=False)
        if not path.is_file() and not path.is_dir():
            raise NotebookNotFound(f"No notebook or folder at '{body.get('path')}'.")
        options = BuildOptions.from_dict(body.get("options"))
        spec = body.get("spec")
        if spec is not None and not isinstance(spec, dict):
            raise InvalidRequest("'spec' must be the JSON object `inspect` returned.")
        if path.is_dir():  # a project: its notebooks are inspected in the build (pipeline/project.py)
            check_project_options(options.target, options.repair, spec is not None)
        parsed = EnvironmentSpec.from_dict(spec) if spec else None
        # a folder's included files are relative to the folder itself
        confine_build_request(self.root_dir, path / "_" if path.is_dir() else path, options, parsed)
        options.base_image = self.config_.base_image_for(options.base_image)
        options.package_cache_max_gb = self.config_.package_cache_max_gb  # the admin's, whatever was asked
        await asyncio.to_thread(self.manager.check_engine)  # 503 now, not a failed record later
        record = await asyncio.to_thread(self.manager.submit, path, options, parsed)
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
