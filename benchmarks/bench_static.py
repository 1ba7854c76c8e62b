"""Benchmark: notebooks whose kernel is gone, built from their code alone and verified in the image.

For each public notebook with saved outputs (under the folders given: git clones, not committed
here), in one run on one engine and one base:
  - static: our static inspection, pinned as of the notebook's last commit;
  - repair: the same, with build --repair when static did not verify;
  - pipreqs: pipreqs 0.5.0's requirements (today's newest releases), as `pip install -r` would.
Each is built and verified the same way. Per notebook it counts: the build succeeded; no
ImportError or ModuleNotFoundError the saved notebook did not have; every cell's outcome equals
the saved notebook's.

    .ci/setup-docker.sh && .ci/build-test-base.sh
    git clone https://github.com/wesm/pydata-book /tmp/corpus/pydata-book   # and others: docs/static.md
    python benchmarks/bench_static.py /tmp/corpus/* [--per-repository N] [--base IMAGE] [--json OUT]

Only a Python 3.11 base exists here, so every mode pins for Python 3.11 (--python); on a machine
that reaches Docker Hub, pass the notebooks' own Python with python:X.Y-slim bases.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from static_bench.corpus import find_notebooks  # noqa: E402
from static_bench.modes import Outcome, build_and_verify, pipreqs_spec, static_spec  # noqa: E402
from static_bench.pipreqs_pins import pipreqs_pins, pipreqs_python  # noqa: E402

from jupyterlab_containerize.builder.docker_engine import DockerEngine  # noqa: E402
from jupyterlab_containerize.errors import ContainerizeError  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--per-repository", type=int, default=40)
    parser.add_argument("--base", default="localhost/containerize-test/python:3.11")
    parser.add_argument("--python", default="3.11.2", help="the base's Python, which every mode pins for")
    parser.add_argument("--json", type=Path, help="also write every outcome here")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "jupyterlab-containerize-bench")
    args = parser.parse_args()
    engine = DockerEngine()
    pipreqs = pipreqs_python(args.cache)
    corpus = find_notebooks(args.folders, args.per_repository)
    print(f"{len(corpus)} notebooks with saved outputs from {len({n.repository for n in corpus})} repositories")
    rows = []
    for item in corpus:
        row: dict[str, object] = {"notebook": item.label, "commit": item.commit}
        try:
            static = static_spec(item.path, args.python)
        except ContainerizeError as err:
            print(f"{item.label}: inspect failed: {err.message}")
            continue
        row["as_of"] = static.as_of
        outcome = build_and_verify("static", item.path, static, args.base, engine)
        row["static"] = asdict(outcome)
        repaired = outcome if outcome.all_equal else build_and_verify("repair", item.path, static, args.base,
                                                                       engine, repair=True)
        row["repair"] = asdict(repaired)
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
    for mode in ("static", "repair", "pipreqs"):
        o = row[mode]
        mark = "=" if o["all_equal"] else ("I" if o["import_error"] else ("b" if o["built"] else "x"))
        cells.append(f"{mode}:{mark} {o['seconds']:>5}s")
    note = row["static"]["note"] or row["pipreqs"]["note"]
    return f"{row['notebook']:<60} as of {row['as_of']}  " + "  ".join(cells) + (f"  [{note[:80]}]" if note else "")


def _summary(rows: list[dict]) -> None:
    n = len(rows)
    print(f"\n{n} notebooks; = every cell as saved, I ImportError, b built but a cell differs, x build failed")
    print(f"{'mode':<10}{'built':>10}{'no ImportError':>18}{'all cells as saved':>22}")
    for mode in ("static", "repair", "pipreqs"):
        built = sum(r[mode]["built"] for r in rows)
        clean = sum(r[mode]["built"] and not r[mode]["import_error"] for r in rows)
        equal = sum(r[mode]["all_equal"] for r in rows)
        print(f"{mode:<10}{_pct(built, n):>10}{_pct(clean, n):>18}{_pct(equal, n):>22}")


def _pct(k: int, n: int) -> str:
    return f"{k}/{n} ({100 * k / max(n, 1):.0f}%)"


if __name__ == "__main__":
    sys.exit(main())
