"""`jupyter containerize lock NOTEBOOK`: write the pinned environment into the notebook itself, so
the next person (or this tool, with no kernel) gets the same pins instead of a guess."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import NotebookNotFound
from ..inspect import inspect_notebook
from ..inspect.notebook_lock import hashes_for, lock_from_spec, write_lock
from ..secret_files import DEFAULT_POLICY
from .inspect_cmd import add_static_arguments, pin_origin, static_choices


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "lock", help="Write the pinned environment into the notebook's metadata.",
        description="Inspect the notebook (its kernel's environment, or --python PATH, else its code as of "
        "its date) and store the pins, Python version, index and hashes in metadata.containerize.lock. "
        "Cells, outputs and other metadata are not touched.")
    parser.add_argument("notebook", type=Path, help="the .ipynb file")
    parser.add_argument("--python", metavar="PATH", help="the interpreter of the environment it ran in")
    parser.add_argument("--no-hashes", action="store_true", help="do not ask the index for the files' hashes")
    add_static_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    notebook = Path(args.notebook).resolve()
    if not notebook.is_file():
        raise NotebookNotFound(f"No notebook at {args.notebook}.")
    spec = inspect_notebook(notebook, python=args.python, static_choices=static_choices(args),
                            secret_policy=DEFAULT_POLICY)
    hashes: dict[str, list[str]] = {}
    if not args.no_hashes and spec.python.version:
        hashes, error = hashes_for(spec, spec.python.version)
        if error:
            print(f"warning: no hashes (the index did not answer: {error})", file=sys.stderr)
    lock = lock_from_spec(spec, hashes)
    write_lock(notebook, lock)
    hashed = sum(1 for p in lock["packages"] if p.get("hashes"))
    print(f"Locked {len(lock['packages'])} packages{pin_origin(spec)} for Python {lock['python'] or '?'} "
          f"into {args.notebook} ({hashed} with hashes).")
    for problem in spec.problems:
        print(f"  - {problem.message}", file=sys.stderr)
    return 0
