"""`jupyter containerize binder NOTEBOOK`: write binder/ pinned from the kernel, print a launch link;
with --prebuild / --launch, ask the BinderHub to build (and launch) that commit, showing its progress."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable, Optional, TextIO

from ..errors import (
    BaseImageNotFound,
    BinderFilesExist,
    BinderHubBuildFailed,
    BuildFailed,
    ContainerizeError,
    EngineUnavailable,
    InvalidRequest,
)
from ..inspect import inspect_notebook
from ..inspect.notebook_source import load_notebook
from ..pipeline.project import inspect_project
from ..redact import redact_value
from ..secret_files import DEFAULT_POLICY
from ..share import BinderOptions, BinderResult, share_binder
from ..share.binderhub import (
    DEFAULT_TIMEOUT_S,
    HUB_TOKEN_ENV,
    BinderHubBuild,
    BinderHubEvent,
    BinderHubOutcome,
    ProgressLog,
    hub_token_or_env,
)
from ..share.binderhub_builds import api_only_note as api_only_note_for
from ..share.binderhub_target import BinderHubTarget, binderhub_target
from ..share.link import DEFAULT_BINDERHUB, PROVIDERS
from ..spec import EnvironmentSpec
from .inputs import read_spec_file

STATUS_LABELS = {"new": "new", "changed": "replaced", "unchanged": "unchanged"}
BUILD_TOKEN_ENV = "BINDERHUB_BUILD_TOKEN"  # keeps the token out of the command line and shell history
EXIT_CANCELLED = 130


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "binder", help="Write binder/ (repo2docker files) pinned to what ran, and print a launch link.")
    parser.add_argument("notebook", type=Path,
                        help="the .ipynb file, or a folder: one binder/ for all its notebooks (their locks' union)")
    parser.add_argument("--python", metavar="PATH",
                        help="the interpreter of the kernel's environment (default: the notebook's kernel spec)")
    parser.add_argument("--spec", metavar="JSON", type=Path,
                        help="use this saved spec (`inspect --json`) instead of inspecting")
    parser.add_argument("--binderhub", metavar="URL", default=DEFAULT_BINDERHUB,
                        help=f"the BinderHub to launch on (default {DEFAULT_BINDERHUB})")
    parser.add_argument("--provider", choices=PROVIDERS, help="default: from the remote's host")
    parser.add_argument("--remote", metavar="NAME", help="git remote to link to (default: upstream, else origin)")
    parser.add_argument("--from-image", metavar="IMAGE@sha256:DIGEST",
                        help="write binder/Dockerfile FROM this pushed image, so a launch pulls instead of building")
    parser.add_argument("--force", action="store_true", help="overwrite existing binder files that differ")
    parser.add_argument("--dry-run", action="store_true", help="show what would be written; write nothing")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    hub = parser.add_argument_group("BinderHub build (its build API, for the commit the link pins)")
    when = hub.add_mutually_exclusive_group()
    when.add_argument("--prebuild", action="store_true",
                      help="build the image now (build_only=true), so the badge starts without a build")
    when.add_argument("--launch", action="store_true", help="build if needed, launch, print the session's URL")
    hub.add_argument("--build-on", metavar="URL",
                     help="build on this BinderHub (an API-only one that shares its registry with --binderhub); "
                          "default: --binderhub")
    hub.add_argument("--build-token", metavar="TOKEN",
                     help=f"a build token from the BinderHub's launch page (default: ${BUILD_TOKEN_ENV})")
    hub.add_argument("--hub-token", metavar="TOKEN",
                     help=f"a JupyterHub API token for a BinderHub that needs a login, sent as its page sends it "
                          f"(default: ${HUB_TOKEN_ENV}; the variable keeps it out of your shell history)")
    hub.add_argument("--timeout", metavar="SECONDS", type=float, default=DEFAULT_TIMEOUT_S,
                     help=f"give up on the build after this long (default {DEFAULT_TIMEOUT_S:.0f})")
    return parser


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except ContainerizeError as err:
        if args.json:  # scripts read stdout: the error as JSON there too (the CLI still exits 2)
            print(json.dumps({"error": redact_value(err.to_dict())}, indent=2))
        raise


def _run(args: argparse.Namespace) -> int:
    _check_binderhub_args(args)
    if args.from_image and not args.dry_run:
        check_from_image(args.from_image)
    spec = _spec(args)
    options = BinderOptions(binderhub_url=args.binderhub, provider=args.provider, remote=args.remote,
                            force=args.force, dry_run=args.dry_run, from_image=args.from_image)
    try:
        result = share_binder(args.notebook, spec, options)
    except BinderFilesExist as err:
        if args.json:
            print(json.dumps(err.to_dict(), indent=2))
        else:
            sys.stdout.write(err.detail or "")
            sys.stdout.flush()  # the diff first, then the error under it
            print(f"\nerror: {err.message}\n  what to do: {err.cli_hint or err.hint}", file=sys.stderr)
        return 1
    if not args.json:
        # a prebuild on the link's own hub: only an API-only hub accepts it, and that hub opens no link;
        # the link is printed (or explained away) once BinderHub has answered
        print_result(result, sys.stdout, args.dry_run, show_link=not (args.prebuild and not args.build_on))
    code, binderhub = 0, None
    if args.prebuild or args.launch:
        code, binderhub = run_binderhub(args, result, sys.stderr if args.json else sys.stdout)
        if code != 0 and args.prebuild and not args.build_on and not args.json and result.launch.url:
            print(f"\nLaunch link ({result.provider}, commit {result.launch.commit}; it builds on first "
                  f"launch):\n  {result.launch.url}")  # a hub that refused build_only does launch
    if args.json:
        print(json.dumps({**result.to_dict(), **({"binderhub": binderhub} if binderhub else {})}, indent=2))
    return code


def run_binderhub(args: argparse.Namespace, result: BinderResult, out: TextIO) -> tuple[int, dict[str, Any]]:
    """Stream the BinderHub build of the pinned commit: 0 built/ready, 1 BinderHub failed, 130 Ctrl-C.
    Unreachable, HTTP errors and timeouts raise, which the CLI answers with exit 2."""
    target = binderhub_target(args.notebook, args.binderhub, args.provider, args.remote, build_only=args.prebuild,
                              build_token=args.build_token or os.environ.get(BUILD_TOKEN_ENV) or None,
                              build_binderhub_url=args.build_on,
                              hub_token=hub_token_or_env(args.hub_token),
                              secret_policy=DEFAULT_POLICY)
    request = target.request
    what = "Pre-building" if request.build_only else "Building and launching"
    out.write(f"\n{what} commit {request.commit[:12]} on BinderHub:\n  GET {request.shown_url()}\n")
    for warning in target.warnings:
        if warning not in result.warnings:  # those were printed with the result
            out.write(f"warning: {warning}\n")
    summary: dict[str, Any] = {"request": request.shown_url(), "commit": request.commit, "link": target.link}
    if args.dry_run:
        out.write("Dry run: BinderHub was not asked.\n")
        return 0, {**summary, "dry_run": True}
    out.flush()
    build = BinderHubBuild(request, timeout=args.timeout)
    try:
        outcome = build.run(_printer(out))
    except BinderHubBuildFailed as err:
        out.flush()
        print(f"error: {err.message}\n  what to do: {err.cli_hint or err.hint}", file=sys.stderr)
        return 1, {**summary, "error": err.to_dict()}
    except KeyboardInterrupt:
        out.flush()
        print(f"cancelled: the stream to BinderHub is closed (last phase: {build.last_phase or 'none'}). "
              "A build BinderHub already started may still finish there and be cached.", file=sys.stderr)
        return EXIT_CANCELLED, {**summary, "cancelled": True}
    print_outcome(outcome, target, out)
    done = {**summary, **outcome.to_dict(target.urlpath)}
    if outcome.build_only and target.link_on_build_hub:
        done.update(link=None, note=api_only_note(target))  # that hub cannot open it
    return 0, done


def _check_binderhub_args(args: argparse.Namespace) -> None:
    """Before anything is written: options of the BinderHub build make sense only with one."""
    if not (args.prebuild or args.launch) and (args.build_on or args.build_token or args.hub_token):
        raise InvalidRequest("--build-on, --build-token and --hub-token go with --prebuild or --launch.",
                             hint="Add --prebuild (build only) or --launch (build and launch).")
    if args.timeout <= 0:
        raise InvalidRequest("--timeout must be a positive number of seconds.")


def _printer(out: TextIO) -> Callable[[BinderHubEvent], None]:
    log = ProgressLog()

    def on_event(event: BinderHubEvent) -> None:
        for line in log.lines(event):
            out.write(line + "\n")
        out.flush()
    return on_event


def print_outcome(outcome: BinderHubOutcome, target: BinderHubTarget, out: TextIO) -> None:
    base, commit = target.request.base, target.request.commit[:12]
    if outcome.build_only and target.link_on_build_hub:
        out.write(f"\nImage built on {base} for commit {commit}. {api_only_note(target)}\n")
        return
    if outcome.build_only:
        out.write(f"\nImage built on {base} for commit {commit}: launches of it start without a build on "
                  "BinderHubs that share its image registry. The link:\n")
        if target.link:
            out.write(f"  {target.link}\n")
        return
    launch_url: Optional[str] = outcome.launch_url(target.urlpath)
    if launch_url:
        out.write(f"\nReady on {base} (commit {commit}). Open the session (its token is in the URL: "
                  f"keep it to yourself):\n  {launch_url}\n")
    else:
        out.write(f"\nBinderHub says ready but sent no server URL; open the launch link instead:\n  {target.link}\n")


def api_only_note(target: BinderHubTarget) -> str:
    """Why no link is printed after a prebuild on the hub the link would open on."""
    base = target.request.base
    return api_only_note_for(base).split(" Launches start")[0] + (
        " Launches start without a build on a BinderHub that shares its image registry: run again with "
        f"--binderhub THAT-HUB --build-on {base} to print that hub's link.")


def check_from_image(image: str) -> None:
    """Before anything is written: BinderHub builds on any image, but a launch needs a Jupyter server in
    it; without one the session dies late (`./python: not found`). Checked on this machine's engine."""
    from ..builder.engines import make_engine

    try:
        engine = make_engine(timeout=120)
        engine.ensure_image(image, lambda line: None)
        result = engine.run(image, ["server", "--version"], entrypoint=["jupyter"], network=False, timeout=90)
    except (EngineUnavailable, BaseImageNotFound) as err:
        print(f"warning: {image} was not checked for Jupyter ({err.message}); a launch fails if it has none.",
              file=sys.stderr)
        return
    except BuildFailed:  # the engine could not even start `jupyter`: it is not on the image's PATH
        result = None
    if result is None or result.exit_code != 0:
        raise InvalidRequest(
            f"{image} has no Jupyter server (`jupyter server --version` does not run in it): BinderHub would "
            "build on it, and every launch would fail.",
            hint="Build a notebook image (`jupyter containerize build NOTEBOOK --target notebook --push`; batch "
                 "and serve images hold no Jupyter server) and pass its pushed IMAGE@sha256:DIGEST.")


def _spec(args: argparse.Namespace) -> EnvironmentSpec:
    if Path(args.notebook).is_dir():  # a project: every notebook with the same interpreter, one union lock
        if args.spec:
            raise InvalidRequest("--spec is one notebook's; a folder's notebooks are inspected.",
                                 hint="Leave --spec out; pass --python PATH of the project's kernel environment.")
        project = inspect_project(Path(args.notebook),
                                  lambda nb: inspect_notebook(nb, python=args.python, secret_policy=DEFAULT_POLICY),
                                  lambda kind, message, **_: print(f"  {message}", file=sys.stderr))
        return project.spec
    if args.spec:
        load_notebook(args.notebook)  # nothing inspects it then: a broken notebook must stop here
        return read_spec_file(args.spec)
    return inspect_notebook(args.notebook, python=args.python, secret_policy=DEFAULT_POLICY)


def print_result(result: BinderResult, out: TextIO, dry_run: bool = False, show_link: bool = True) -> None:
    verb = "Would write" if dry_run else ("Wrote" if result.written else "Up to date:")
    out.write(f"{verb} {result.binder_dir}/ in {result.repo_root}\n")
    for change in result.files:
        out.write(f"  {STATUS_LABELS[change.status]:<10} {change.path}\n")
    if result.diff:
        out.write("\n" + result.diff)
    launch = result.launch
    if launch.url and show_link:
        out.write(f"\nLaunch link ({result.provider}, commit {launch.commit}):\n  {launch.url}\n")
        out.write(f"\nMarkdown badge:\n  {launch.badge_markdown}\n")
        rst = (launch.badge_rst or "").splitlines()
        out.write("\nreStructuredText badge:\n" + "".join(f"  {line}\n" for line in rst))
    if result.warnings:
        out.write("\nWarnings\n" + "".join(f"  - {w}\n" for w in result.warnings))
    if result.next_steps:
        out.write("\nNext steps\n" + "".join(f"  {i}. {s}\n" for i, s in enumerate(result.next_steps, 1)))
