"""POST /containerize/inspect: {path, kernel_id?, timeout?, static?} -> the environment spec.
POST /containerize/inspect/folder: {path, python?} -> the folder's one spec, as its project build makes it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Optional

import tornado

from ..confine import allowed_interpreter, resolve_in_root
from ..errors import InvalidRequest, NotebookNotFound
from ..inspect import inspect_notebook
from ..inspect.probe import kernelspec_interpreters
from ..pipeline.project import inspect_project
from ..secret_files import SecretPolicy
from ..spec import EnvironmentSpec
from .base import CONTENTS, EXECUTE, KERNELS, READ, ContainerizeHandler, authorized
from .schemas import MIN_INSPECT_TIMEOUT, FolderInspectBody, InspectBody


class InspectHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)
    async def post(self) -> None:
        body = self.typed_body(InspectBody)
        notebook = self.notebook_path(body.path)
        limit = self.config_.max_inspect_timeout
        timeout = body.timeout if body.timeout is not None else self.config_.inspect_timeout
        if not MIN_INSPECT_TIMEOUT <= timeout <= limit:
            raise InvalidRequest(f"'timeout' must be a number of seconds between {MIN_INSPECT_TIMEOUT:g} "
                                 f"and {limit:g}, not {timeout:g}.")
        static = body.static.choices() if body.static else None
        spec = await self.inspect_spec(notebook, body.kernel_id, float(timeout), static)
        self.finish_json(spec.to_dict())


class FolderInspectHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)  # probes the notebooks' interpreters, as inspect does
    async def post(self) -> None:
        body = self.typed_body(FolderInspectBody)
        try:
            folder = resolve_in_root(self.root_dir, body.path, must_exist=False)
            is_file, is_dir = folder.is_file(), folder.is_dir()
        except OSError as err:  # a name longer than the file system allows, a loop of links
            raise InvalidRequest(f"'path' cannot be used: {err.strerror or err}.") from err
        if is_file:
            raise InvalidRequest(f"'{body.path}' is a file, not a folder.",
                                 hint="Inspect a notebook with POST /containerize/inspect.")
        if not is_dir:
            raise NotebookNotFound(f"No folder at '{body.path}'.")
        python = None
        if body.python:
            interpreters = await asyncio.to_thread(
                lambda: [*kernelspec_interpreters(self.kernel_spec_manager), *self.config_.allowed_interpreters])
            python = allowed_interpreter(body.python, interpreters)
        # every notebook is read (and its interpreter probed): off the event loop
        spec = await asyncio.to_thread(inspect_folder, folder, python, self.root_dir, self.config_.secret_policy())
        self.finish_json(spec.to_dict())


def inspect_folder(folder: Path, python: Optional[str], root: Path, secret_policy: SecretPolicy) -> EnvironmentSpec:
    """The union spec a project build of `folder` starts from (pipeline/run.py inspects the same way)."""
    project = inspect_project(folder, lambda nb: inspect_notebook(nb, python=python, root=root,
                                                                  secret_policy=secret_policy),
                              lambda *args, **kwargs: None)
    return project.spec


HANDLERS = [("inspect", InspectHandler), ("inspect/folder", FolderInspectHandler)]
