"""The baselines for one notebook: a hand-written pip Dockerfile (Docker's Python guide) and a uv one
(uv's Docker guide, without BuildKit cache mounts, which docker-py's classic builder lacks), with the
same pins and the same files as ours."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.builder.environment_image import host_uv
from jupyterlab_containerize.render.context import RenderedContext

REQUIREMENTS = ("requirements.txt", "runtime-requirements.txt", "runtime-constraints.txt")
APT = """RUN apt-get update && apt-get install -y --no-install-recommends {packages} && rm -rf /var/lib/apt/lists/*
"""
PIP = """\
FROM {base}
{apt}COPY ca.pem /etc/ssl/certs/bench-ca.pem
WORKDIR /app
COPY requirements.txt runtime-requirements.txt runtime-constraints.txt ./
RUN python3 -m venv /venv && PIP_CERT=/etc/ssl/certs/bench-ca.pem /venv/bin/pip install \\
    --no-cache-dir -r requirements.txt -r runtime-requirements.txt -c runtime-constraints.txt
COPY . .
CMD ["/venv/bin/jupyter", "lab", "--ip=0.0.0.0", "--no-browser", "{notebook}"]
"""
UV = """\
FROM {base}
{apt}COPY uv /bin/uv
COPY ca.pem /etc/ssl/certs/bench-ca.pem
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1
WORKDIR /app
COPY requirements.txt runtime-requirements.txt runtime-constraints.txt ./
RUN SSL_CERT_FILE=/etc/ssl/certs/bench-ca.pem uv venv /venv --python python3 && \\
    SSL_CERT_FILE=/etc/ssl/certs/bench-ca.pem uv pip install --python /venv/bin/python \\
    -r requirements.txt -r runtime-requirements.txt -c runtime-constraints.txt
COPY . .
CMD ["/venv/bin/jupyter", "lab", "--ip=0.0.0.0", "--no-browser", "{notebook}"]
"""


def baseline_context(rendered: RenderedContext, kind: str, folder: Path) -> Path:
    """Our rendered lock, notebook and data files, laid out for a hand-written Dockerfile; the
    system packages ours installs, with apt-get first, as such Dockerfiles do."""
    folder.mkdir(parents=True)
    for name in REQUIREMENTS:
        shutil.copyfile(rendered.directory / ".containerize-build" / name, folder / name)
    if (rendered.directory / "work").is_dir():
        shutil.copytree(rendered.directory / "work", folder, dirs_exist_ok=True)
    shutil.copyfile(rendered.directory / rendered.notebook_name, folder / Path(rendered.notebook_name).name)
    shutil.copyfile("/etc/ssl/certs/ca-certificates.crt", folder / "ca.pem")
    template = PIP if kind == "pip" else UV
    if kind == "uv":
        uv = host_uv()
        if uv is None:
            raise SystemExit("the uv Dockerfile needs this host's uv binary (Linux)")
        shutil.copyfile(uv, folder / "uv")
        (folder / "uv").chmod(0o755)
    apt = APT.format(packages=" ".join(sorted(rendered.apt_packages))) if rendered.apt_packages else ""
    (folder / "Dockerfile").write_text(template.format(base=rendered.base_image, notebook=rendered.notebook_name,
                                                       apt=apt))
    return folder


def docker_build(engine: DockerEngine, context: Path, tag: str) -> float:
    start = time.monotonic()
    engine.build(context, tag, {}, _fail_on_error, threading.Event(), no_cache=True)
    return time.monotonic() - start


def _fail_on_error(line: dict[str, Any]) -> None:
    if "error" in line:
        raise SystemExit(f"baseline build failed: {line['error']}")
