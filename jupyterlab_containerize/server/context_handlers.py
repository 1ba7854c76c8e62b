"""POST /containerize/context: {path, options?, spec?} -> the portable build context as a .tar.gz,
for building elsewhere when no engine answers here. This machine's CA, proxies and indexes stay out."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import tornado

from ..confine import confine_build_request
from ..inspect.spec_edits import prepare_edited_spec
from ..options import BuildOptions
from ..pipeline.portable import context_archive, render_portable_context
from ..spec import EnvironmentSpec
from .base import CONTENTS, EXECUTE, KERNELS, READ, ContainerizeHandler, authorized
from .schemas import ContextBody


class ContextHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)
    async def post(self) -> None:
        body = self.typed_body(ContextBody)
        notebook = self.notebook_path(body.path)
        options = BuildOptions.from_dict(body.options)
        spec = EnvironmentSpec.from_dict(body.spec) if body.spec else None
        confine_build_request(self.root_dir, notebook, options, spec)
        if spec is not None:  # the user's edits: what only a removed package needed goes, picked versions checked
            await asyncio.to_thread(prepare_edited_spec, spec, options.index_url)
        options.base_image = self.config_.base_image_for(options.base_image)
        if spec is None:
            spec = await self.inspect_spec(notebook, body.kernel_id)
        top = f"{notebook.stem}-context"
        data = await asyncio.to_thread(_archive, spec, notebook, options, top, self.root_dir)
        self.set_header("Content-Disposition", f'attachment; filename="{_ascii(top)}.tar.gz"')
        self.finish(data, set_content_type="application/gzip")


def _archive(spec: EnvironmentSpec, notebook: Path, options: BuildOptions, top: str, root: Path) -> bytes:
    with tempfile.TemporaryDirectory(prefix="containerize-context-") as scratch:
        directory = Path(scratch) / "context"
        render_portable_context(spec, notebook, options, directory, host_settings=False, root=root)
        return context_archive(directory, top)


def _ascii(name: str) -> str:
    """A file name safe inside a quoted header value."""
    return "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in name) or "notebook"


HANDLERS = [("context", ContextHandler)]
