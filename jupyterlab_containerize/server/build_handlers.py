"""/containerize/builds: start, watch and cancel image builds (docs/rest-api.md); `path` names a
notebook, or a folder for a project build (docs/build.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import tornado

from ..builder.engines import engine_factory
from ..config import Containerize
from ..confine import confine_build_request, resolve_in_root
from ..errors import InvalidRequest, NotebookNotFound
from ..inspect.notebook_source import load_notebook
from ..inspect.probe import kernelspec_interpreters
from ..inspect.spec_edits import prepare_edited_spec
from ..options import BuildOptions
from ..pipeline import BuildManager
from ..pipeline.project import check_project_options
from ..spec import EnvironmentSpec
from .base import CONTENTS, EXECUTE, KERNELS, READ, RESOURCE, WRITE, ContainerizeHandler, authorized
from .schemas import BuildBody, parse_since

SETTINGS_KEY = "containerize_build_manager"


class _BuildsBase(ContainerizeHandler):
    @property
    def manager(self) -> BuildManager:
        return self.settings[SETTINGS_KEY]


class BuildsHandler(_BuildsBase):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)
    @authorized(WRITE, resource=RESOURCE)
    async def post(self) -> None:
        body = self.typed_body(BuildBody)
        try:
            path = resolve_in_root(self.root_dir, body.path, must_exist=False)
            found = path.is_file() or path.is_dir()
        except OSError as err:  # a name longer than the file system allows, a loop of links
            raise InvalidRequest(f"'path' cannot be used: {err.strerror or err}.") from err
        if not found:
            raise NotebookNotFound(f"No notebook or folder at '{body.path}'.")
        options = BuildOptions.from_dict(body.options)
        if options.export:  # the image's tar is written under the root
            await self.require(WRITE, CONTENTS)
        if path.is_dir():  # a project: its notebooks are inspected in the build (pipeline/project.py)
            check_project_options(options.target, options.repair, body.spec is not None)
        parsed = EnvironmentSpec.from_dict(body.spec) if body.spec else None
        static = body.static.choices() if body.static else None
        if parsed is not None and path.is_file():  # no inspection reads it then: a broken notebook fails here
            await asyncio.to_thread(load_notebook, path)
        interpreters = await asyncio.to_thread(self.allowed_interpreters) if options.python else []
        try:
            # a folder's included files are relative to the folder itself
            confine_build_request(self.root_dir, path / "_" if path.is_dir() else path, options, parsed, interpreters)
        except OSError as err:  # a path longer than the file system allows, a loop of links
            raise InvalidRequest(f"A path in the request cannot be used: {err.strerror or err}.") from err
        options.base_image = self.config_.base_image_for(options.base_image)
        options.package_cache_max_gb = self.config_.package_cache_max_gb  # the admin's, whatever was asked
        options.environment_images_max_gb = self.config_.environment_images_max_gb
        options.signing_key = self.config_.signing_key or None  # never a file a request names
        if parsed is not None:  # the user's edits: what only a removed package needed goes, picked versions checked
            await asyncio.to_thread(prepare_edited_spec, parsed, options.index_url)
        await asyncio.to_thread(self.manager.check_engine)  # 503 now, not a failed record later
        record = await asyncio.to_thread(self.manager.submit, path, options, parsed, self.root_dir, static)
        self.finish_json(record.summary(), status=202)

    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)
    def get(self) -> None:
        self.finish_json(self.manager.list())

    def allowed_interpreters(self) -> list[str]:
        """What options.python may name: the installed kernel specs' interpreters and the admin's list."""
        return [*kernelspec_interpreters(self.kernel_spec_manager), *self.config_.allowed_interpreters]


class BuildHandler(_BuildsBase):
    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)
    def get(self, build_id: str) -> None:
        since = parse_since(self.get_query_argument("since", "0"))
        self.finish_json(self.manager.view(build_id, since))

    @tornado.web.authenticated
    @authorized(WRITE, resource=RESOURCE)
    def delete(self, build_id: str) -> None:
        record = self.manager.cancel(build_id)
        self.finish_json({"id": record.id, "status": "cancelled"})


def setup(server_app: Any, config: Containerize) -> None:
    server_app.web_app.settings[SETTINGS_KEY] = BuildManager(
        Path(config.builds_dir), engine_factory=engine_factory(config),
        max_workers=config.max_concurrent_builds)


HANDLERS = [("builds", BuildsHandler), (r"builds/([0-9a-f]{6,64})", BuildHandler)]
