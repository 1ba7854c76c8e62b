"""POST /containerize/lock: {path, kernel_id?, hashes?, write?} -> {lock, summary}: the pinned
environment for the notebook to carry in metadata.containerize.lock (docs/spec.md). The panel sets
it in the open notebook's metadata and saves, so JupyterLab never sees the file change under it."""

from __future__ import annotations

import asyncio
from typing import Any

import tornado

from ..inspect.notebook_lock import hashes_for, lock_from_spec, write_lock
from .base import CONTENTS, EXECUTE, KERNELS, READ, WRITE, ContainerizeHandler, authorized
from .schemas import LockBody


class LockHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)
    async def post(self) -> None:
        body = self.typed_body(LockBody)
        notebook = self.notebook_path(body.path)
        if body.write:
            await self.require(WRITE, CONTENTS)
        spec = await self.inspect_spec(notebook, body.kernel_id)
        hashes: dict[str, list[str]] = {}
        warning = None
        if body.hashes and spec.python.version:
            hashes, error = await asyncio.to_thread(hashes_for, spec, spec.python.version)
            warning = f"No hashes: the index did not answer ({error})." if error else None
        lock = lock_from_spec(spec, hashes)
        if body.write:
            await asyncio.to_thread(write_lock, notebook, lock)
        self.finish_json({"lock": lock, "summary": _summary(lock, spec.source), "warning": warning,
                          "written": body.write})


def _summary(lock: dict[str, Any], source: str) -> str:
    origin = {"kernel": "the running kernel", "interpreter": "the kernel's environment",
              "lock": "the lock it already carries"}.get(source)
    how = f"read from {origin}" if origin else f"guessed from the code as of {lock.get('as_of')}"
    hashed = sum(1 for p in lock["packages"] if p.get("hashes"))
    return (f"{len(lock['packages'])} packages for Python {lock.get('python') or '?'}, {how}; "
            f"{hashed} with hashes.")


HANDLERS = [("lock", LockHandler)]
