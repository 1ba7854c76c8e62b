"""Run a notebook headless inside the image: the `batch` target's entrypoint, and `--verify`.

Parameters follow papermill's convention: a cell is injected after the cell tagged `parameters`.
They come from `-p NAME VALUE`, NB_PARAMETERS (a JSON object) or NB_PARAM_<NAME> variables; a name
the parameters cell does not assign is refused (a typo, or the docs' `NAME` placeholder).
The executed notebook is always written to --output-dir, also when a cell fails. Exit codes, each
with one line on stderr: 0 every cell ran; 1 a cell failed or timed out; 2 a bad parameter;
73 the output folder cannot be written (checked before any cell runs).
Started as root (a batch image under `docker run`), it first makes the output folder usable and
then runs as the folder's owner (see adopt_output_owner). Runs with the image's Python (3.8+):
stdlib, nbformat and nbclient only.
"""

import argparse
import ast
import json
import os
import re
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def parse_value(text):
    try:
        return json.loads(text)
    except ValueError:
        return text


def collect_parameters(pairs, environ):
    params = {}
    if environ.get("NB_PARAMETERS"):
        try:
            params.update(json.loads(environ["NB_PARAMETERS"]))
        except (ValueError, TypeError):
            fail(2, "NB_PARAMETERS is not a JSON object")
    for key, value in environ.items():
        if key.startswith("NB_PARAM_") and key[9:]:
            params[key[9:]] = parse_value(value)
    for name, value in pairs or []:
        params[name] = parse_value(value)
    for name in params:
        if not name.isidentifier():
            fail(2, f"{name!r} is not a valid parameter name")
    return params


def fail(code, reason):
    print(f"run_notebook: {reason}", file=sys.stderr)
    sys.exit(code)


def parameter_names(nb):
    """The names the `parameters` cell assigns, or None when there is no such cell."""
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if not tagged:
        return None
    source = tagged[0].source
    try:
        tree = ast.parse(source)
    except SyntaxError:  # magics in the cell: the plain `name = ...` lines
        return set(re.findall(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?::[^=]*)?=", source, re.M))
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AnnAssign, ast.AugAssign)) else []
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name):
                    names.add(leaf.id)
    return names


def check_parameters(nb, params):
    """None when every parameter is one the notebook has; else the one-line reason."""
    if not params:
        return None
    known = parameter_names(nb)
    if known is None:
        return ("the notebook has no cell tagged `parameters`, so it takes no parameters "
                f"(got {', '.join(sorted(params))})")
    unknown = sorted(set(params) - known)
    if unknown:
        return (f"unknown parameter {', '.join(unknown)}: the notebook's parameters are "
                f"{', '.join(sorted(known)) or 'none'}")
    return None


def inject_parameters(nb, params):
    if not params:
        return
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["injected-parameters"]
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)


def kernel_for(nb):
    from jupyter_client.kernelspec import KernelSpecManager

    wanted = nb.metadata.get("kernelspec", {}).get("name")
    return wanted if wanted in KernelSpecManager().find_kernel_specs() else "python3"


ANSI = re.compile(r"\x1b\[[0-9;]*m")
SITE_PACKAGE = re.compile(r"site-packages/([A-Za-z0-9_]+)")


def error_of(cell):
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            error = {"ename": out.get("ename", ""), "evalue": out.get("evalue", "")}
            # the innermost installed package in the traceback: what --repair steps back or forward
            frames = SITE_PACKAGE.findall(ANSI.sub("", "\n".join(out.get("traceback", []))))
            if frames:
                error["package"] = frames[-1]
            return error
    return None


def run_cells(nb, path, timeout, keep_going):
    """Execute code cells one by one; returns one record per code cell."""
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=kernel_for(nb), allow_errors=keep_going,
        interrupt_on_timeout=False, resources={"metadata": {"path": os.path.dirname(path)}},
    )
    records, stop = [], False
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            record = {"index": index, "status": "not-run", "error": None, "seconds": 0.0}
            records.append(record)
            if stop:
                continue
            start = time.monotonic()
            try:
                client.execute_cell(cell, index)
                error = error_of(cell)
                record["status"] = "failed" if error else "passed"
                record["error"] = error
            except CellTimeoutError:
                record["status"] = "timeout"
                record["error"] = {"ename": "CellTimeoutError",
                                   "evalue": f"no answer within {timeout} s"}
                stop = True
            except (CellExecutionError, DeadKernelError) as err:
                record["status"] = "failed"
                fallback = {"ename": type(err).__name__, "evalue": str(err)}
                record["error"] = error_of(cell) or fallback
                stop = not keep_going
            record["seconds"] = round(time.monotonic() - start, 3)
    return records


IMAGE_UID = 1000  # the image's user (render/dockerfile.py USER_UID)


def in_user_namespace():
    """True under a rootless engine: root here is the host's user, not the host's root."""
    try:
        with open("/proc/self/uid_map") as uid_map:
            rows = [line.split() for line in uid_map if line.strip()]
    except OSError:
        return False
    return rows != [["0", "0", "4294967295"]]


def adopt_output_owner(output_dir, work_dir):
    """Started as root: run the notebook as whoever owns the output folder, so what it writes is
    theirs. The folder made beforehand by the user (`mkdir -p out`) is owned by them; under a
    rootless engine that owner shows as root here and root is the host's user, so root it stays.
    A folder Docker created for `-v` (root's, on a rootful engine) is given to the image's user."""
    os.makedirs(output_dir, exist_ok=True)
    info = os.stat(output_dir)
    uid, gid = info.st_uid, info.st_gid
    if uid == 0 and in_user_namespace():
        return
    if uid == 0:
        uid = gid = IMAGE_UID
        os.chown(output_dir, uid, gid)
        print(f"run_notebook: {output_dir} belonged to root (Docker creates a missing -v folder so); "
              f"it now belongs to uid {uid}. Create the folder before `docker run` to keep it yours.",
              file=sys.stderr)
    if uid != IMAGE_UID:  # the notebook may write beside itself: its folders (not files) become theirs
        for folder, _, _ in os.walk(work_dir):
            os.chown(folder, uid, gid)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)


def usable_home():
    """A uid the image has no account for (`--user`, an owner's uid) still gets a HOME and a name."""
    home = os.environ.get("HOME") or ""
    if not home or not os.access(home, os.W_OK):
        os.environ["HOME"] = tempfile.mkdtemp(prefix="home-")
    for key in ("USER", "LOGNAME"):
        os.environ.setdefault(key, "jovyan")


def check_writable(output_dir):
    """None when the folder can be written, else the one-line reason (before any cell runs)."""
    try:
        os.makedirs(output_dir, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=output_dir, prefix=".write-check-")
        probe.close()
    except OSError as err:
        owner = os.stat(output_dir).st_uid if os.path.isdir(output_dir) else "nobody"
        return (f"cannot write to {output_dir} ({err.strerror}; it belongs to uid {owner}, this runs as "
                f"uid {os.getuid()}): create the folder yourself before `docker run` (mkdir -p out) "
                "or mount one this user can write")
    return None


def write_outputs(nb, path, output_dir, report, records):
    """The executed notebook, also after a failed cell; the reason when it cannot be written."""
    problem = None
    if output_dir:
        try:
            os.makedirs(output_dir, exist_ok=True)
            nbformat.write(nb, os.path.join(output_dir, os.path.basename(path)))
        except OSError as err:
            problem = f"could not write the executed notebook to {output_dir}: {err.strerror or err}"
    if report:
        with open(report, "w", encoding="utf-8") as out:
            json.dump({"python": sys.version.split()[0], "cells": records}, out, indent=1)
    return problem


def cell_number(index, injected_at):
    """The 1-based position among the notebook's own cells (the injected parameters cell is none)."""
    return index + (0 if injected_at is None or index < injected_at else -1) + 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", metavar=("NAME", "VALUE"))
    parser.add_argument("--output-dir", default=os.environ.get("NB_OUTPUT_DIR"))
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("NB_CELL_TIMEOUT", "0"))
                        or None, help="seconds per cell (default: none)")
    parser.add_argument("--report", help="write a per-cell JSON report here")
    parser.add_argument("--keep-going", action="store_true", help="run every cell despite errors")
    args = parser.parse_args(argv)

    nb = nbformat.read(args.notebook, as_version=4)
    params = collect_parameters(args.parameter, os.environ)
    reason = check_parameters(nb, params)
    if reason:
        fail(2, reason)
    if args.output_dir:
        if os.geteuid() == 0:
            adopt_output_owner(args.output_dir, os.path.dirname(os.path.abspath(args.notebook)))
        reason = check_writable(args.output_dir)
        if reason:
            fail(73, reason)
    usable_home()
    count = len(nb.cells)
    inject_parameters(nb, params)
    injected_at = next((i for i, c in enumerate(nb.cells)
                        if "injected-parameters" in c.metadata.get("tags", [])), None)
    records = run_cells(nb, args.notebook, args.timeout, args.keep_going)
    problem = write_outputs(nb, args.notebook, args.output_dir, args.report, records)
    failed = [r for r in records if r["status"] in ("failed", "timeout")]
    for record in failed:
        err = record["error"] or {}
        print("run_notebook: cell {} {}: {}: {}".format(
            cell_number(record["index"], injected_at), record["status"], err.get("ename"),
            str(err.get("evalue", "")).splitlines()[0][:300] if err.get("evalue") else ""), file=sys.stderr)
    if problem:
        fail(73, problem)
    if not failed:
        print(f"run_notebook: {len(records)} code cells of {count} cells ran"
              + (f"; the executed notebook is in {args.output_dir}" if args.output_dir else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
