"""Write the build context: Dockerfile, requirements, notebook, data files, build-only settings."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from .. import __version__
from ..errors import UnsafeValue
from ..paths import is_within
from ..serve.bundle import write_runtime
from ..spec import EnvironmentSpec
from .base_image import choose_base_image
from .buildenv import BuildEnvironment, build_environment
from .context_filter import is_secret, render_dockerignore
from .dockerfile import LABEL_PREFIX, SBOM_PATH, VENV, DockerfilePlan, render_dockerfile
from .options import BuildOptions
from .requirements import build_requirements
from .safety import safe_file_name, safe_kernel_name, safe_version

FILES_DIR = Path(__file__).parent / "files"
# The build-only CA bundle matches *.pem, but the builder stage needs it.
ALWAYS_SENT = [".containerize-build/ca.pem"]


@dataclass
class RenderedContext:
    directory: Path
    dockerfile: str
    base_image: str
    notebook_name: str
    notebook_sha256: str
    labels: dict[str, str]
    build_args: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # data files and modules copied, relative
    warnings: list[str] = field(default_factory=list)


def render_context(
    spec: EnvironmentSpec,
    notebook: Path,
    options: BuildOptions,
    directory: Path,
    repins: Optional[dict[str, str]] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> RenderedContext:
    """Fill `directory` (created, must be empty or absent) with everything the build needs."""
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise UnsafeValue(f"{directory} is not empty; give a new or empty folder for the context.")
    name = safe_file_name(notebook.name)
    base = choose_base_image(spec, options.base_image)
    reqs = build_requirements(spec, options.target, repins)
    env = build_environment(options, environ)
    warnings = [f"not installed in the image (local install): {s}" for s in reqs.skipped]

    (directory / "requirements.txt").write_text(reqs.lock_text())
    (directory / "runtime-requirements.txt").write_text(reqs.runtime_text())
    (directory / "runtime-constraints.txt").write_text(reqs.constraints_text())
    _write_build_only(directory / ".containerize-build", env)
    kernel = _write_scripts(directory / "containerize", spec)
    if options.target == "serve":  # the HTTP runtime, self-contained: the image lacks this package
        write_runtime(directory / "containerize" / "serve")
    copied, skipped = _copy_work_files(spec, notebook.parent, directory / "work", options.include)
    warnings += skipped
    shutil.copyfile(notebook, directory / name)
    sha = hashlib.sha256((directory / name).read_bytes()).hexdigest()
    allowed = ALWAYS_SENT + [f"work/{p}" for p in copied]
    (directory / ".dockerignore").write_text(render_dockerignore(allowed))

    labels = image_labels(spec, options, base, name, sha)
    plan = DockerfilePlan(
        base_image=base, target=options.target, notebook_name=name, uv_requirement=_uv_pin(),
        has_lock=bool(reqs.lock), has_runtime=bool(reqs.runtime),
        has_constraints=bool(reqs.constraints), has_work_files=bool(copied),
        keep_ca=env.keep_ca, has_ca=env.ca_bundle is not None, kernel_name=kernel,
        apt_packages=list(spec.apt_packages), env=dict(spec.env), labels=labels,
    )
    dockerfile = render_dockerfile(plan)
    (directory / "Dockerfile").write_text(dockerfile)
    return RenderedContext(directory, dockerfile, base, name, sha, labels, env.build_args,
                           copied, warnings)


def image_labels(
    spec: EnvironmentSpec, options: BuildOptions, base: str, name: str, sha: str
) -> dict[str, str]:
    return {
        "org.opencontainers.image.title": name,
        "org.opencontainers.image.description": f"Notebook {name} ({options.target} image)",
        "org.opencontainers.image.base.name": base,
        f"{LABEL_PREFIX}.version": __version__,
        f"{LABEL_PREFIX}.target": options.target,
        f"{LABEL_PREFIX}.notebook": name,
        f"{LABEL_PREFIX}.notebook.sha256": sha,
        f"{LABEL_PREFIX}.spec.hash": spec.environment_hash(),
        f"{LABEL_PREFIX}.python": spec.python.version or "",
        f"{LABEL_PREFIX}.sbom": SBOM_PATH,
    }


def _write_build_only(folder: Path, env: BuildEnvironment) -> None:
    """Files only the builder stage copies; env.sh reads them at RUN time, so no value is in a layer
    of the final image or in the Dockerfile."""
    folder.mkdir()
    exports = ["# sourced by the builder stage's RUN steps"]
    if env.ca_bundle is not None:
        shutil.copyfile(env.ca_bundle, folder / "ca.pem")
        ca = "/tmp/containerize-build/ca.pem"
        exports += [f"export {v}={ca}" for v in ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")]
    for key, value, variables in (
        ("index-url", env.index_url, ("PIP_INDEX_URL", "UV_INDEX_URL")),
        ("extra-index-url", env.extra_index_url, ("PIP_EXTRA_INDEX_URL", "UV_EXTRA_INDEX_URL")),
    ):
        if value:
            (folder / key).write_text(value)
            exports += [f'export {v}="$(cat /tmp/containerize-build/{key})"' for v in variables]
    (folder / "env.sh").write_text("\n".join(exports) + "\n")


def _write_scripts(folder: Path, spec: EnvironmentSpec) -> Optional[str]:
    """The in-image runner and SBOM writer; a kernelspec under the notebook's kernel name."""
    folder.mkdir()
    for script in ("run_notebook.py", "sbom.py"):
        shutil.copyfile(FILES_DIR / script, folder / script)
    kernel = safe_kernel_name(spec.notebook.kernel_name)
    if not kernel or kernel == "python3":
        return None
    kernel_dir = folder / "kernels" / kernel
    kernel_dir.mkdir(parents=True)
    kernel_json = {
        "argv": [f"{VENV}/bin/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"Python ({kernel})",
        "language": "python",
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(kernel_json, indent=1))
    return kernel


def _copy_work_files(
    spec: EnvironmentSpec, root: Path, dest: Path, include: list[str]
) -> tuple[list[str], list[str]]:
    """Data files and local modules, relative to the notebook; secrets only when named."""
    wanted = list(spec.files) + [m.path for m in spec.local_modules] + list(include)
    named = set(include)
    copied: list[str] = []
    warnings: list[str] = []
    root = root.resolve()
    for entry in dict.fromkeys(wanted):
        source = (root / entry).resolve()
        if not is_within(source, root) or source == root:
            warnings.append(f"skipped {entry}: outside the notebook's folder")
            continue
        if not source.exists():
            warnings.append(f"skipped {entry}: not found (the notebook may create it)")
            continue
        for path in sorted(source.rglob("*")) if source.is_dir() else [source]:
            relative = path.relative_to(root).as_posix()
            if path.is_dir() or path.is_symlink():
                continue
            if is_secret(relative) and entry not in named and relative not in named:
                warnings.append(f"skipped {relative}: looks like a secret (name it to include it)")
                continue
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest / relative)
            copied.append(relative)
    return copied, warnings


def _uv_pin() -> str:
    """The builder installs the uv this host runs, so a rebuild uses the same installer."""
    try:
        return f"uv=={safe_version(importlib.metadata.version('uv'))}"
    except importlib.metadata.PackageNotFoundError:
        return "uv"
