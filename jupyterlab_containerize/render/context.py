"""Write the build context: Dockerfile, requirements, notebook, data files, build-only settings."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from .. import __version__
from ..confine import MAX_LEVELS_UP, confined_sources, default_root, is_within
from ..errors import SecretNotAllowed, UnsafeValue
from ..gpu import START_CHECK_SCRIPT
from ..gpu.apply import wants_gpu_check
from ..layout import LABEL_PREFIX, SBOM_PATH
from ..options import BuildOptions
from ..safe_write import append_text, copy_file, make_dirs, write_text
from ..secret_files import SecretPolicy
from ..serve.bundle import write_runtime
from ..spec import EnvironmentSpec
from ..validate import is_single_line, safe_file_name
from .base_image import choose_base_image
from .build_only import FILES_DIR, FOLDER, write_build_only
from .buildenv import build_environment
from .context_filter import ALLOW_HINT, allowed_secret_paths, content_reason, left_out_reason, render_dockerignore
from .dockerfile import DockerfilePlan, copy_steps, render_dockerfile, render_engine_dockerfile
from .layer_archive import ARCHIVES_DIR, CopyStep, write_layer_archive
from .program_check import write_program_check
from .requirements import build_requirements

# The build-only CA bundle matches *.pem, but the builder stage needs it.
ALWAYS_SENT = [".containerize-build/ca.pem"]
NOTEBOOKS_DIR = "notebooks"  # a project's notebooks in the context, copied to the work folder last


@dataclass
class RenderedContext:
    directory: Path
    dockerfile: str
    base_image: str
    notebook_name: str
    notebook_sha256: str
    labels: dict[str, str]
    plan: DockerfilePlan
    build_args: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # data files and modules copied, relative
    warnings: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)  # every notebook, as named under the work folder
    apt_packages: list[str] = field(default_factory=list)  # what the environment's reuse must match


def render_context(
    spec: EnvironmentSpec,
    notebook: Path,
    options: BuildOptions,
    directory: Path,
    repins: Optional[dict[str, str]] = None,
    environ: Optional[Mapping[str, str]] = None,
    root: Optional[Path] = None,
) -> RenderedContext:
    """Fill `directory` (created, must be empty or absent) with everything the build needs.

    `root`: nothing outside it is copied (REST: the server's root, local package sources included);
    None: the CLI's root (confine.default_root) for data files and modules."""
    dropped: list[str] = []
    if root is not None:
        spec, dropped = confined_sources(spec, root.resolve())
    project = project_root(spec, notebook, (root or default_root(notebook)).resolve())
    # the notebook keeps its place in the project (notebooks/x.ipynb beside data/ and src/)
    name = _name_in(notebook, project)
    return _render(spec, options, directory, repins, environ, project, notebook.parent, {name: notebook},
                   dropped=dropped)


def render_project_context(
    spec: EnvironmentSpec,
    folder: Path,
    notebooks: list[Path],
    options: BuildOptions,
    directory: Path,
    repins: Optional[dict[str, str]] = None,
    environ: Optional[Mapping[str, str]] = None,
) -> RenderedContext:
    """A project's context: every notebook in its place under the folder, the files they read
    (the union spec's paths, relative to the folder, which confines them), one environment.
    Local package sources outside the folder are left out too."""
    folder = folder.resolve()
    named = {}
    for notebook in notebooks:
        if not is_within(notebook.resolve(), folder):
            raise UnsafeValue(f"{notebook} is outside the project folder {folder}.")
        named[_name_in(notebook, folder)] = notebook
    spec, dropped = confined_sources(spec, folder)
    return _render(spec, options, directory, repins, environ, folder, folder, named, project=True, dropped=dropped)


def _render(spec: EnvironmentSpec, options: BuildOptions, directory: Path, repins: Optional[dict[str, str]],
            environ: Optional[Mapping[str, str]], root: Path, files_from: Path, notebooks: dict[str, Path],
            project: bool = False, dropped: Optional[list[str]] = None) -> RenderedContext:
    make_dirs(directory)
    if any(directory.iterdir()):
        raise UnsafeValue(f"{directory} is not empty; give a new or empty folder for the context.")
    dropped = dropped or []
    base = choose_base_image(spec, options.base_image)
    reqs = build_requirements(spec, options.target, repins)
    env = build_environment(options, environ)
    warnings = dropped + [f"not installed in the image (local install): {s}" for s in reqs.skipped]

    warnings += write_build_only(directory / FOLDER, spec, reqs, env, options.secret_policy)
    _write_scripts(directory / "containerize")
    if options.target == "serve":  # the HTTP runtime, self-contained: the image lacks this package
        write_runtime(directory / "containerize" / "serve")
    allowed = allowed_secret_paths(files_from, spec.allowed_secret_files)
    copied, skipped = _copy_work_files(spec, files_from, root, directory / "work", options.include, allowed,
                                       secret_policy=options.secret_policy)
    warnings += skipped
    staged = directory / NOTEBOOKS_DIR if project else directory
    for name, notebook in notebooks.items():
        _refuse_secret_notebook(notebook, name, allowed)
        make_dirs((staged / name).parent, base=directory)
        copy_file(notebook, staged / name)
    name = next(iter(notebooks))
    sha = spec.notebook.sha256 if project else hashlib.sha256((directory / name).read_bytes()).hexdigest()
    write_text(directory / ".dockerignore", render_dockerignore(ALWAYS_SENT + [f"work/{p}" for p in copied],
                                                             options.secret_policy))

    title = spec.notebook.path if project else name
    labels = image_labels(spec, options, base, title, sha)
    if project:
        labels[f"{LABEL_PREFIX}.notebooks"] = json.dumps(list(notebooks))
    plan = DockerfilePlan(
        base_image=base, target=options.target, notebook_name=name, has_work_files=bool(copied),
        keep_ca=env.keep_ca and env.ca_bundle is not None, env=dict(spec.env), labels=labels,
        gpu_check=wants_gpu_check(spec), program_check=write_program_check(spec, directory / "containerize"),
        notebooks_dir=NOTEBOOKS_DIR if project else None,
    )
    if plan.gpu_check:
        copy_file(START_CHECK_SCRIPT, directory / "containerize" / "gpu_check.py")
    dockerfile = render_dockerfile(plan)
    write_text(directory / "Dockerfile", dockerfile)
    return RenderedContext(directory, dockerfile, base, name, sha, labels, plan, env.build_args,
                           copied, warnings, notebooks=list(notebooks), apt_packages=list(spec.apt_packages))


def _name_in(notebook: Path, root: Path) -> str:
    subdir = notebook.parent.resolve().relative_to(root).parts
    return "/".join([*(safe_file_name(part) for part in subdir), safe_file_name(notebook.name)])


def use_environment_image(context: RenderedContext, env_image: str,
                          base_entrypoint: Optional[list[str]]) -> None:
    """Switch the context to the engine rendering: FROM the committed environment image, each COPY
    an ADD of its normalised archive (the same files give the same layer), and neither the
    build-only folder nor the files the archives hold are sent to the engine. The portable
    Dockerfile stays beside it."""
    portable = (context.directory / "Dockerfile").read_text(encoding="utf-8")
    write_text(context.directory / "Dockerfile.portable", portable)
    context.plan.layer_archives = True
    sources = _write_layer_archives(context.directory, copy_steps(context.plan))
    context.dockerfile = render_engine_dockerfile(context.plan, env_image, base_entrypoint)
    write_text(context.directory / "Dockerfile", context.dockerfile)
    append_text(context.directory / ".dockerignore", "".join(f"{line}\n" for line in
                                                             [FOLDER, "Dockerfile.portable", *sources]))


def _write_layer_archives(directory: Path, steps: list[CopyStep]) -> list[str]:
    """ARCHIVES_DIR/N.tar for the Nth step; the context paths they were made from."""
    make_dirs(directory / ARCHIVES_DIR)
    for number, step in enumerate(steps, start=1):
        write_layer_archive(directory, step, directory / ARCHIVES_DIR / f"{number}.tar")
    return sorted({source.rstrip("/") for step in steps for source in step.sources})


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


def _write_scripts(folder: Path) -> None:
    """The in-image runner (batch entrypoint and --verify)."""
    make_dirs(folder)
    copy_file(FILES_DIR / "run_notebook.py", folder / "run_notebook.py", mode=0o644)


def project_root(spec: EnvironmentSpec, notebook: Path, limit: Path) -> Path:
    """The notebook's folder, or the parent its files reach with ../ (inspect bounds how far), never
    above `limit`."""
    entries = list(spec.files) + [m.path for m in spec.local_modules]
    levels = min(max((_leading_ups(e) for e in entries), default=0), MAX_LEVELS_UP)
    root = notebook.parent.resolve()
    for _ in range(levels):
        if root == limit or not is_within(root.parent, limit):
            break
        root = root.parent
    return root


def _leading_ups(entry: str) -> int:
    parts = Path(entry).parts
    return next((i for i, part in enumerate(parts) if part != ".."), len(parts))


def _refuse_secret_notebook(notebook: Path, name: str, allowed: set[Path]) -> None:
    """The notebook must go in: one that holds a secret stops the build instead."""
    reason = None if notebook.resolve() in allowed else content_reason(notebook)
    if reason:
        raise SecretNotAllowed(f"{name} {reason}: it would be copied into the image.",
                               hint=f"Read the secret from an environment variable at run time; {ALLOW_HINT}.")


def _copy_work_files(
    spec: EnvironmentSpec, notebook_dir: Path, root: Path, dest: Path, include: list[str],
    allowed: set[Path] = frozenset(),  # type: ignore[assignment]
    *, secret_policy: SecretPolicy,
) -> tuple[list[str], list[str]]:
    """Data files and local modules (paths relative to the notebook), copied relative to the
    project root. Every file, inside named folders too, is checked by name and by content: a file
    named itself with --include skips the name check only (the CLI user's choice), and a file in
    `allowed` (spec.allowed_secret_files) skips the content check only. Warnings list what stayed out."""
    root, notebook_dir = root.resolve(), notebook_dir.resolve()
    named = _named_paths(notebook_dir, include)
    copied: list[str] = []
    seen: set[str] = set()
    warnings: list[str] = []
    for entry in dict.fromkeys([*spec.files, *(m.path for m in spec.local_modules), *include]):
        if not is_single_line(entry) or not entry:  # a NUL or a newline is no path on any disk
            warnings.append(f"skipped {entry!r}: not a file name (a newline or control character)")
            continue
        try:
            source = (notebook_dir / entry).resolve()
            found = source.exists()
        except OSError as err:  # e.g. a name longer than the file system takes
            warnings.append(f"skipped {entry!r}: {err.strerror}")
            continue
        if not is_within(source, root) or source == root:
            warnings.append(f"skipped {entry}: outside the notebook's folder and its project")
            continue
        if not found:
            warnings.append(f"skipped {entry}: not found (the notebook may create it)")
            continue
        left_out: list[str] = []
        for path in sorted(source.rglob("*")) if source.is_dir() else [source]:
            relative = path.relative_to(root).as_posix()
            if path.is_dir() or path.is_symlink() or relative in seen or not is_within(path.resolve(), root):
                continue
            if not is_single_line(relative):  # it would split .dockerignore's lines
                warnings.append(f"skipped {relative!r}: its name holds a newline or control character")
                continue
            # a folder named with --include is filtered like any other: only a file named itself skips names
            reason = None if path == source and path in named else left_out_reason(relative, secret_policy)
            if reason is None and path.resolve() not in allowed:
                reason = content_reason(path)
            if reason and (reason != "version control or cache" or entry in include):
                left_out.append(f"{relative} ({reason})")  # VCS internals are said when asked for
            if reason:
                continue
            make_dirs((dest / relative).parent, base=dest.parent)
            copy_file(path, dest / relative)
            copied.append(relative)
            seen.add(relative)
        if left_out:
            warnings.append(_left_out_warning(entry, source.is_dir(), left_out))
    return copied, warnings


def _named_paths(notebook_dir: Path, include: list[str]) -> set[Path]:
    named = set()
    for entry in include:
        try:
            named.add((notebook_dir / entry).resolve())
        except (OSError, ValueError):  # a NUL or an over-long name: reported when it is copied
            continue
    return named


def _left_out_warning(entry: str, folder: bool, left_out: list[str]) -> str:
    if not folder:
        return (f"skipped {left_out[0]}: a secret stays out of the image ({ALLOW_HINT}; a name on the list: "
                "include it by name)")
    shown = ", ".join(left_out[:10]) + (f" and {len(left_out) - 10} more" if len(left_out) > 10 else "")
    return (f"left out of {entry}: {shown}; secrets stay out of the image ({ALLOW_HINT}; a name on the "
            "list: include it by name)")
