"""Benchmark the serving runtime against Jupyter Kernel Gateway and papermill (prints figures).

    python benchmarks/bench_serve.py [--requests 400] [--image TAG]

One venv (made from /usr/bin/python3 with uv, cached) serves the same scikit-learn notebook three
ways, on 127.0.0.1 only: this runtime (pool 1 and 2), Kernel Gateway's notebook-http mode (from a
generated copy with `# POST /run`), and papermill executing the notebook per request. With
--image, it also times a serve image from `docker run` to a 200 on /health, beside the notebook's
own setup time measured in that image. Not a test: it asserts nothing, it prints.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jupyterlab_containerize.serve.bundle import write_runtime  # noqa: E402

NOTEBOOK = ROOT / "tests" / "serve" / "fixtures" / "model.ipynb"
CACHE = Path.home() / ".cache" / "jupyterlab-containerize-tests"
PACKAGES = ["tornado", "jupyter_client", "ipykernel", "nbformat", "scikit-learn", "jupyter_kernel_gateway",
            "papermill"]
BODIES = [json.dumps({"features": f}).encode() for f in
          ([5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5])]
CLIENTS = 4  # concurrent keep-alive connections for the throughput runs


def bench_venv() -> Path:
    venv = CACHE / "bench-serve"
    if not (venv / ".complete").exists():
        uv = shutil.which("uv") or "uv"
        subprocess.run([uv, "venv", "-q", "-p", "/usr/bin/python3", str(venv)], check=True)  # noqa: S603
        subprocess.run([uv, "pip", "install", "-q", "--python", str(venv / "bin" / "python"), *PACKAGES],  # noqa: S603
                       check=True)
        (venv / ".complete").touch()
    return venv / "bin" / "python"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(port: int, path: str, timeout: float = 120) -> float:
    """Seconds until GET path answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"nothing answered 200 on {port}{path}")


def post_loop(port: int, count: int, latencies: list[float], check: Callable[[bytes], None]) -> None:
    """`count` POST /run on one keep-alive connection, appending each latency."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for n in range(count):
        body = BODIES[n % len(BODIES)]
        started = time.perf_counter()
        conn.request("POST", "/run", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            raise RuntimeError(f"{response.status}: {data[:300]!r}")
        check(data)
    conn.close()


def measure(name: str, port: int, requests: int, check: Callable[[bytes], None]) -> dict[str, float]:
    post_loop(port, 30, [], check)  # warm-up
    sequential: list[float] = []
    post_loop(port, requests, sequential, check)
    concurrent: list[float] = []
    per_client = requests // CLIENTS
    threads = [threading.Thread(target=post_loop, args=(port, per_client, concurrent, check))
               for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    figures = {"p50_ms": 1000 * statistics.median(sequential), "p99_ms": 1000 * quantile(sequential, 0.99),
               "rps_1": len(sequential) / sum(sequential), "rps_n": len(concurrent) / elapsed,
               "p50_n_ms": 1000 * statistics.median(concurrent)}
    print(f"{name:28s} p50 {figures['p50_ms']:7.2f} ms  p99 {figures['p99_ms']:7.2f} ms  "
          f"1 client {figures['rps_1']:6.1f} req/s  {CLIENTS} clients {figures['rps_n']:6.1f} req/s "
          f"(p50 {figures['p50_n_ms']:.1f} ms)", flush=True)
    return figures


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check_ours(data: bytes) -> None:
    assert "species" in json.loads(data)["result"]


def check_kg(data: bytes) -> None:
    assert "species" in json.loads(data)


def run_ours(python: Path, pool: int, requests: int, workdir: Path) -> dict[str, float]:
    bundle = workdir / "serve"
    if not bundle.exists():
        write_runtime(bundle)
    port = free_port()
    env = {**os.environ, "CONTAINERIZE_POOL_SIZE": str(pool), "CONTAINERIZE_QUEUE_SIZE": "64"}
    with open(workdir / f"serve-{pool}.log", "w") as log:
        proc = subprocess.Popen([str(python), str(bundle), str(NOTEBOOK), "--port", str(port)],  # noqa: S603
                                stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        ready = wait_http(port, "/health")
        print(f"  (this runtime, pool {pool}: ready {ready:.2f} s after start)", flush=True)
        return measure(f"this runtime, pool {pool}", port, requests, check_ours)
    finally:
        proc.terminate()
        proc.wait(20)


def run_kernel_gateway(python: Path, requests: int, workdir: Path) -> dict[str, float]:
    notebook = workdir / "model_kg.ipynb"
    notebook.write_text(kg_notebook(NOTEBOOK))
    port = free_port()
    args = [str(python), "-m", "kernel_gateway", "--KernelGatewayApp.api=kernel_gateway.notebook_http",
            f"--KernelGatewayApp.seed_uri={notebook}", "--KernelGatewayApp.ip=127.0.0.1",
            f"--KernelGatewayApp.port={port}"]
    with open(workdir / "kg.log", "w") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=str(workdir))  # noqa: S603
    try:
        ready = wait_for_post(port)
        print(f"  (Kernel Gateway: ready {ready:.2f} s after start)", flush=True)
        return measure("Kernel Gateway notebook-http", port, requests, check_kg)
    finally:
        proc.terminate()
        proc.wait(20)


def wait_for_post(port: int, timeout: float = 120) -> float:
    """KG has no health endpoint: poll POST /run until it answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            post_loop(port, 1, [], check_kg)
            return time.monotonic() - started
        except (OSError, RuntimeError, ValueError):
            time.sleep(0.05)
    raise RuntimeError("Kernel Gateway did not answer")


def run_papermill(python: Path, runs: int, workdir: Path) -> dict[str, float]:
    """papermill.execute_notebook per request, in the same venv; timed inside one driver process."""
    driver = (
        "import json, sys, time, papermill\n"
        "times = []\n"
        f"for n in range({runs} + 1):\n"
        "    started = time.perf_counter()\n"
        f"    papermill.execute_notebook({str(NOTEBOOK)!r}, {str(workdir / 'out.ipynb')!r},\n"
        "        parameters={'features': [6.7, 3.0, 5.2, 2.3]}, progress_bar=False, log_output=False)\n"
        "    times.append(time.perf_counter() - started)\n"
        "print(json.dumps(times[1:]))\n"  # the first run also pays the imports' disk cache
    )
    done = subprocess.run([str(python), "-c", driver], capture_output=True, text=True, check=True,  # noqa: S603
                          cwd=str(workdir))
    times = json.loads(done.stdout.strip().splitlines()[-1])
    figures = {"p50_ms": 1000 * statistics.median(times), "p99_ms": 1000 * max(times),
               "rps_1": len(times) / sum(times)}
    print(f"{'papermill per request':28s} p50 {figures['p50_ms']:7.0f} ms  max {figures['p99_ms']:7.0f} ms  "
          f"1 client {figures['rps_1']:6.2f} req/s  ({runs} runs)", flush=True)
    return figures


def run_image(tag: str, tries: int = 3) -> Optional[dict[str, float]]:
    """docker run -> 200 on /health, and the notebook's setup cells alone in the same image."""
    docker = shutil.which("docker")
    if not docker:
        print("no docker: image start not measured")
        return None
    script = setup_timer_script("/home/jovyan/work/" + NOTEBOOK.name)
    setups, readies = [], []
    for _ in range(tries):
        done = subprocess.run([docker, "run", "--rm", "--entrypoint", "/opt/venv/bin/python", tag, "-c", script],  # noqa: S603
                              capture_output=True, text=True, check=True)
        setups.append(float(done.stdout.strip().splitlines()[-1]))
        port = free_port()
        started = time.monotonic()
        cid = subprocess.run([docker, "run", "-d", "-p", f"127.0.0.1:{port}:8080", tag], capture_output=True,  # noqa: S603
                             text=True, check=True).stdout.strip()
        try:
            wait_http(port, "/health")
            readies.append(time.monotonic() - started)
        finally:
            subprocess.run([docker, "rm", "-f", cid], capture_output=True, check=False)  # noqa: S603
    setup, ready = statistics.median(setups), statistics.median(readies)
    print(f"image {tag}: docker run -> ready {ready:.2f} s (median of {tries}); the notebook's setup "
          f"alone {setup:.2f} s; overhead {ready - setup:.2f} s (goal <= 3 s)", flush=True)
    return {"ready_s": ready, "setup_s": setup}


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def kg_notebook(path: Path) -> str:
    """Kernel Gateway's notebook-http flavour: setup cells as they are, then one `# POST /run` cell
    holding the parameters defaults, the request body's overrides and the per-request cells; the
    response is what that cell prints (the JSON of `result`)."""
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    split = next(i for i, c in enumerate(code) if "parameters" in _tags(c))
    handler = "\n".join([
        "# POST /run",
        "import json as _json",
        _source(code[split]),
        "globals().update(_json.loads(REQUEST).get('body') or {})",
        *(_source(c) for c in code[split + 1:]),
        "print(_json.dumps(result))",
    ])
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
              "source": _source(c)} for c in code[:split]]
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": handler})
    return json.dumps({"cells": cells, "metadata": nb.get("metadata", {}), "nbformat": 4, "nbformat_minor": 5})


def setup_timer_script(notebook: str) -> str:
    """Python source that runs only the cells before `parameters` and prints their seconds."""
    return (
        "import json, time\n"
        f"nb = json.load(open({notebook!r}))\n"
        "code = [c for c in nb['cells'] if c['cell_type'] == 'code']\n"
        "ns = {}\n"
        "started = time.perf_counter()\n"
        "for c in code:\n"
        "    if 'parameters' in c.get('metadata', {}).get('tags', []):\n"
        "        break\n"
        "    src = c['source']\n"
        "    exec(''.join(src) if isinstance(src, list) else src, ns)\n"
        "print(time.perf_counter() - started)\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="per measurement (default 400)")
    parser.add_argument("--papermill-runs", type=int, default=5)
    parser.add_argument("--image", help="a serve image of tests/serve/fixtures/model.ipynb to time")
    args = parser.parse_args()
    python = bench_venv()
    print(f"{os.cpu_count()} CPUs; {sys.platform}; venv {python}; {args.requests} requests each; "
          f"{CLIENTS} clients for throughput", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        workdir = Path(tmp)
        kg = run_kernel_gateway(python, args.requests, workdir)
        ours = {pool: run_ours(python, pool, args.requests, workdir) for pool in (1, 2)}
        run_papermill(python, args.papermill_runs, workdir)
    print(f"p50 vs Kernel Gateway: pool 1 {ours[1]['p50_ms'] / kg['p50_ms']:.2f}x, "
          f"pool 2 {ours[2]['p50_ms'] / kg['p50_ms']:.2f}x (goal <= 1.0x)")
    print(f"throughput vs Kernel Gateway ({CLIENTS} clients): pool 1 {ours[1]['rps_n'] / kg['rps_n']:.2f}x, "
          f"pool 2 {ours[2]['rps_n'] / kg['rps_n']:.2f}x (goal >= 1.6x with pool 2)")
    if args.image:
        run_image(args.image)


if __name__ == "__main__":
    main()
