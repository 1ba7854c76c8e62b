"""`jupyter containerize SUBCOMMAND`: a thin front on the same pipeline as the REST API."""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from .. import __version__
from ..errors import ContainerizeError
from ..redact import redact
from . import binder_cmd, build_cmd, inspect_cmd, lock_cmd

# Each module exports `add_parser(subparsers)` and `run(args) -> int`.
SUBCOMMANDS = [inspect_cmd, build_cmd, binder_cmd, lock_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter containerize",
        description="Turn a notebook and the environment it ran in into an image, a service or a link.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in SUBCOMMANDS:
        sub = module.add_parser(subparsers)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ContainerizeError as err:
        print(f"error: {redact(err.message)}", file=sys.stderr)  # it may quote a build log
        if err.hint:
            print(f"  what to do: {redact(err.hint)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
