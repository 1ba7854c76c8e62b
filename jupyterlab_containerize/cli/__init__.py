"""`jupyter containerize SUBCOMMAND`: a thin front on the same pipeline as the REST API."""

from __future__ import annotations

import argparse
import sys
from typing import Optional

from .. import __version__
from ..errors import ContainerizeError
from ..redact import redact
from . import binder_cmd, build_cmd, inspect_cmd, lock_cmd
from .terminal import escaped_output

# Each module exports `add_parser(subparsers)` and `run(args) -> int`.
SUBCOMMANDS = [inspect_cmd, build_cmd, binder_cmd, lock_cmd]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter containerize",
        description="Turn a notebook and the environment it ran in into an image, a service or a link.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an internal error (for a bug report)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in SUBCOMMANDS:
        sub = module.add_parser(subparsers)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Optional[list[str]] = None) -> int:
    """Exit 0 done, 1 a failure the command reports (a build or a check that failed), 2 bad input
    (argparse usage or a typed error: one line and a hint), 130 interrupted. Whatever is printed is
    escaped (terminal.py): a notebook's text cannot drive the terminal."""
    with escaped_output():
        return _main(argv)


def _main(argv: Optional[list[str]] = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error argparse has printed
        return done.code if isinstance(done.code, int) else 2
    try:
        return int(args.run(args))
    except ContainerizeError as err:
        print(f"error: {redact(err.message)}", file=sys.stderr)  # it may quote a build log
        hint = err.cli_hint or err.hint  # the panel's hint names no flag; the CLI's may
        if hint:
            print(f"  what to do: {redact(hint)}", file=sys.stderr)
        for action in err.actions:
            if action.cli:
                print(f"  fix: {action.label}: {action.cli}", file=sys.stderr)
        return 2
    except OSError as err:  # a file or folder the user named cannot be read or written
        where = f" '{err.filename}'" if err.filename else ""
        print(f"error: {err.strerror or err}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: one line unless --debug asks for the traceback
        if args.debug:
            raise
        print(f"internal error: {type(err).__name__}: {_one_line(str(err))}; please report it "
              "(run again with --debug for the traceback)", file=sys.stderr)
        return 1


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


if __name__ == "__main__":
    sys.exit(main())
