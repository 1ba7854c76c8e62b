"""Cold builds side by side: ours against a pip Dockerfile and a uv Dockerfile with the same pins and apt line.

Prints figures; not a test. Needs a Docker engine and the base image (.ci/setup-docker.sh,
.ci/build-test-base.sh), a notebook and the interpreter of its kernel:
    python benchmarks/bench_cold.py --notebook NB.ipynb --python KERNEL/bin/python [--repeat 3]

In one run, on one engine, from a base of this run's own (so nothing built earlier is reused):
  cold  no package cache and no environment image for ours (the lock's environment image is untagged
        first, the cache is off); `docker build --no-cache` for the Dockerfiles. All three download
        every wheel and .deb; the three builds of a round run one after the other, rounds alternate.
  warm  ours with the engine's package cache already filled by a build of the same lock (a cache
        volume of this run's own), the environment image untagged again. The Dockerfiles have no
        warm case under the classic builder: without BuildKit cache mounts they download again.
Medians (min-max) of --repeat rounds, and for ours uv's own download / install / compile split.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_project import bench_base, cleanup  # noqa: E402
from project_bench.builds import Built, build  # noqa: E402
from project_bench.dockerfiles import baseline_context, docker_build  # noqa: E402

from jupyterlab_containerize.builder.docker_engine import DockerEngine  # noqa: E402
from jupyterlab_containerize.builder.package_cache import VOLUME_ENV  # noqa: E402
from jupyterlab_containerize.inspect import inspect_notebook  # noqa: E402
from jupyterlab_containerize.options import BuildOptions  # noqa: E402
from jupyterlab_containerize.render.context import render_context  # noqa: E402
from jupyterlab_containerize.secret_files import DEFAULT_POLICY


def main() -> int:
    args = parse_args()
    engine = DockerEngine()
    run_id = uuid.uuid4().hex[:8]
    base = bench_base(engine, args.base, run_id)
    os.environ[VOLUME_ENV] = f"containerize-bench-uv-cache-{run_id}"
    spec = inspect_notebook(args.notebook, python=str(args.python), secret_policy=DEFAULT_POLICY)
    print(f"{args.notebook}: {len(spec.packages)} pins, apt {' '.join(spec.apt_packages) or '-'}, "
          f"target {args.target}; load {os.getloadavg()[0]:.1f}", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="containerize-bench-cold-") as tmp:
            run(engine, args, spec, base, Path(tmp))
    finally:
        cleanup(engine, base, os.environ[VOLUME_ENV])
        for kind in ("pip", "uv"):
            try:
                engine.client.images.remove(f"localhost/containerize-bench/{kind}:cold")
            except Exception:  # never built (an earlier failure)
                pass
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


def run(engine: DockerEngine, args: argparse.Namespace, spec, base: str, tmp: Path) -> None:
    work = iter(tmp / f"w{i}" for i in range(1000))
    options = BuildOptions(base_image=base, target=args.target, tag="localhost/containerize-bench/ours:cold",
                           environment="minimal", package_cache_max_gb=0)
    rendered = render_context(spec, args.notebook, options, next(work) / "rendered", environ={})
    contexts = {kind: baseline_context(rendered, kind, next(work) / kind) for kind in ("pip", "uv")}
    ours: list[Built] = []
    times: dict[str, list[float]] = {"pip": [], "uv": []}
    for round_ in range(args.repeat):
        ours.append(build(engine, spec, args.notebook, options, next(work), cold=True))
        for kind, context in contexts.items():
            times[kind].append(docker_build(engine, context, f"localhost/containerize-bench/{kind}:cold"))
        print(f"cold round {round_ + 1}: ours {ours[-1].seconds:.1f} s ({ours[-1].breakdown()}), "
              f"pip {times['pip'][-1]:.1f} s, uv {times['uv'][-1]:.1f} s", flush=True)
    cached = BuildOptions(base_image=base, target=args.target, tag="localhost/containerize-bench/ours:warm",
                          environment="minimal")
    build(engine, spec, args.notebook, cached, next(work), cold=True)  # fills the cache volume
    warm = [build(engine, spec, args.notebook, cached, next(work), cold=True) for _ in range(args.warm or args.repeat)]
    print(f"warm (package cache filled): {', '.join(f'{w.seconds:.1f}' for w in warm)} s", flush=True)
    report([b.seconds for b in ours], times["pip"], times["uv"], [w.seconds for w in warm])


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def report(ours: list[float], pip: list[float], uv: list[float], warm: list[float]) -> None:
    mo, mp, mu, mw = (statistics.median(v) for v in (ours, pip, uv, warm))
    print(f"\n{'seconds, median (min-max)':34}{'ours':>22}{'pip Dockerfile':>22}{'uv Dockerfile':>22}")
    print(f"{'cold (every download included)':34}{spread(ours):>22}{spread(pip):>22}{spread(uv):>22}")
    print(f"{'warm (package cache filled)':34}{spread(warm):>22}{'(as cold)':>22}{'(as cold)':>22}")
    # pair by pair: a round's three builds ran back to back, under the same load
    print("per round, pip / ours: " + ", ".join(f"{p / o:.2f}x" for p, o in zip(pip, ours))
          + "; uv / ours: " + ", ".join(f"{u / o:.2f}x" for u, o in zip(uv, ours)))
    print(f"cold: {mp / mo:.2f}x faster than the pip Dockerfile (goal >= 3x), "
          f"{mu / mo:.2f}x faster than the uv Dockerfile (goal >= 1.5x); warm {mp / mw:.2f}x / {mu / mw:.2f}x")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path, required=True)
    parser.add_argument("--python", type=Path, required=True, help="the interpreter of the notebook's kernel")
    parser.add_argument("--base", default="localhost/containerize-test/python:3.11")
    parser.add_argument("--target", default="notebook", choices=("notebook", "batch", "serve"))
    parser.add_argument("--repeat", type=int, default=3, help="rounds of cold builds (median)")
    parser.add_argument("--warm", type=int, default=0, help="warm builds (default: --repeat)")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
