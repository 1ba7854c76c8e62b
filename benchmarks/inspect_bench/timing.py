"""Timing our inspect paths: warm through a live kernel, in process with an interpreter, and the cold CLI."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from jupyterlab_containerize.secret_files import DEFAULT_POLICY

from .environment import REPO, SetupError, clean_env, last_line
from .notebook import Notebook


@dataclass
class Timing:
    label: str
    samples: list[float]  # wall seconds
    cpu: list[float] = field(default_factory=list)  # CPU seconds of every process involved
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def best(self) -> float:
        return min(self.samples)


def cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished children (subprocess.run)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def process_cpu_seconds(pid: Optional[int]) -> float:
    """CPU time of another running process (the kernel); 0 where it cannot be read."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def timed(fn: Callable[[], Any], runs: int, warmup: int = 1,
          cpu: Callable[[], float] = cpu_seconds) -> tuple[list[float], list[float], Any]:
    result = None
    for _ in range(warmup):
        result = fn()
    samples, cpu_samples = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu()
        result = fn()
        samples.append(time.perf_counter() - start)
        cpu_samples.append(cpu() - start_cpu)
    return samples, cpu_samples, result


async def atimed(fn: Callable[[], Any], runs: int, warmup: int = 1,
                 cpu: Callable[[], float] = cpu_seconds) -> tuple[list[float], list[float], Any]:
    result = None
    for _ in range(warmup):
        result = await fn()
    samples, cpu_samples = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu()
        result = await fn()
        samples.append(time.perf_counter() - start)
        cpu_samples.append(cpu() - start_cpu)
    return samples, cpu_samples, result


async def bench_kernel(notebook: Notebook, python: Path, truth: dict[str, dict[str, Any]],
                       runs: int) -> tuple[list[Timing], dict[str, Any]]:
    """The server case: a running kernel that has run the notebook's imports; inspect through it."""
    from jupyter_client.manager import AsyncKernelManager

    from jupyterlab_containerize.inspect import inspect_notebook_async
    from jupyterlab_containerize.inspect.execute import _InterpreterKernelSpecs

    km = AsyncKernelManager(kernel_spec_manager=_InterpreterKernelSpecs(python=str(python)), kernel_name="bench")
    await km.start_kernel(cwd=str(notebook.path.parent), env=clean_env())
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        imports = [top for top, fact in truth.items() if fact["kind"] in ("package", "stdlib", "local")]
        code = "%matplotlib inline\n" + "\n".join(f"import {top}" for top in imports)
        start = time.perf_counter()
        reply = await kc.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
        import_s = time.perf_counter() - start
        if reply["content"]["status"] != "ok":
            raise SetupError(f"the kernel could not run the notebook's imports: {reply['content'].get('evalue')}")

        kernel_pid = getattr(km.provisioner, "pid", None)

        def both_cpu() -> float:
            return cpu_seconds() + process_cpu_seconds(kernel_pid)

        samples, cpu, spec = await atimed(lambda: inspect_notebook_async(notebook.path, kernel_manager=km,
                                                                         secret_policy=DEFAULT_POLICY), runs,
                                          cpu=both_cpu)
        timings = [Timing("warm inspect (live kernel, server case)", samples, cpu,
                          f"the kernel had run the notebook's imports ({import_s:.1f} s)")]
        timings += await _kernel_breakdown(notebook, km, runs, both_cpu)
        return timings, json.loads(spec.to_json())
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


async def _kernel_breakdown(notebook: Notebook, km: Any, runs: int, cpu: Callable[[], float]) -> list[Timing]:
    """The same work in its parts; internal names, so a rename only drops these lines."""
    try:
        from jupyterlab_containerize.inspect.inspection import _read
        from jupyterlab_containerize.inspect.probe import probe_kernel
        from jupyterlab_containerize.inspect.resolve import ResolveInput, resolve
    except ImportError:
        return []
    read_wall, read_cpu, (_nb, static, info, nb_python) = timed(lambda: _read(notebook.path), runs)
    probe_wall, probe_cpu, probe = await atimed(lambda: probe_kernel(km), runs, cpu=cpu)
    resolve_wall, resolve_cpu, _ = timed(lambda: resolve(ResolveInput(
        static=static, notebook=info, source="kernel", probe=probe, notebook_python=nb_python)), runs)
    return [Timing("  of which: read notebook + static analysis", read_wall, read_cpu),
            Timing("  of which: kernel probe (round trip)", probe_wall, probe_cpu,
                   f"{len(probe.get('distributions', []))} distributions, "
                   f"{len(probe.get('modules', []))} loaded modules"),
            Timing("  of which: resolve", resolve_wall, resolve_cpu)]


def bench_interpreter(notebook: Notebook, python: Path, runs: int) -> list[Timing]:
    from jupyterlab_containerize.inspect import inspect_notebook
    from jupyterlab_containerize.inspect.probe import probe_interpreter

    probe_wall, probe_cpu, _ = timed(lambda: probe_interpreter(str(python)), runs)
    wall, cpu, _ = timed(lambda: inspect_notebook(notebook.path, python=str(python),
                                                  secret_policy=DEFAULT_POLICY), runs)
    return [Timing("inspect_notebook(python=PY), in process", wall, cpu),
            Timing("  of which: interpreter probe (subprocess)", probe_wall, probe_cpu)]


def bench_cli(notebook: Notebook, python: Path, runs: int) -> tuple[Timing, dict[str, Any]]:
    cmd = [sys.executable, "-m", "jupyterlab_containerize", "inspect", str(notebook.path),
           "--python", str(python), "--json"]
    samples, cpu, spec = [], [], {}
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=str(REPO))  # noqa: S603
        samples.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
        if done.returncode != 0:
            raise SetupError(f"the CLI failed: {last_line(done.stderr)}")
        spec = json.loads(done.stdout)
    return Timing("cold CLI: python -m jupyterlab_containerize inspect --python PY --json", samples, cpu), spec
