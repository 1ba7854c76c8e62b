"""Project builds: a folder of notebooks that ran in one kernel environment -> one image.

Every notebook is inspected with the same interpreter (--python, else its kernel spec's), and the
locks are merged into one spec: the union of the pins. Normally they agree (one environment ran
them all); a real conflict, the same distribution at two versions, is reported with the notebooks
on each side. The files each notebook reads are re-rooted at the folder, which confines them.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from packaging.utils import canonicalize_name

from ..confine import is_within
from ..errors import InvalidRequest, NotebookNotFound, ProjectConflict
from ..render.local_sources import SKIPPED_DIRS
from ..spec import EnvironmentSpec, GpuInfo, LocalModule, NotebookInfo, Package, Problem

MAX_NOTEBOOKS = 200  # a folder with more is most likely a home folder, not a project
Inspect = Callable[[Path], EnvironmentSpec]
Emit = Callable[..., None]
PROJECT_TARGET_HINT = ("A project image is JupyterLab on the folder (--target notebook). For a batch job or a "
                       "service, build that one notebook: it reuses the project's environment, in seconds.")


@dataclass
class Project:
    folder: Path
    notebooks: list[Path]  # absolute, sorted, all inside folder
    specs: list[EnvironmentSpec] = field(default_factory=list)  # one per notebook, same order
    spec: EnvironmentSpec = field(default_factory=EnvironmentSpec)  # the union, once inspected

    def name_of(self, notebook: Path) -> str:
        return notebook.relative_to(self.folder).as_posix()


def find_notebooks(folder: Path) -> list[Path]:
    """The folder's notebooks, sub-folders included; hidden folders, checkpoints, venvs and build
    output skipped, and nothing a symlink leads out of the folder."""
    folder = folder.resolve()
    found = []
    # the folder's own notebooks first, then each sub-folder's: the first is the image's title
    for path in sorted(folder.rglob("*.ipynb"), key=lambda p: (len(p.relative_to(folder).parts), p)):
        parts = path.relative_to(folder).parts
        if any(p.startswith(".") or p in SKIPPED_DIRS for p in parts[:-1]) or parts[-1].startswith("."):
            continue
        if path.is_file() and is_within(path.resolve(), folder):
            found.append(path)
    if not found:
        raise NotebookNotFound(f"No notebooks (*.ipynb) in {folder}.",
                               hint="Give a folder that holds notebooks, or a notebook's path.")
    if len(found) > MAX_NOTEBOOKS:
        raise InvalidRequest(f"{folder} holds {len(found)} notebooks; a project build takes at most {MAX_NOTEBOOKS}.",
                             hint="Give the project's own folder, not a folder above it.")
    return found


def check_project_options(target: str, repair: bool, has_spec: bool) -> None:
    if target != "notebook":
        raise InvalidRequest(f"A folder builds a JupyterLab image of the project; --target {target} "
                             "takes one notebook.", hint=PROJECT_TARGET_HINT)
    if repair:
        raise InvalidRequest("--repair changes one notebook's environment; give a notebook, not a folder.",
                             hint="Repair the notebook that fails on its own, then build the folder again.")
    if has_spec:
        raise InvalidRequest("A spec (--spec, 'spec') is one notebook's; a folder's notebooks are inspected.",
                             hint="Leave the spec out; pass --python PATH of the project's kernel environment.")


def inspect_project(folder: Path, inspect: Inspect, emit: Emit) -> Project:
    """Inspect every notebook (the same interpreter for all: `inspect` decides) and merge."""
    project = Project(folder.resolve(), find_notebooks(folder))
    for number, notebook in enumerate(project.notebooks, 1):
        emit("log", f"Inspecting {project.name_of(notebook)} ({number} of {len(project.notebooks)})")
        project.specs.append(inspect(notebook))
    project.spec = union_spec(project)
    emit("log", f"One environment for {len(project.notebooks)} notebooks: "
                f"{len(project.spec.packages)} pinned distributions")
    return project


def union_spec(project: Project) -> EnvironmentSpec:
    """One spec for every notebook: the union of their pins; conflicts raise ProjectConflict."""
    names = [project.name_of(nb) for nb in project.notebooks]
    specs = project.specs
    conflicts = _python_conflicts(specs, names)
    packages, package_conflicts = _union_packages([s.packages for s in specs], names)
    frontend, frontend_conflicts = _union_packages([s.frontend_packages for s in specs], names)
    env, env_conflicts = _union_env(specs, names)
    conflicts += package_conflicts + frontend_conflicts + env_conflicts
    if conflicts:
        shown = "; ".join(conflicts[:6]) + (f"; and {len(conflicts) - 6} more" if len(conflicts) > 6 else "")
        raise ProjectConflict(f"The notebooks of {project.folder.name} need different versions: {shown}.")
    first = specs[0]
    union = EnvironmentSpec(
        source=first.source if all(s.source == first.source for s in specs) else "static",
        as_of=first.as_of if all(s.as_of == first.as_of for s in specs) else None,
        as_of_source=first.as_of_source if all(s.as_of == first.as_of for s in specs) else None,
        notebook=_project_info(project, specs), python=first.python, platform=first.platform,
        packages=packages, frontend_packages=frontend, env=env,
        apt_packages=sorted({p for s in specs for p in s.apt_packages}),
        imports=[i for s in specs for i in s.imports],
        install_commands=[c for s in specs for c in s.install_commands],
        gpu=_union_gpu([s.gpu for s in specs]),
        problems=[Problem(p.kind, f"{name}: {p.message}", p.cell) for s, name in zip(specs, names) for p in s.problems],
    )
    for notebook, spec in zip(project.notebooks, specs):  # paths are relative to the folder from here on
        union.files += _rerooted(spec.files, notebook, project, union.problems)
        union.local_modules += [LocalModule(m.module, path) for m in spec.local_modules
                                for path in _rerooted([m.path], notebook, project, union.problems)]
    union.files = list(dict.fromkeys(union.files))
    locked = {canonicalize_name(p.name) for p in packages}  # one notebook's suggestion may be another's pin
    union.suggestions = list({canonicalize_name(s.name): s for spec in specs for s in spec.suggestions
                              if canonicalize_name(s.name) not in locked}.values())
    return union


def _python_conflicts(specs: list[EnvironmentSpec], names: list[str]) -> list[str]:
    versions: dict[str, list[str]] = {}
    for spec, name in zip(specs, names):
        if spec.python.version:
            versions.setdefault(spec.python.version, []).append(name)
    if len(versions) < 2:
        return []
    return ["Python " + " vs ".join(f"{v} ({_list(n)})" for v, n in sorted(versions.items()))]


def _union_packages(lists: list[list[Package]], names: list[str]) -> tuple[list[Package], list[str]]:
    merged: dict[str, Package] = {}
    sides: dict[str, dict[str, list[str]]] = {}  # name -> what it is pinned to -> notebooks
    for packages, name in zip(lists, names):
        for pkg in packages:
            key = canonicalize_name(pkg.name)
            sides.setdefault(key, {}).setdefault(_pinned_to(pkg), []).append(name)
            held = merged.get(key)
            if held is None:
                merged[key] = replace(pkg, required_by=list(pkg.required_by), imported_as=list(pkg.imported_as))
                continue
            if pkg.reason == "imported":
                held.reason = "imported"
            held.required_by = list(dict.fromkeys(held.required_by + pkg.required_by))
            held.imported_as = list(dict.fromkeys(held.imported_as + pkg.imported_as))
    conflicts = [f"{merged[key].name} " + " vs ".join(f"{pin} ({_list(nbs)})" for pin, nbs in pins.items())
                 for key, pins in sorted(sides.items()) if len(pins) > 1]
    return sorted(merged.values(), key=lambda p: canonicalize_name(p.name)), conflicts


def _pinned_to(pkg: Package) -> str:
    source = pkg.source
    if source.kind == "index":
        return pkg.version or "(any version)"
    return f"{pkg.version or ''} from {source.url or source.path or source.kind}".strip()


def _union_env(specs: list[EnvironmentSpec], names: list[str]) -> tuple[dict[str, str], list[str]]:
    env: dict[str, str] = {}
    sides: dict[str, dict[str, list[str]]] = {}
    for spec, name in zip(specs, names):
        for key, value in spec.env.items():
            env.setdefault(key, value)
            sides.setdefault(key, {}).setdefault(value, []).append(name)
    conflicts = [f"environment variable {key} set differently ({' vs '.join(_list(n) for n in values.values())})"
                 for key, values in sorted(sides.items()) if len(values) > 1]
    return env, conflicts


def _union_gpu(infos: list[GpuInfo]) -> GpuInfo:
    used = [g for g in infos if g.used] or infos
    union = GpuInfo(driver_version=used[0].driver_version, cuda_driver_version=used[0].cuda_driver_version,
                    devices=used[0].devices)
    for info in infos:
        union.frameworks += [f for f in info.frameworks if f.name not in {u.name for u in union.frameworks}]
        union.cuda_wheels += [w for w in info.cuda_wheels if w not in union.cuda_wheels]
    return union


def _project_info(project: Project, specs: list[EnvironmentSpec]) -> NotebookInfo:
    kernels = {s.notebook.kernel_name for s in specs}
    digest = hashlib.sha256()
    for notebook in project.notebooks:
        digest.update(project.name_of(notebook).encode() + b"\0" + notebook.read_bytes() + b"\0")
    return NotebookInfo(path=project.folder.name, sha256=digest.hexdigest(),
                        kernel_name=kernels.pop() if len(kernels) == 1 else None,
                        cell_count=sum(s.notebook.cell_count for s in specs))


def _rerooted(entries: list[str], notebook: Path, project: Project, problems: list[Problem]) -> list[str]:
    """Paths relative to a notebook, made relative to the folder; those outside it are left out."""
    kept = []
    for entry in entries:
        relative = os.path.relpath(os.path.normpath(notebook.parent / entry), project.folder)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
            problems.append(Problem("outside-project", f"{project.name_of(notebook)}: {entry} is outside "
                                    f"the folder {project.folder.name}, so it is not in the image"))
            continue
        kept.append(Path(relative).as_posix())
    return kept


def _list(notebooks: list[str]) -> str:
    return ", ".join(notebooks[:3]) + (f" and {len(notebooks) - 3} more" if len(notebooks) > 3 else "")
