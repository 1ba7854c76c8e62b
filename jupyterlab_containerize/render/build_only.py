"""The build-only folder (.containerize-build/): what makes the environment, and never ships.

env.sh reads the CA bundle, proxies and index URLs from files at run time, so no value is in the
Dockerfile, a RUN line, `docker history` or a layer of the final image.
"""

from __future__ import annotations

import importlib.metadata
import json
from pathlib import Path
from typing import Optional

from ..layout import BUILD_ONLY, CONTEXT_FOLDER, IMAGE_FILES, VENV
from ..safe_write import copy_file, make_dirs, write_text
from ..spec import EnvironmentSpec
from ..validate import safe_env_key, safe_kernel_name, safe_version
from .buildenv import BuildEnvironment, build_stage_compilers
from .install_script import InstallPlan, render_install_script, render_user_script
from .local_sources import copy_local_sources
from .quoting import shell_word
from .requirements import Requirements

FOLDER = CONTEXT_FOLDER
FILES_DIR = IMAGE_FILES
HASHED_FILE = "hashed-requirements.txt"
CA_VARS = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


def write_build_only(folder: Path, spec: EnvironmentSpec, reqs: Requirements,
                     env: BuildEnvironment) -> list[str]:
    """Returns warnings for the user (local packages installed from their source)."""
    make_dirs(folder)
    local = copy_local_sources(spec.packages, folder / "local")
    _write_env(folder, env)
    files = [("-r", "requirements.txt", reqs.lock_text()),
             ("-r", "runtime-requirements.txt", reqs.runtime_text()),
             ("-c", "runtime-constraints.txt", reqs.constraints_text())]
    for _, name, text in files:
        write_text(folder / name, text)
    hashed = reqs.hashed_text()
    if hashed:
        write_text(folder / HASHED_FILE, hashed)
    kernel = _write_kernelspec(folder, spec.notebook.kernel_name)
    copy_file(FILES_DIR / "sbom.py", folder / "sbom.py")
    copy_file(FILES_DIR / "compile_bytecode.py", folder / "compile_bytecode.py")
    plan = InstallPlan(uv_requirement=uv_pin(), kernel_name=kernel is not None,
                       requirement_files=[(flag, name) for flag, name, text in files if text],
                       keep_ca=env.keep_ca, has_ca=env.ca_bundle is not None,
                       python_version=spec.python.version, local_sources=local.names,
                       build_apt_packages=build_stage_compilers(spec.problems, spec.apt_packages),
                       hashed_requirements=HASHED_FILE if hashed else "")
    write_text(folder / "install.sh", render_install_script(plan))
    write_text(folder / "install-user.sh", render_user_script(list(spec.apt_packages)))
    return local.warnings


def _write_env(folder: Path, env: BuildEnvironment) -> None:
    exports = ["# sourced by install.sh; the values are in files beside it"]
    if env.ca_bundle is not None:
        write_text(folder / "ca.pem", env.ca_pem)
        exports += [f"export {v}={BUILD_ONLY}/ca.pem" for v in CA_VARS]
    values: dict[str, tuple[Optional[str], tuple[str, ...]]] = {
        "index-url": (env.index_url, ("PIP_INDEX_URL", "UV_INDEX_URL")),
        "extra-index-url": (env.extra_index_url, ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL")),
    }
    values.update({f"proxy-{k}": (v, (k,)) for k, v in env.build_args.items()})
    for key, (value, variables) in values.items():
        if value:  # the value stays in its file: the script reads it, never parses it
            write_text(folder / key, value, mode=0o600)
            path = shell_word(f"{BUILD_ONLY}/{key}")
            exports += [f'export {safe_env_key(v)}="$(cat {path})"' for v in variables]
    write_text(folder / "env.sh", "\n".join(exports) + "\n")


def _write_kernelspec(folder: Path, name: Optional[str]) -> Optional[str]:
    """A kernelspec under the notebook's kernel name, so JupyterLab and nbclient find it."""
    kernel = safe_kernel_name(name)
    if not kernel or kernel == "python3":
        return None
    kernel_dir = folder / "kernels" / kernel
    make_dirs(kernel_dir, base=folder)
    kernel_json = {
        "argv": [f"{VENV}/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python ({kernel})",
        "language": "python",
    }
    write_text(kernel_dir / "kernel.json", json.dumps(kernel_json, indent=1))
    return kernel


def uv_pin() -> str:
    """The image is built with the uv this host runs, so a rebuild uses the same installer."""
    try:
        return f"uv=={safe_version(importlib.metadata.version('uv'))}"
    except importlib.metadata.PackageNotFoundError:
        return "uv"
