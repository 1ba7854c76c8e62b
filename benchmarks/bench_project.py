"""Benchmark project builds, environment reuse and the package cache on a public multi-notebook repository.

Prints figures; not a test. Needs a Docker engine and the base image (.ci/setup-docker.sh,
.ci/build-test-base.sh) and a clone of a public book (not committed here):
    git clone https://github.com/wesm/pydata-book /tmp/corpus/pydata-book
    python benchmarks/bench_project.py --folder /tmp/corpus/pydata-book \\
        --notebooks ch04.ipynb ch05.ipynb ch09.ipynb ch10.ipynb ch12.ipynb --single ch05.ipynb \\
        --new ch06.ipynb --requirements /tmp/corpus/pydata-book/requirements.txt \\
        --with ipykernel jupyterlab requests sqlalchemy pytz --exclude-newer 2023-04-13

One kernel venv for the project (uv, from /usr/bin/python3, frozen with --exclude-newer); every
notebook inspected with it. In one run, on one engine, from a base of this run's own (so nothing an
earlier run or another user built is reused), with a package cache volume of this run's own:
  A  one by one, as before: each notebook its own environment, no package cache (--env minimal);
     for --single, a pip Dockerfile and a uv Dockerfile with the same pins, right before ours;
  B  the project: one build of the folder (one union environment);
  C  one by one after it, as the default (--env reuse) does: each notebook FROM the project's environment;
  D  the package cache alone: a notebook's own environment again (--env minimal), the cache now warm;
  E  new notebooks of the repository, outside the project (--new): the default (the project's
     environment reused, or extended with what the lock adds; the cache warm) against the same
     notebook cold (A's way).
uv's own timings (download, install, compile) are printed for the environment builds.
Bytes are image layers: what the images add to the engine's disk, each layer counted once.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from project_bench.builds import Built, build  # noqa: E402
from project_bench.dockerfiles import baseline_context, docker_build  # noqa: E402
from project_bench.kernel import kernel_venv  # noqa: E402
from project_bench.layers import total_bytes  # noqa: E402

from jupyterlab_containerize.builder.docker_engine import DockerEngine  # noqa: E402
from jupyterlab_containerize.builder.package_cache import VOLUME_ENV  # noqa: E402
from jupyterlab_containerize.inspect import inspect_notebook  # noqa: E402
from jupyterlab_containerize.options import BuildOptions  # noqa: E402
from jupyterlab_containerize.pipeline.project import Project, union_spec  # noqa: E402
from jupyterlab_containerize.render.context import render_context  # noqa: E402
from jupyterlab_containerize.secret_files import DEFAULT_POLICY

MB = 1e6


def main() -> int:
    args = parse_args()
    engine = DockerEngine()
    python = kernel_venv([f"-r {r}" for r in args.requirements] + args.with_, args.exclude_newer)
    run_id = uuid.uuid4().hex[:8]
    base = bench_base(engine, args.base, run_id)
    os.environ[VOLUME_ENV] = f"containerize-bench-uv-cache-{run_id}"
    print(f"repository {args.folder} at {git_head(args.folder)}; kernel {python}; load {os.getloadavg()[0]:.1f}")
    try:
        with tempfile.TemporaryDirectory(prefix="containerize-bench-project-") as tmp:
            run(engine, args, python, base, Path(tmp))
    finally:
        if not args.keep:
            cleanup(engine, base, os.environ[VOLUME_ENV])
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


def run(engine: DockerEngine, args: argparse.Namespace, python: Path, base: str, tmp: Path) -> None:
    folder = copy_project(args.folder, args.notebooks + args.new, tmp / "repo")
    notebooks = [folder / n for n in args.notebooks]
    specs, inspect_s = {}, {}
    for nb in notebooks + [folder / n for n in args.new]:
        start = time.monotonic()
        specs[nb.name] = inspect_notebook(nb, python=str(python), secret_policy=DEFAULT_POLICY)
        inspect_s[nb.name] = time.monotonic() - start
    project_dir = tmp / "project"  # the project: the chosen notebooks and the repository's other files
    shutil.copytree(folder, project_dir, ignore=shutil.ignore_patterns(*args.new))
    project = Project(project_dir, [project_dir / n for n in args.notebooks],
                      [specs[n] for n in args.notebooks])
    project.spec = union_spec(project)
    print(f"inspect: {sum(inspect_s.values()):.1f} s for {len(inspect_s)} notebooks; pins per notebook "
          + ", ".join(f"{n} {len(s.packages)}" for n, s in specs.items())
          + f"; union {len(project.spec.packages)}")

    def options(name: str, scenario: str, **kw: object) -> BuildOptions:
        tag = f"localhost/containerize-bench/{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}:{scenario}"
        return BuildOptions(base_image=base, tag=tag, **kw)  # type: ignore[arg-type]

    work = iter(tmp / f"w{i}" for i in range(1000))
    # A: one by one, each its own environment, no package cache
    before: dict[str, Built] = {}
    baselines: dict[str, float] = {}
    for nb in notebooks:
        if nb.name == args.single:
            baselines = dockerfile_baselines(engine, specs[nb.name], nb, base, next(work))
        before[nb.name] = build(engine, specs[nb.name], nb,
                                options(nb.stem, "a", environment="minimal", package_cache_max_gb=0),
                                next(work), cold=True)
        print(f"A {nb.name}: {before[nb.name].seconds:.1f} s ({before[nb.name].breakdown()})", flush=True)
    a_bytes = total_bytes(engine, [b.result for b in before.values()], base)
    for built in before.values():  # as if A had not run: the lock alone names no environment now
        engine.client.images.remove(built.result["environment_image"], noprune=True)
    # B: the project, one union environment (the cache volume starts empty: it fills now)
    whole = build(engine, project.spec, project_dir, options("project", "b", environment="minimal"), next(work),
                  project, cold=True)
    print(f"B project: {whole.seconds:.1f} s ({whole.breakdown()})", flush=True)
    # C: one by one after it, the default
    after = {nb.name: build(engine, specs[nb.name], nb, options(nb.stem, "c"), next(work)) for nb in notebooks}
    # D: the package cache alone, warm
    warm_name = args.warm or args.single or notebooks[0].name
    warm = build(engine, specs[warm_name], folder / warm_name, options(warm_name, "d", environment="minimal"),
                 next(work), cold=True)
    print(f"D {warm_name} warm: {warm.seconds:.1f} s ({warm.breakdown()})", flush=True)
    # E: new notebooks, the default against cold
    new: dict[str, tuple[Built, Built]] = {}
    for name in args.new:
        default = build(engine, specs[name], folder / name, options(name, "e"), next(work))
        cold = build(engine, specs[name], folder / name,
                     options(name, "e-cold", environment="minimal", package_cache_max_gb=0), next(work), cold=True)
        new[name] = (default, cold)
        print(f"E {name}: default {default.seconds:.1f} s ({default.result['environment']['how']}; "
              f"{default.breakdown()}), cold {cold.seconds:.1f} s ({cold.breakdown()})", flush=True)
    floor = union_floor(engine, whole, project, base)
    report(engine, base, before, a_bytes, whole, after, warm, warm_name, baselines, args.single, new, floor)


def dockerfile_baselines(engine: DockerEngine, spec, notebook: Path, base: str, work: Path) -> dict[str, float]:
    rendered = render_context(spec, notebook, BuildOptions(base_image=base), work / "rendered", environ={})
    figures = {}
    for kind in ("pip", "uv"):
        context = baseline_context(rendered, kind, work / kind)
        figures[kind] = docker_build(engine, context, f"localhost/containerize-bench/{kind}:project")
        print(f"A {notebook.name} {kind} Dockerfile: {figures[kind]:.1f} s", flush=True)
    return figures


def union_floor(engine: DockerEngine, whole: Built, project: Project, base: str) -> int:
    """One union environment (the project's, as installed) plus the notebooks and the files they read."""
    env = whole.result["environment_image"]
    files = project.notebooks + [project.folder / f for f in project.spec.files]
    data = sum(p.stat().st_size for f in files for p in ([f] if f.is_file() else f.rglob("*")) if p.is_file())
    return engine.image_info(env).size - engine.image_info(base).size + data


def report(engine, base, before, a_bytes, whole, after, warm, warm_name, baselines, single, new, floor) -> None:
    a_env, a_nb = a_bytes
    b_env, b_nb = total_bytes(engine, [whole.result], base)
    _, c_nb = total_bytes(engine, [b.result for b in after.values()], base)
    n = len(before)
    print(f"\n{'':46}{'seconds':>10}{'env MB':>10}{'notebook MB':>13}")
    print(f"{f'A one by one, each its own env ({n})':46}{sum(b.seconds for b in before.values()):>10.1f}"
          f"{a_env / MB:>10.1f}{a_nb / MB:>13.3f}")
    print(f"{'B the project, one build':46}{whole.seconds:>10.1f}{b_env / MB:>10.1f}{b_nb / MB:>13.3f}")
    print(f"{f'C one by one after B, --env reuse ({n})':46}{sum(b.seconds for b in after.values()):>10.1f}"
          f"{0:>10.1f}{c_nb / MB:>13.3f}")
    print("per notebook, A -> C (s): " + ", ".join(f"{k} {before[k].seconds:.1f} -> {after[k].seconds:.1f}"
                                                   for k in before))
    print("C environments: " + ", ".join(f"{k} {b.result['environment']['how']}" for k, b in after.items())
          + f"; install steps run in C: {sum(b.environment_steps for b in after.values())}")
    print(f"floor (one union environment + notebooks and files): {floor / MB:.1f} MB; "
          f"B / floor {(b_env + b_nb) / floor:.3f}; B+C / floor {(b_env + b_nb + c_nb) / floor:.3f}; "
          f"A / floor {(a_env + a_nb) / floor:.3f}")
    if single in before and baselines:
        ours = before[single].seconds
        pip, uv = baselines["pip"], baselines["uv"]
        print(f"cold, one notebook ({single}): ours {ours:.1f} s, pip Dockerfile {pip:.1f} s "
              f"({pip / ours:.2f}x), uv Dockerfile {uv:.1f} s ({uv / ours:.2f}x)")
    cold = before[warm_name].seconds
    print(f"package cache alone, {warm_name}'s own environment: cold {cold:.1f} s, warm {warm.seconds:.1f} s "
          f"({cold / warm.seconds:.2f}x)")
    for name, (default, cold_new) in new.items():
        how = default.result["environment"]["how"]
        print(f"new notebook {name}: default ({how}, warm cache) {default.seconds:.1f} s, "
              f"cold {cold_new.seconds:.1f} s ({cold_new.seconds / default.seconds:.2f}x)")
    fastest = min(b.seconds for b in after.values())
    slowest = max(b.seconds for b in after.values())
    print(f"goals: a notebook whose lock an environment holds: {fastest:.1f}-{slowest:.1f} s (goal < 3 s); "
          f"project images {(b_env + b_nb) / floor:.2f}x the floor (goal <= 1.2x)")


def bench_base(engine: DockerEngine, base: str, run_id: str) -> str:
    """The base with a label of this run: a new image id (its layers shared), so the environment
    images of earlier runs, made on another id, are never reused here."""
    tag = f"localhost/containerize-bench/base:{run_id}"
    with tempfile.TemporaryDirectory() as context:
        (Path(context) / "Dockerfile").write_text(f"FROM {base}\nLABEL io.jupyter.containerize.bench.run={run_id}\n")
        engine.build(Path(context), tag, {}, lambda line: None, threading.Event())
    return tag


def copy_project(source: Path, notebooks: list[str], target: Path) -> Path:
    """The repository without .git and without the notebooks not benchmarked."""
    keep = set(notebooks)

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if n == ".git" or (n.endswith(".ipynb") and n not in keep)]

    shutil.copytree(source, target, ignore=ignore)
    return target


def cleanup(engine: DockerEngine, base: str, volume: str) -> None:
    """The run's images go (their environments with them); the cache volume too."""
    from jupyterlab_containerize.builder.environment_reuse import BASE_LABEL

    base_id = engine.image_info(base).id
    for image in engine.images_with_label(BASE_LABEL):
        if image.labels.get(BASE_LABEL) == base_id:
            for tag in image.tags:
                engine.client.images.remove(tag, noprune=False)
    engine.client.images.remove(base)
    try:
        engine.client.volumes.get(volume).remove(force=True)
    except Exception:  # the volume was never made (every build bypassed the cache)
        pass


def git_head(folder: Path) -> str:
    done = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True)  # noqa: S603,S607
    return done.stdout.strip() or "(not a git clone)"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="a clone of a public multi-notebook repository")
    parser.add_argument("--notebooks", nargs="+", required=True, help="the project's notebooks (3 to 6)")
    parser.add_argument("--single", help="the notebook built with the pip and uv Dockerfiles too")
    parser.add_argument("--warm", help="the notebook of the warm-cache figure (default: --single)")
    parser.add_argument("--new", nargs="*", default=[], help="notebooks of the repository outside the project")
    parser.add_argument("--requirements", nargs="*", default=[], help="requirements files of the kernel venv")
    parser.add_argument("--with", dest="with_", nargs="*", default=[], help="more requirements of the kernel venv")
    parser.add_argument("--exclude-newer", required=True, help="freeze the venv's resolution (YYYY-MM-DD)")
    parser.add_argument("--base", default="localhost/containerize-test/python:3.11")
    parser.add_argument("--keep", action="store_true", help="leave the run's images and cache volume")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(main())
