"""`jupyter containerize binder NOTEBOOK`: write binder/ pinned from the kernel, print a launch link."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from ..errors import BinderFilesExist
from ..inspect import inspect_notebook
from ..inspect.notebook_source import load_notebook
from ..share import BinderOptions, BinderResult, share_binder
from ..share.link import DEFAULT_BINDERHUB, PROVIDERS
from ..spec import EnvironmentSpec
from .inputs import read_spec_file

STATUS_LABELS = {"new": "new", "changed": "replaced", "unchanged": "unchanged"}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "binder", help="Write binder/ (repo2docker files) pinned to what ran, and print a launch link.")
    parser.add_argument("notebook", type=Path, help="the .ipynb file")
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
    return parser


def run(args: argparse.Namespace) -> int:
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
            print(f"\nerror: {err.message}\n  what to do: {err.hint}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print_result(result, sys.stdout, args.dry_run)
    return 0


def _spec(args: argparse.Namespace) -> EnvironmentSpec:
    if args.spec:
        load_notebook(args.notebook)  # nothing inspects it then: a broken notebook must stop here
        return read_spec_file(args.spec)
    return inspect_notebook(args.notebook, python=args.python)


def print_result(result: BinderResult, out: TextIO, dry_run: bool = False) -> None:
    verb = "Would write" if dry_run else ("Wrote" if result.written else "Up to date:")
    out.write(f"{verb} {result.binder_dir}/ in {result.repo_root}\n")
    for change in result.files:
        out.write(f"  {STATUS_LABELS[change.status]:<10} {change.path}\n")
    if result.diff:
        out.write("\n" + result.diff)
    launch = result.launch
    if launch.url:
        out.write(f"\nLaunch link ({result.provider}, commit {launch.commit}):\n  {launch.url}\n")
        out.write(f"\nMarkdown badge:\n  {launch.badge_markdown}\n")
        rst = (launch.badge_rst or "").splitlines()
        out.write("\nreStructuredText badge:\n" + "".join(f"  {line}\n" for line in rst))
    if result.warnings:
        out.write("\nWarnings\n" + "".join(f"  - {w}\n" for w in result.warnings))
    if result.next_steps:
        out.write("\nNext steps\n" + "".join(f"  {i}. {s}\n" for i, s in enumerate(result.next_steps, 1)))
