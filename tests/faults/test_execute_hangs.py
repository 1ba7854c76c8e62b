"""`inspect --execute` ends on time however the notebook or its kernel hangs (issue 23).

Real kernels: a cell that sleeps forever, a run whose cells together pass the deadline, a kernel
that never starts, and the CLI in a subprocess whose pipes a process started by the notebook
would otherwise hold open.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jupyterlab_containerize.errors import ContainerizeError, ExecutionFailed
from jupyterlab_containerize.inspect.execute import execute_and_probe
from jupyterlab_containerize.secret_files import DEFAULT_POLICY
from tests.venvs import make_venv

pytestmark = pytest.mark.integration
PROBE = {"distributions": [{"name": "ipykernel"}]}


@pytest.fixture(scope="module")
def kernel_python() -> str:
    return str(make_venv(["ipykernel==6.29.5"], "/usr/bin/python3", prefix="faults-venv"))


def notebook(folder: Path, *cells: str) -> tuple[Path, dict]:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}},
          "cells": [{"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": src, "outputs": [],
                     "execution_count": None} for i, src in enumerate(cells)]}
    path = folder / "hangs.ipynb"
    path.write_text(json.dumps(nb))
    return path, nb


def pids_of(marker: str) -> list[str]:
    done = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False)  # noqa: S607
    return done.stdout.split()


def kernels_of_this_process() -> list[str]:
    done = subprocess.run(["pgrep", "-P", str(os.getpid()), "-f", "ipykernel_launcher"],  # noqa: S603,S607
                          capture_output=True, text=True, check=False)
    return done.stdout.split()


def test_a_cell_that_sleeps_forever_is_stopped_and_the_kernel_still_probed(tmp_path, kernel_python):
    path, nb = notebook(tmp_path, "import json", "import time\ntime.sleep(10**6)", "print('never')")
    started = time.monotonic()
    result = execute_and_probe(path, nb, kernel_python, PROBE, cell_timeout=3, total_timeout=60,
                               secret_policy=DEFAULT_POLICY)
    assert time.monotonic() - started < 40
    stopped = [p for p in result.problems if p.kind == "execution-stopped"]
    assert stopped and stopped[0].cell == 1 and "cell 2" in stopped[0].message
    assert result.probe["executed"] and "json" in json.dumps(result.probe)
    assert kernels_of_this_process() == []  # killed at the end, not left running until pytest exits


def test_the_whole_run_has_one_deadline(tmp_path, kernel_python):
    # each cell is inside its own limit; together they are not
    path, nb = notebook(tmp_path, *["import time\ntime.sleep(3)"] * 10)
    started = time.monotonic()
    with pytest.raises(ExecutionFailed) as caught:
        execute_and_probe(path, nb, kernel_python, PROBE, cell_timeout=30, total_timeout=12,
                          secret_policy=DEFAULT_POLICY)
    assert time.monotonic() - started < 30
    message = caught.value.message
    assert "did not end within 12 s" in message and "running cell" in message and "\n" not in message


def test_a_kernel_that_hangs_at_startup_is_killed(tmp_path):
    marker = f"containerize-hung-kernel-{os.getpid()}"
    fake = tmp_path / "python"
    fake.write_text(f"#!/bin/bash\nexec -a {marker} sleep 100000\n")
    fake.chmod(0o755)
    path, nb = notebook(tmp_path, "print(1)")
    started = time.monotonic()
    with pytest.raises(ExecutionFailed) as caught:
        execute_and_probe(path, nb, str(fake), PROBE, total_timeout=8, secret_policy=DEFAULT_POLICY)
    assert time.monotonic() - started < 25
    assert "starting the kernel" in caught.value.message
    time.sleep(0.5)
    assert pids_of(marker) == []


def test_the_cli_ends_although_the_notebook_left_a_process_behind(tmp_path, kernel_python):
    """A process the notebook starts inherits the kernel's output: not the CLI's pipes, so a caller
    that reads them to their end is not kept waiting; the kernel's process group is killed."""
    marker = f"containerize-orphan-{os.getpid()}"
    orphan = f"import subprocess\nsubprocess.Popen(['bash', '-c', 'exec -a {marker} sleep 100000'])"
    path, _ = notebook(tmp_path, orphan, "import time\ntime.sleep(10**6)")
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "jupyterlab_containerize", "inspect", str(path), "--python", kernel_python,
         "--execute", "--execute-timeout", "10", "--json"],
        capture_output=True, text=True, timeout=120,
    )
    assert time.monotonic() - started < 60
    assert done.returncode != 0 and "did not end within 10 s" in done.stderr
    assert "Traceback" not in done.stderr
    time.sleep(0.5)
    assert pids_of(marker) == []


def test_a_kernel_that_died_first_still_takes_its_processes_with_it(tmp_path, kernel_python):
    """The kernel's process group outlives a kernel that exits: it is killed all the same."""
    marker = f"containerize-orphan-dead-{os.getpid()}"
    orphan = f"import subprocess\nsubprocess.Popen(['bash', '-c', 'exec -a {marker} sleep 100000'])"
    path, nb = notebook(tmp_path, orphan, "import os\nos._exit(1)")
    with pytest.raises(ContainerizeError):  # the probe gets no answer from a dead kernel
        execute_and_probe(path, nb, kernel_python, PROBE, probe_timeout=5, total_timeout=30,
                          secret_policy=DEFAULT_POLICY)
    time.sleep(0.5)
    assert pids_of(marker) == []
    assert kernels_of_this_process() == []
