"""Packages the kernel had installed from a local folder (`pip install -e .`): their source is copied
into the build-only folder and installed from there, so the image has the code but not the folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..safe_write import copy_file, make_dirs
from ..secret_files import SecretPolicy
from ..spec import Package
from ..validate import safe_package_name
from .context_filter import content_reason, left_out_reason

SKIPPED_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "env", "node_modules", "__pycache__", ".ipynb_checkpoints",
                "build", "dist", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
MAX_SOURCE_BYTES = 200 * 1024 * 1024  # a local package bigger than this is most likely a data folder too


@dataclass
class LocalSources:
    names: list[str] = field(default_factory=list)  # folders under local/, one per package
    warnings: list[str] = field(default_factory=list)


def local_source(pkg: Package) -> Path | None:
    """The folder a local or editable install came from, when it still exists and holds a project."""
    if pkg.source.kind not in ("local", "editable") or not pkg.source.path:
        return None
    path = Path(pkg.source.path)
    marker = any((path / f).is_file() for f in ("pyproject.toml", "setup.py", "setup.cfg"))
    return path if path.is_dir() and marker else None


def copy_local_sources(packages: list[Package], destination: Path, secret_policy: SecretPolicy) -> LocalSources:
    """Each local package's source under `destination`, without what `secret_policy` or the content check
    keeps out (listed in a warning)."""
    out = LocalSources()
    for pkg in packages:
        source = local_source(pkg)
        if source is None:
            continue
        name = safe_package_name(pkg.name)  # canonical, and a safe folder name
        files, secrets = [], []
        for path in _project_files(source):
            reason = left_out_reason(path.relative_to(source).as_posix(), secret_policy) or content_reason(path)
            if reason is None:
                files.append(path)
            elif reason != "version control or cache":
                secrets.append(f"{path.relative_to(source).as_posix()} ({reason})")
        size = sum(p.stat().st_size for p in files)
        if size > MAX_SOURCE_BYTES:
            out.warnings.append(f"{pkg.name}: its source folder {source} holds {size / 1e6:.0f} MB; not copied. "
                                "Publish the package, or make its folder smaller.")
            continue
        for path in files:
            target = destination / name / path.relative_to(source)
            make_dirs(target.parent, base=destination)
            copy_file(path, target)
        out.names.append(name)
        out.warnings.append(f"{pkg.name} {pkg.version}: installed from its source folder {source} "
                            "(a local install no index has)")
        if secrets:
            out.warnings.append(f"{pkg.name}: left out of its source folder: {', '.join(secrets[:10])}; "
                                "secrets stay out of the image")
    return out


def _project_files(root: Path) -> list[Path]:
    files = []
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if any(p in SKIPPED_DIRS or p.endswith(".egg-info") for p in parts) or path.is_symlink():
            continue
        if path.is_file():
            files.append(path)
    return files
