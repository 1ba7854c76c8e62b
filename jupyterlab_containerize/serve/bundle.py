"""Copy the runtime into a build context, so the image needs no jupyterlab_containerize.

Layout written to DEST: `__main__.py` (a launcher) and `containerize_serve/` (these modules).
`python DEST NOTEBOOK ...` runs the launcher with DEST on sys.path, so the package imports as
`containerize_serve` from there and nowhere else: the kernels' sys.path stays the notebook's own.
"""

from __future__ import annotations

from pathlib import Path

from ..safe_write import copy_file, make_dirs, write_text

PACKAGE = "containerize_serve"
HERE = Path(__file__).parent
# The modules the service runs; bundle.py itself is build-side only.
RUNTIME_MODULES = ("__init__.py", "__main__.py", "app.py", "config.py", "errors.py", "kernel_code.py",
                   "metrics.py", "notebook.py", "openapi.py", "params.py", "pool.py", "request_json.py",
                   "token_source.py", "worker.py")
# What the image's venv must hold for the runtime (and the kernel: ipykernel).
RUNTIME_REQUIREMENTS = ("tornado", "jupyter_client", "ipykernel", "nbformat")
LAUNCHER = '''"""Start the bundled serving runtime: python THIS_FOLDER NOTEBOOK --port 8080."""
import runpy

runpy.run_module("containerize_serve", run_name="__main__", alter_sys=True)
'''


def write_runtime(dest: Path) -> list[Path]:
    """Write the launcher and the package under `dest` (created); returns the files written."""
    package = dest / PACKAGE
    make_dirs(package)
    written = []
    for name in RUNTIME_MODULES:
        copy_file(HERE / name, package / name)
        written.append(package / name)
    write_text(dest / "__main__.py", LAUNCHER)
    return [dest / "__main__.py", *written]
