"""/containerize/builds: start, watch and cancel image builds (docs/rest-api.md)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import tornado

from ..build import BuildManager
from ..errors import InvalidRequest, PathOutsideRoot
from ..paths import is_within, resolve_in_root
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
        # paths the server writes or reads stay inside its root, like the notebook's
        if options.export:
            options.export = str(resolve_in_root(self.root_dir, options.export, must_exist=False))
        if options.ca_bundle:
            options.ca_bundle = str(resolve_in_root(self.root_dir, options.ca_bundle))
        spec = body.get("spec")
        if spec is not None and not isinstance(spec, dict):
            raise InvalidRequest("'spec' must be the JSON object `inspect` returned.")
        parsed = EnvironmentSpec.from_dict(spec) if spec else None
        if parsed is not None:  # a spec from the client names files: they stay inside the root too
            for entry in [*parsed.files, *(m.path for m in parsed.local_modules), *options.include]:
                if not is_within((notebook.parent / entry).resolve(), self.root_dir):
                    raise PathOutsideRoot(f"'{entry}' is outside the server's root directory.")
            for pkg in parsed.packages:  # local sources are copied only from inside the root
                if pkg.source.path and not is_within(Path(pkg.source.path).resolve(), self.root_dir):
                    pkg.source.path = None
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


def setup(server_app: Any) -> None:
    from jupyter_core.paths import jupyter_data_dir

    directory = Path(jupyter_data_dir()) / "containerize" / "builds"
    server_app.web_app.settings[SETTINGS_KEY] = BuildManager(directory)


HANDLERS = [("builds", BuildsHandler), (r"builds/([0-9a-f]{6,64})", BuildHandler)]
