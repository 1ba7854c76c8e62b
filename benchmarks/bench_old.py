"""Benchmark: old notebooks (2016-2021) whose kernel is gone, on today's Python (3.11), next to pipreqs.

For each notebook chosen (under the folders given: git clones, never committed here; `--include` picks
notebooks by their path inside the clone), in one run on one engine and one base:
  - static: our static inspection, pinned as of the notebook's last commit for the base's Python;
    old releases without a wheel for that Python move, one by one (counted as `moves`);
  - pipreqs: pipreqs 0.5.0's requirements (today's newest releases), as `pip install -r` would.
Each is built and verified the same way. Per notebook: the build succeeded; no ImportError or
ModuleNotFoundError the saved notebook did not have; every cell's outcome as saved.

    .ci/setup-docker.sh && .ci/build-test-base.sh
    python benchmarks/bench_old.py CLONES/ipython-notebooks CLONES/ipython-in-depth \\
        --include 'notebooks/misc/CodeOptimization.ipynb' --include 'examples/*/Cython Magics.ipynb' ... \\
        [--base IMAGE] [--python 3.11.2] [--json OUT]

The corpus of the last run (repositories, commits, notebooks) is in docs/static.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_bench.corpus import CorpusNotebook, has_saved_outputs  # noqa: E402
from static_bench.modes import Outcome, build_and_verify, pipreqs_spec, static_spec  # noqa: E402
from static_bench.pipreqs_pins import pipreqs_pins, pipreqs_python  # noqa: E402

from jupyterlab_containerize.builder.docker_engine import DockerEngine  # noqa: E402
from jupyterlab_containerize.errors import ContainerizeError  # noqa: E402


def old_notebooks(folders: list[Path], include: list[str], since: str, until: str) -> list[CorpusNotebook]:
    """The notebooks with saved outputs whose last commit falls in [since, until], in path order."""
    found = []
    for folder in folders:
        commit = _git(folder, "rev-parse", "HEAD")
        for path in sorted(folder.rglob("*.ipynb")):
            relative = path.relative_to(folder).as_posix()
            if ".ipynb_checkpoints" in path.parts or not has_saved_outputs(path):
                continue
            if include and not any(fnmatch.fnmatch(relative, pattern) for pattern in include):
                continue
            day = _git(folder, "log", "-1", "--format=%cs", "--", relative)
            if since <= day <= until:
                found.append(CorpusNotebook(path, folder.name, commit[:12], relative))
    return found


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,  # noqa: S603,S607
                          check=False).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--include", action="append", default=[], metavar="GLOB",
                        help="a notebook's path inside its clone (fnmatch); default: every notebook in the dates")
    parser.add_argument("--since", default="2016-01-01")
    parser.add_argument("--until", default="2021-12-31")
    parser.add_argument("--base", default="localhost/containerize-test/python:3.11")
    parser.add_argument("--python", default="3.11.2", help="the base's Python, which both modes pin for")
    parser.add_argument("--json", type=Path, help="also write every outcome here")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "jupyterlab-containerize-bench")
    args = parser.parse_args()
    engine = DockerEngine()
    pipreqs = pipreqs_python(args.cache)
    corpus = old_notebooks(args.folders, args.include, args.since, args.until)
    print(f"{len(corpus)} notebooks last committed {args.since}..{args.until}, on Python {args.python}", flush=True)
    rows = []
    for item in corpus:
        row: dict[str, object] = {"notebook": item.label, "commit": item.commit}
        try:
            static = static_spec(item.path, args.python)
        except ContainerizeError as err:
            print(f"{item.label}: inspect failed: {err.message}")
            continue
        row["as_of"] = static.as_of
        row["moves"] = [p.message for p in static.problems if p.kind in ("version-moved", "source-build")]
        row["apt"] = static.apt_packages
        row["static"] = asdict(build_and_verify("static", item.path, static, args.base, engine))
        pins, error = pipreqs_pins(pipreqs, item.path)
        row["pipreqs"] = asdict(build_and_verify("pipreqs", item.path, pipreqs_spec(static, pins), args.base, engine)
                                if not error else Outcome("pipreqs", note=f"pipreqs failed: {error}"))
        rows.append(row)
        print(_line(row), flush=True)
    _summary(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


def _line(row: dict) -> str:
    cells = []
    for mode in ("static", "pipreqs"):
        o = row[mode]
        mark = "=" if o["all_equal"] else ("I" if o["import_error"] else ("b" if o["built"] else "x"))
        cells.append(f"{mode}:{mark} {o['seconds']:>5}s")
    notes = [n for n in (row["static"]["note"], row["pipreqs"]["note"]) if n]
    return (f"{row['notebook']:<58} as of {row['as_of']}  {len(row['moves'])} moved  " + "  ".join(cells)
            + "".join(f"\n    [{n[:160]}]" for n in notes))


def _summary(rows: list[dict]) -> None:
    n = len(rows)
    print(f"\n{n} notebooks; = every cell as saved, I ImportError, b built but a cell differs, x build failed")
    print(f"{'mode':<10}{'built':>10}{'no ImportError':>18}{'all cells as saved':>22}")
    for mode in ("static", "pipreqs"):
        built = sum(r[mode]["built"] for r in rows)
        clean = sum(r[mode]["built"] and not r[mode]["import_error"] for r in rows)
        equal = sum(r[mode]["all_equal"] for r in rows)
        print(f"{mode:<10}{_pct(built, n):>10}{_pct(clean, n):>18}{_pct(equal, n):>22}")


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / max(n, 1):.0f}%)"


if __name__ == "__main__":
    sys.exit(main())
