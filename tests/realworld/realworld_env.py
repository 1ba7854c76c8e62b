"""Shared helpers for the real-world suite: fixture venvs (cached, keyed by requirements) and the
author-side execution that produced the saved outputs."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path

from tests.venvs import make_venv as shared_make_venv

FIXTURES_DIR = Path(__file__).parent
BASE_PYTHON = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else shutil.which("python3")
CACHE = Path(os.environ.get("CONTAINERIZE_TEST_CACHE", Path.home() / ".cache" / "jupyterlab-containerize-tests"))


def requirements_of(folder: Path) -> list[str]:
    """The fixture's requirements; `-e .` (the fixture's own project, installed editable) is made absolute."""
    lines = (folder / "requirements.txt").read_text().splitlines()
    reqs = [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    return [f"-e {folder.resolve()}" if r == "-e ." else r for r in reqs]



def cli_env() -> dict[str, str]:
    """The environment for `python -m jupyterlab_containerize ...` as a user runs it: no inherited
    PYTHONPATH or VIRTUAL_ENV, except the checkout under test, so the subprocess runs this code
    (in a git worktree, the shared venv's editable install points at another checkout)."""
    import jupyterlab_containerize

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONPATH"] = str(Path(jupyterlab_containerize.__file__).resolve().parents[1])
    return env


def make_venv(requirements: list[str]) -> Path:
    """A venv from Debian's python3 (the base image's Python) with exactly these requirements."""
    return shared_make_venv(sorted(requirements), BASE_PYTHON, prefix="realworld", prepare=_warm_font_cache)


def _warm_font_cache(python: Path) -> None:
    """Warm matplotlib's font cache as an author's machine would have it (no "building the font cache")."""
    subprocess.run([str(python), "-c", "import importlib.util as u\n"
                    "if u.find_spec('matplotlib'): import matplotlib.pyplot"], check=True)


def fixture_venv(folder: Path) -> Path:
    return make_venv(requirements_of(folder))


def activated_env(python: Path) -> dict[str, str]:
    """The environment of a shell where this venv is activated (as the author ran Jupyter)."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["VIRTUAL_ENV"] = str(python.parent.parent)
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def execute_as_author(notebook: Path, python: Path, timeout: int = 300) -> None:
    """Run the notebook top to bottom in a kernel from `python`; errors are kept, as in a saved
    notebook whose author ran every cell."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    class Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(argv=[str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="Python 3 (ipykernel)", language="python",
                              env={k: v for k, v in activated_env(python).items()
                                   if k in ("PATH", "VIRTUAL_ENV")})

    nb = nbformat.read(notebook, as_version=4)
    km = AsyncKernelManager(kernel_spec_manager=Specs(), kernel_name="python3")
    client = NotebookClient(nb, km=km, timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(notebook.parent)}})
    asyncio.run(client.async_execute())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, notebook)
