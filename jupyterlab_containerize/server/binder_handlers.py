"""POST /containerize/binder: {path, kernel_id?, binderhub_url?, provider?, remote?, force?, dry_run?,
from_image?} -> {files, diff, url, badge_markdown, badge_rst, warnings, next_steps, ...}.

/containerize/binder/builds: start, watch and cancel a BinderHub build of the notebook's pinned commit
(docs/rest-api.md); they are jobs as /containerize/builds are (jobs/), the same JSON."""

from __future__ import annotations

import asyncio
from typing import Any

import tornado

from ..config import Containerize
from ..share import BinderOptions, share_binder
from ..share.binderhub import hub_token_or_env
from ..share.binderhub_builds import BinderHubBuilds
from ..share.binderhub_target import binderhub_target
from ..share.link import binderhub_base
from .base import CONTENTS, EXECUTE, KERNELS, READ, RESOURCE, WRITE, ContainerizeHandler, authorized
from .schemas import BinderBody, BinderHubBuildBody, parse_since

BINDERHUB_BUILDS_KEY = "containerize_binderhub_builds"


class BinderHandler(ContainerizeHandler):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(EXECUTE, resource=KERNELS)
    async def post(self) -> None:
        body = self.typed_body(BinderBody)
        notebook = self.notebook_path(body.path)
        if not body.dry_run:  # binder/ is written into the repository
            await self.require(WRITE, CONTENTS)
        options = BinderOptions(
            binderhub_url=body.binderhub_url or self.config_.binderhub_url, provider=body.provider,
            remote=body.remote or None, from_image=body.from_image or None,
            force=body.force, dry_run=body.dry_run, server_root=self.root_dir,
            secret_policy=self.config_.secret_policy())
        spec = await self.inspect_spec(notebook, body.kernel_id)
        # git subprocesses and file writes: off the event loop
        result = await asyncio.to_thread(share_binder, notebook, spec, options)
        self.finish_json(result.to_dict())


class _BinderHubBuildsBase(ContainerizeHandler):
    @property
    def binderhub_builds(self) -> BinderHubBuilds:
        return self.settings[BINDERHUB_BUILDS_KEY]


class BinderHubBuildsHandler(_BinderHubBuildsBase):
    @tornado.web.authenticated
    @authorized(READ, resource=CONTENTS)
    @authorized(WRITE, resource=RESOURCE)
    async def post(self) -> None:
        options = self.typed_body(BinderHubBuildBody)
        hub_token = hub_token_or_env(options.hub_token)
        notebook = self.notebook_path(options.path)
        for url in (options.binderhub_url, options.build_binderhub_url):
            if url:  # the admin's allowlist (c.Containerize.allowed_hosts): checked URL first, then host
                self.config_.check_host(binderhub_base(url))
        # git subprocesses: off the event loop; the stream is read in the record's own thread
        target = await asyncio.to_thread(
            binderhub_target, notebook, options.binderhub_url or self.config_.binderhub_url, options.provider,
            options.remote, options.prebuild, options.build_token, options.build_binderhub_url, self.root_dir,
            hub_token, secret_policy=self.config_.secret_policy())
        record = self.binderhub_builds.submit(str(notebook), target, options.timeout)
        self.finish_json(self.binderhub_builds.summary(record.id), status=202)

    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)
    def get(self) -> None:
        self.finish_json(self.binderhub_builds.list())


class BinderHubBuildHandler(_BinderHubBuildsBase):
    @tornado.web.authenticated
    @authorized(READ, resource=RESOURCE)
    def get(self, build_id: str) -> None:
        since = parse_since(self.get_query_argument("since", "0"))
        self.finish_json(self.binderhub_builds.view(build_id, since))

    @tornado.web.authenticated
    @authorized(WRITE, resource=RESOURCE)
    def delete(self, build_id: str) -> None:
        # as image builds: a build that already ended answers 409 build-finished with its status
        record = self.binderhub_builds.cancel(build_id)
        self.finish_json({"id": record.id, "status": "cancelled"})


def setup(server_app: Any, config: Containerize) -> None:
    server_app.web_app.settings[BINDERHUB_BUILDS_KEY] = BinderHubBuilds()


HANDLERS = [("binder", BinderHandler), ("binder/builds", BinderHubBuildsHandler),
            (r"binder/builds/([0-9a-f]{6,64})", BinderHubBuildHandler)]
