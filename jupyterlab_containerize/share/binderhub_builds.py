"""BinderHub builds the Jupyter server watches for the panel: a BinderHub build is a job (jobs/)
whose events are BinderHub's phases; the server's store keeps the last finished ones in memory."""

from __future__ import annotations

from typing import Any, Callable, Optional

from ..jobs import Cancel, Emit, Job, JobRecord, JobStore
from .binderhub import DEFAULT_TIMEOUT_S, BinderHubBuild, BinderHubEvent, BinderHubRequest, ProgressLog
from .binderhub_target import BinderHubTarget

# in memory only: a record's launch URL carries the launched server's token, which is not written to disk
KEEP_FINISHED = 50  # the oldest finished ones go first
NOT_FOUND_HINT = ("List them with GET /containerize/binder/builds; the server keeps them in memory, so a "
                  "restart forgets them.")
FINISHED_HINT = "Nothing to cancel; read the build with GET /containerize/binder/builds/ID."

BuildFactory = Callable[[BinderHubRequest, float], BinderHubBuild]


class BinderHubJob(Job):
    """One request to BinderHub's build API, its stream read to the end; cancel closes the stream."""

    keeps = ("launch_url",)  # the launched server's URL with its own token: the user opens it

    def __init__(self, build: BinderHubBuild, target: BinderHubTarget) -> None:
        self.build = build
        self.target = target

    def run(self, emit: Emit, cancel: Cancel) -> dict[str, Any]:
        cancel.on_set(self.build.close)
        for warning in self.target.warnings:
            emit("log", f"warning: {warning}")
        emit("log", f"GET {self.build.request.shown_url()}")
        log = ProgressLog()

        def on_event(event: BinderHubEvent) -> None:
            for line in log.lines(event):
                emit("log", line, data={"phase": event.phase} if event.phase else None)

        outcome = self.build.run(on_event)
        base, target = self.build.request.base, self.target
        result = {**outcome.to_dict(target.urlpath), "link": target.link, "commit": self.build.request.commit}
        api_only = outcome.build_only and target.link_on_build_hub
        if api_only:  # only an API-only hub accepts build_only, and it serves no launch page
            result.update(link=None, note=api_only_note(base))
        done = (f"Image built on {base}. {result['note']}" if api_only else
                f"Image built on {base}: launches of this commit start without a build on "
                "BinderHubs that share its image registry." if outcome.build_only else
                "Server ready on BinderHub: open the result's launch_url." if outcome.launched else
                "BinderHub says ready but sent no server URL.")
        emit("done", done, data={"phase": outcome.phase})
        return result


class BinderHubBuilds(JobStore):
    """The server's BinderHub builds: no queue (each is a stream from the hub), the last `keep` kept."""

    def __init__(self, keep: int = KEEP_FINISHED, build_factory: Optional[BuildFactory] = None) -> None:
        super().__init__(None, max_workers=None, keep=keep, noun="BinderHub build",
                         not_found_hint=NOT_FOUND_HINT, finished_hint=FINISHED_HINT)
        self._factory = build_factory or (lambda request, timeout: BinderHubBuild(request, timeout=timeout))

    def submit(self, notebook: str, target: BinderHubTarget, timeout: float = DEFAULT_TIMEOUT_S) -> JobRecord:
        request = target.request
        options = {"binderhub_url": request.base, "provider": request.provider, "spec": request.spec,
                   "commit": request.commit, "build_only": request.build_only,
                   "build_token": request.build_token is not None, "hub_token": request.hub_token is not None,
                   "request": request.shown_url(), "link": target.link, "urlpath": target.urlpath,
                   "timeout": timeout}
        return self.start(BinderHubJob(self._factory(request, timeout), target), notebook, options)


def api_only_note(base: str) -> str:
    """Why there is no link after a build_only build on the hub the link would open on."""
    return (f"{base} accepted build_only, which BinderHub allows only in API-only mode (enable_api_only_mode): "
            "it serves no launch page, so a link to it would not open. Launches start without a build on a "
            f"BinderHub that shares its image registry: give that one as the BinderHub, and {base} to build on.")
