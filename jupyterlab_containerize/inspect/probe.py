"""Run the environment probe in an interpreter (subprocess) or in a live kernel (silently)."""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Optional

from ..defaults import PROBE_TIMEOUT
from ..errors import InterpreterNotFound, KernelNotFound, ProbeFailed
from .kernel_messages import kernel_user_expressions
from .touch_record import RECORD_EXPRESSION, parse_record

DEFAULT_TIMEOUT = PROBE_TIMEOUT  # the admin's c.Containerize.inspect_timeout starts from it
PROBE_SOURCE = (Path(__file__).with_name("probe_script.py")).read_text(encoding="utf-8")

# One expression: exec the probe in a throwaway namespace, so the user's namespace stays untouched.
KERNEL_EXPRESSION = (
    f"__import__('json').dumps((lambda g: (exec({PROBE_SOURCE!r}, g), g['probe']())[1])"
    "({'__name__': '__containerize_probe__'}))"
)


def find_interpreter(python: str) -> str:
    """An absolute path to an existing interpreter, or a clear error."""
    found = shutil.which(python) if os.sep not in python else python
    if not found or not Path(found).exists():
        raise InterpreterNotFound(f"No Python interpreter at '{python}'.")
    return str(Path(found).absolute())


def _interpreter_command(python: str) -> list[str]:
    return [find_interpreter(python), "-c", PROBE_SOURCE]


def _parse(stdout: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(stdout)
    except json.JSONDecodeError as err:
        raise ProbeFailed(f"The probe in {where} did not return JSON: {stdout[:200]!r}") from err
    if not isinstance(data, dict) or "distributions" not in data:
        raise ProbeFailed(f"The probe in {where} returned an unexpected answer.")
    return data


def probe_interpreter(python: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Probe an interpreter by path; runs in a scratch directory so local files cannot shadow stdlib.
    It runs in its own process group: on a timeout the group is killed, children it started included."""
    cmd = _interpreter_command(python)
    with tempfile.TemporaryDirectory(prefix="containerize-probe-") as scratch:
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,  # noqa: S603
                                    cwd=scratch, start_new_session=True)
        except OSError as err:
            raise InterpreterNotFound(f"Cannot run '{python}': {err}") from err
        with proc:
            try:
                stdout, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired as err:
                _kill_group(proc.pid)
                proc.wait()
                raise ProbeFailed(f"The probe in {python} did not answer within {timeout:.0f} s.") from err
    if proc.returncode != 0:
        raise ProbeFailed(
            f"The probe failed in {python}: {stderr.strip().splitlines()[-1:] or ['no output']}",
            detail=stderr[-4000:],
        )
    return _parse(stdout, python)


async def probe_interpreter_async(python: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    cmd = _interpreter_command(python)
    with tempfile.TemporaryDirectory(prefix="containerize-probe-") as scratch:
        try:
            proc = await asyncio.create_subprocess_exec(
                *cmd, cwd=scratch, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as err:
            raise InterpreterNotFound(f"Cannot run '{python}': {err}") from err
        try:
            stdout, stderr = await asyncio.wait_for(proc.communicate(), timeout)
        except asyncio.TimeoutError as err:
            _kill_group(proc.pid)
            with contextlib.suppress(asyncio.TimeoutError):  # closes the pipes the dead group held
                await asyncio.wait_for(proc.communicate(), 5)
            raise ProbeFailed(f"The probe in {python} did not answer within {timeout:.0f} s.") from err
    if proc.returncode != 0:
        raise ProbeFailed(f"The probe failed in {python}.", detail=stderr.decode(errors="replace")[-4000:])
    return _parse(stdout.decode(), python)


def _kill_group(pid: int) -> None:
    """SIGKILL the probe's process group (start_new_session made the probe its leader)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass  # already gone


async def probe_kernel(kernel_manager: Any, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Probe a running kernel through its own connection, with silent=True and no history.

    `kernel_manager` is the jupyter_client manager of one kernel (from the server's
    MappingKernelManager). A busy kernel queues the request; the timeout turns that into ProbeFailed.
    The same request reads the kernel's touch record (None when it is not recording) into "touched".
    """
    answers = await kernel_user_expressions(
        kernel_manager, {"probe": KERNEL_EXPRESSION, "touched": RECORD_EXPRESSION}, timeout
    )
    probe = _parse_kernel_reply({"status": "ok", "user_expressions": {"probe": answers.get("probe", {})}})
    probe["touched"] = parse_record(answers.get("touched"))
    return probe


def _parse_kernel_reply(content: dict[str, Any]) -> dict[str, Any]:
    if content.get("status") != "ok":
        raise ProbeFailed(f"The kernel refused the probe: {content.get('ename')}: {content.get('evalue')}")
    result = content.get("user_expressions", {}).get("probe", {})
    if result.get("status") != "ok":
        raise ProbeFailed(
            f"The probe raised in the kernel: {result.get('ename')}: {result.get('evalue')}",
            detail="\n".join(result.get("traceback", []))[-4000:],
        )
    text = result.get("data", {}).get("text/plain", "")
    try:
        payload = ast.literal_eval(text)
    except (ValueError, SyntaxError) as err:
        raise ProbeFailed("The kernel's probe answer could not be read.") from err
    return _parse(payload, "the kernel")


def kernel_manager_for(mapping_kernel_manager: Any, kernel_id: str) -> Any:
    """The one kernel's manager; KernelNotFound when the server has no such kernel (asked first, so no
    web framework's 404 has to be caught here: jupyter_server's get_kernel raises tornado's HTTPError)."""
    if kernel_id not in mapping_kernel_manager:
        raise KernelNotFound(f"No running kernel with id '{kernel_id}'.")
    try:
        return mapping_kernel_manager.get_kernel(kernel_id)
    except KeyError as err:  # shut down in between
        raise KernelNotFound(f"No running kernel with id '{kernel_id}'.") from err


def interpreter_of_kernelspec(kernel_spec_manager: Any, kernel_name: Optional[str]) -> Optional[str]:
    """The python a kernel spec launches, when its argv names one (ipykernel specs do)."""
    if not kernel_name:
        return None
    try:
        spec = kernel_spec_manager.get_kernel_spec(kernel_name)
    except Exception:
        return None
    argv = list(getattr(spec, "argv", []) or [])
    if not argv or "python" not in Path(argv[0]).name:
        return None
    try:
        return find_interpreter(argv[0])
    except InterpreterNotFound:
        return None


def kernelspec_interpreters(kernel_spec_manager: Any) -> list[str]:
    """The pythons every installed kernel spec launches (those whose argv names one)."""
    try:
        names = list(kernel_spec_manager.find_kernel_specs())
    except Exception:  # an unreadable kernels folder: no kernel interpreters, not a failed request
        return []
    found = (interpreter_of_kernelspec(kernel_spec_manager, name) for name in names)
    return [python for python in found if python]
