"""Benchmark the build against a hand-written Dockerfile in the style of Docker's Python guide.

Prints figures; not a test. Needs a Docker engine and the base image:
    .ci/setup-docker.sh && .ci/build-test-base.sh
    python benchmarks/bench_build.py [--notebook examples/weather/analysis.ipynb] [--base IMAGE]

For the example notebook, in the same run and on the same base:
  - cold build: every layer built (no cache) — ours vs `pip install -r requirements.txt; COPY . .`
  - rebuild after editing one cell
  - image size against the floor: base image + installed packages + notebook and its files
Both images install exactly the same pins (the rendered requirements files).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.inspect import inspect_notebook
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.pipeline.run import BuildRequest, run_pipeline
from jupyterlab_containerize.render.context import render_context
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from jupyterlab_containerize.spec import EnvironmentSpec

ROOT = Path(__file__).resolve().parents[1]
PIP_DOCKERFILE = """\
FROM {base}
WORKDIR /app
COPY ca.pem /etc/ssl/certs/bench-ca.pem
COPY requirements.txt runtime-requirements.txt runtime-constraints.txt ./
RUN python3 -m venv /venv && PIP_CERT=/etc/ssl/certs/bench-ca.pem /venv/bin/pip install \\
    --no-cache-dir -r requirements.txt -r runtime-requirements.txt -c runtime-constraints.txt
COPY . .
CMD ["/venv/bin/python", "-m", "nbclient", "{notebook}"]
"""


def kernel_python(requirements: Path) -> str:
    """A venv like the example's kernel, from Debian's python3 (the base image's Python)."""
    venv = Path(tempfile.gettempdir()) / "containerize-bench-venv"
    if not (venv / ".complete").exists():
        uv = shutil.which("uv") or "uv"
        subprocess.run([uv, "venv", "-q", "-p", "/usr/bin/python3", str(venv)], check=True)  # noqa: S603
        subprocess.run([uv, "pip", "install", "-q", "--python", str(venv / "bin/python"),  # noqa: S603
                        "-r", str(requirements)], check=True)
        (venv / ".complete").write_text("")
    return str(venv / "bin" / "python")


def ours(engine: DockerEngine, spec: EnvironmentSpec, notebook: Path, options: BuildOptions,
         work: Path) -> float:
    start = time.monotonic()
    run_pipeline(BuildRequest(notebook, options, spec), engine, lambda *a, **k: None,
                 threading.Event(), work)
    return time.monotonic() - start


def pip_context(spec: EnvironmentSpec, notebook: Path, base: str, work: Path) -> Path:
    """The guide's layout: the app folder with requirements files, built with pip."""
    rendered = render_context(spec, notebook, BuildOptions(target="batch", base_image=base),
                              work / "rendered", environ={})
    app = work / "pip-app"
    shutil.copytree(notebook.parent, app, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    for name in ("requirements.txt", "runtime-requirements.txt", "runtime-constraints.txt"):
        shutil.copyfile(rendered.directory / ".containerize-build" / name, app / name)
    shutil.copyfile("/etc/ssl/certs/ca-certificates.crt", app / "ca.pem")
    (app / "Dockerfile").write_text(PIP_DOCKERFILE.format(base=base, notebook=notebook.name))
    return app


def docker_build(engine: DockerEngine, context: Path, tag: str, no_cache: bool) -> float:
    start = time.monotonic()
    engine.build(context, tag, {}, lambda line: _fail_on_error(line), threading.Event(),
                 no_cache=no_cache)
    return time.monotonic() - start


def _fail_on_error(line: dict[str, Any]) -> None:
    if "error" in line:
        raise SystemExit(f"pip Dockerfile build failed: {line['error']}")


def edit_one_cell(notebook: Path, marker: str) -> None:
    nb = json.loads(notebook.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    code[-1]["source"] = "".join(code[-1]["source"]) + f"\n# edited {marker}"
    notebook.write_text(json.dumps(nb, indent=1))


def du(engine: DockerEngine, image: str, path: str) -> int:
    result = engine.run(image, [f"du -sb {path} | cut -f1"], entrypoint=["sh", "-c"],
                        network=False)
    return int(result.logs.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", type=Path,
                        default=ROOT / "examples" / "weather" / "analysis.ipynb")
    parser.add_argument("--base", default="localhost/containerize-test/python:3.11")
    parser.add_argument("--repeat", type=int, default=3, help="cold builds of each (median)")
    args = parser.parse_args()

    engine = DockerEngine()
    with tempfile.TemporaryDirectory(prefix="containerize-bench-") as tmp:
        work = Path(tmp)
        folder = work / "nb"
        shutil.copytree(args.notebook.parent, folder)
        notebook = folder / args.notebook.name
        spec = inspect_notebook(notebook, python=kernel_python(folder / "requirements.txt"),
                                secret_policy=DEFAULT_POLICY)
        tag = "localhost/containerize-bench/ours:batch"
        options = BuildOptions(target="batch", base_image=args.base, tag=tag, no_cache=True)
        app = pip_context(spec, notebook, args.base, work)
        pip_tag = "localhost/containerize-bench/pip:latest"

        figures: dict[str, float] = {}
        ours_runs, pip_runs = [], []
        for run in range(args.repeat):  # alternate, so network or disk drift hits both
            ours_runs.append(ours(engine, spec, notebook, options, work / f"cold{run}"))
            pip_runs.append(docker_build(engine, app, pip_tag, no_cache=True))
            print(f"cold run {run + 1}: ours {ours_runs[-1]:.1f} s, pip {pip_runs[-1]:.1f} s",
                  flush=True)
        figures["ours_cold"] = statistics.median(ours_runs)
        figures["pip_cold"] = statistics.median(pip_runs)
        options.no_cache = False
        marker = str(time.time())  # a content no earlier run built, so no cache hit
        edit_one_cell(notebook, marker)
        figures["ours_rebuild"] = ours(engine, spec, notebook, options, work / "c2")
        edit_one_cell(app / notebook.name, marker)
        figures["pip_rebuild"] = docker_build(engine, app, pip_tag, no_cache=False)

        base_size = engine.image_info(args.base).size
        files = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        ours_floor = base_size + du(engine, tag, "/opt/venv") + files
        pip_floor = base_size + du(engine, pip_tag, "/venv") + files
        ours_size, pip_size = engine.image_info(tag).size, engine.image_info(pip_tag).size
    print_figures(figures, ours_size, ours_floor, pip_size, pip_floor, args.notebook)
    return 0


def print_figures(f: dict[str, float], ours_size: int, ours_floor: int, pip_size: int,
                  pip_floor: int, notebook: Path) -> None:
    mb = 1e6
    print(f"notebook: {notebook}")
    print(f"{'':28}{'containerize':>14}{'pip Dockerfile':>16}")
    print(f"{'cold build, median (s)':28}{f['ours_cold']:>14.1f}{f['pip_cold']:>16.1f}")
    print(f"{'rebuild after 1 cell (s)':28}{f['ours_rebuild']:>14.1f}{f['pip_rebuild']:>16.1f}")
    print(f"{'image size (MB)':28}{ours_size / mb:>14.1f}{pip_size / mb:>16.1f}")
    print(f"{'floor (MB)':28}{ours_floor / mb:>14.1f}{pip_floor / mb:>16.1f}")
    print(f"{'size / floor':28}{ours_size / ours_floor:>14.3f}{pip_size / pip_floor:>16.3f}")
    print(f"cold build speed-up: {f['pip_cold'] / f['ours_cold']:.2f}x (goal >= 2x); "
          f"rebuild {f['ours_rebuild']:.1f} s (goal < 3 s); "
          f"size {ours_size / ours_floor:.3f}x floor (goal <= 1.1x)")


if __name__ == "__main__":
    sys.exit(main())
