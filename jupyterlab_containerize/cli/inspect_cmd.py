"""`jupyter containerize inspect NOTEBOOK`: print the environment spec as a table or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from ..inspect import StaticChoices, inspect_notebook
from ..secret_files import DEFAULT_POLICY
from ..spec import EnvironmentSpec
from ..validate import safe_version
from .inputs import seconds

REASON_LABELS = {
    "imported": "imported",
    "runtime": "imported at run time",
    "implicit": "implicit back-end",
    "dependency": "needed by another",
    "requested": "%pip install",
    "user": "added by you",
}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("inspect", help="Show the environment a notebook needs, pinned to what ran.")
    parser.add_argument("notebook", type=Path, help="the .ipynb file")
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="the interpreter of the environment to inspect (default: the notebook's kernel spec, else this one)",
    )
    parser.add_argument(
        "--execute",
        action="store_true",
        help="run the notebook in that environment first, to catch run-time imports and data files "
        "(every cell runs, its ! shell commands too: a `!pip install` or `!apt-get install` installs here)",
    )
    parser.add_argument("--execute-timeout", type=seconds, default=None, metavar="SECONDS",
                        help="--execute: stop the whole run after this long, the kernel's start included "
                        "(default 240; each cell at most 120)")
    parser.add_argument("--json", action="store_true", help="print the spec as JSON")
    parser.add_argument("--timeout", type=seconds, default=10.0, help="seconds to wait for the probe (default 10)")
    add_static_arguments(parser)
    return parser


def add_static_arguments(parser: argparse.ArgumentParser) -> None:
    """The kernel-less options, shared by inspect, build and lock."""
    parser.add_argument("--static", action="store_true",
                        help="read the code alone, even when the kernel is installed: pins as of the notebook's date")
    parser.add_argument("--as-of", metavar="DATE",
                        help="static pins: the newest releases on or before DATE (YYYY-MM-DD); default: the "
                        "notebook's last git commit, else its file time")
    parser.add_argument("--add", action="append", default=[], metavar="NAME",
                        help="static: install this PyPI package too (an import the known-names table cannot map)")
    parser.add_argument("--python-version", metavar="X.Y",
                        help="static: pin for this Python (default: the notebook's own if supported, else 3.11)")
    parser.add_argument("--historic-python", action="store_true",
                        help="static: pin for the Python the notebook says it ran, even one no longer supported")
    parser.add_argument("--with-extras", action="store_true",
                        help="also lock installed packages that an imported package's extras name but the "
                        "notebook never imports (default: list them as suggestions)")


def static_choices(args: argparse.Namespace) -> StaticChoices:
    python = safe_version(args.python_version) if args.python_version else None
    return StaticChoices(force=bool(args.static), as_of=args.as_of, confirmed=tuple(args.add), python_version=python,
                         with_extras=bool(getattr(args, "with_extras", False)),
                         historic_python=bool(getattr(args, "historic_python", False)))


def run(args: argparse.Namespace) -> int:
    spec = inspect_notebook(args.notebook, python=args.python, execute=args.execute, timeout=args.timeout,
                            static_choices=static_choices(args), execute_timeout=args.execute_timeout,
                            secret_policy=DEFAULT_POLICY)  # the CLI reads no server config: the built-ins
    if args.json:
        print(spec.to_json())
    else:
        print_table(spec, sys.stdout)
    return 0


def print_table(spec: EnvironmentSpec, out: TextIO) -> None:
    python = spec.python.version or "unknown"
    out.write(f"Notebook  {spec.notebook.path}  ({spec.notebook.cell_count} cells)\n")
    out.write(f"Python    {python} {spec.python.implementation}  [{spec.source}]  {spec.python.executable}\n")
    if spec.platform.system:
        out.write(f"Platform  {spec.platform.system} {spec.platform.machine}\n")
    out.write(f"\nPackages ({sum(1 for p in spec.packages if p.version)} pinned{pin_origin(spec)})\n")
    rows = [
        (p.name, p.version or "(unpinned)", REASON_LABELS.get(p.reason, p.reason), _origin(p)) for p in spec.packages
    ]
    _rows(out, ("name", "version", "why", "source"), rows)
    unresolved = [i for i in spec.imports if i.kind == "unresolved"]
    if spec.local_modules:
        out.write("\nLocal modules\n" + "".join(f"  {m.module:<24} {m.path}\n" for m in spec.local_modules))
    if spec.files:
        out.write("\nData files\n" + "".join(f"  {f}\n" for f in spec.files))
    if spec.apt_packages:
        out.write("\nSystem packages (apt)\n  " + " ".join(spec.apt_packages) + "\n")
    if spec.gpu.frameworks or spec.gpu.devices:
        frameworks = ", ".join(f"{f.name} {f.version} (CUDA {f.cuda or 'none'})" for f in spec.gpu.frameworks)
        devices = ", ".join(f"{d.name} (sm {d.compute_capability})" for d in spec.gpu.devices) or "none visible"
        out.write(f"\nGPU       {frameworks}; driver {spec.gpu.driver_version or 'none'}; devices: {devices}\n")
    if unresolved:
        out.write(
            "\nUnresolved imports\n"
            + "".join(f"  {i.module:<24} try: pip install {i.suggestion}\n" for i in unresolved)
        )
    if spec.suggestions:
        out.write("\nSuggested, not installed (--with-extras locks them)\n"
                  + "".join(f"  {s.name} {s.version or ''}: {s.reason}\n" for s in spec.suggestions))
    if spec.problems:
        out.write("\nNotes\n" + "".join(f"  - {p.message}\n" for p in spec.problems))


def pin_origin(spec: EnvironmentSpec) -> str:
    """Where pins came from when no kernel gave them: what the CLI, REST and panel all say."""
    how = {"git-commit": "its last commit", "file-time": "its file time", "as-of": "--as-of", "lock": "its lock"}
    if spec.source == "lock":
        return ", read from the lock the notebook carries" + (f", made as of {spec.as_of}" if spec.as_of else "")
    if spec.source == "static" and spec.as_of:
        moved = sum(1 for p in spec.problems if p.kind == "version-moved")
        later = f"; {moved} moved later for Python {spec.python.version} (see Notes)" if moved else ""
        return (f", guessed from the code as of {spec.as_of} ({how.get(spec.as_of_source or '', spec.as_of_source)})"
                + later)
    return ""


def _origin(package: Any) -> str:
    source = package.source
    if source.kind == "vcs":
        return f"{source.vcs or 'vcs'} {source.url}@{(source.commit or '')[:12]}"
    if source.kind in ("local", "editable"):
        return f"{source.kind} {source.path or source.url}"
    return package.installer or "index"


def _rows(out: TextIO, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out.write("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() + "\n")
