"""Resolution: static findings + the probe's answer -> one EnvironmentSpec."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from packaging.utils import canonicalize_name

from ..spec import (
    EnvironmentSpec,
    GpuDevice,
    GpuFramework,
    GpuInfo,
    ImportRecord,
    InspectSource,
    NotebookInfo,
    Package,
    PlatformInfo,
    Problem,
    PythonInfo,
    Suggestion,
)
from .known_names import (
    EXCEL_READERS,
    IMPLICIT_BY_CALL,
    IMPLICIT_BY_URL_SCHEME,
    KERNEL_MODULES,
    MATPLOTLIB_BACKENDS,
    SCIPY_BY_ARGUMENT,
    SCIPY_BY_KEYWORD,
    backends_named_by_strings,
    distribution_for_import,
    is_frontend_distribution,
    suggestion_for,
)
from .lock import InstalledIndex, dependency_closure, installed_extra_members, package_record
from .static_analysis import StaticFindings, collapse_covered, local_module_records
from .system_packages import program_distributions, system_needs
from .toolchains import toolchain_python_packages
from .touch_items import RuntimeFindings, apply_touch_record

APT_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")


@dataclass
class ResolveInput:
    static: StaticFindings
    notebook: NotebookInfo
    source: InspectSource
    probe: Optional[dict[str, Any]] = None
    runtime_files: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    notebook_python: Optional[str] = None  # language_info.version, for static-only mode
    # Lock installed-but-unused extras of imported packages (the old default) instead of suggesting them.
    with_extras: bool = False


def resolve(data: ResolveInput) -> EnvironmentSpec:
    spec = EnvironmentSpec(source=data.source, notebook=data.notebook)
    static_files, static_modules = set(data.static.files), set(data.static.local_modules)
    runtime = apply_touch_record(data.static, (data.probe or {}).get("touched"),
                                 set((data.probe or {}).get("module_map") or {}))
    spec.problems.extend(data.problems)
    spec.problems.extend(data.static.problems)
    spec.problems.extend(runtime.problems)
    spec.local_modules = local_module_records(data.static)
    for module in spec.local_modules:
        module.runtime = module.module not in static_modules
    spec.files = sorted(collapse_covered(data.static.files | data.runtime_files | runtime.files))
    spec.runtime_files = [f for f in spec.files if f not in static_files]
    spec.install_commands = list(data.static.code.install_commands)
    spec.apt_packages = sorted(
        {p for c in spec.install_commands if c.tool == "apt" for p in c.packages if APT_NAME.fullmatch(p)}
    )
    spec.apt_reasons = {p: "the notebook installs it (apt-get install)" for p in spec.apt_packages}
    if data.probe is None:
        _resolve_static_only(spec, data)
    else:
        _resolve_with_probe(spec, data, data.probe, runtime)
    _add_system_packages(spec, data, runtime)
    return spec


def _programs(data: ResolveInput, runtime: RuntimeFindings) -> dict[str, str]:
    """Program name -> how it was started ('' when only the code names it)."""
    return {**{name: "" for name in data.static.code.programs}, **runtime.programs}


def _add_system_packages(spec: EnvironmentSpec, data: ResolveInput, runtime: RuntimeFindings) -> None:
    """apt packages for the programs the notebook runs and the system libraries its packages need."""
    module_map = (data.probe or {}).get("module_map") or {}
    installed = {canonicalize_name(d["name"]) for d in (data.probe or {}).get("distributions") or []}
    programs = {n: how for n, how in _programs(data, runtime).items() if canonicalize_name(n) not in installed}
    needs = system_needs(spec.packages, programs, runtime.system, module_map, data.static.code)
    for package, reason in needs.apt.items():
        spec.apt_reasons.setdefault(package, reason)
    spec.apt_packages = sorted(set(spec.apt_packages) | set(needs.apt))
    spec.programs = dict(sorted(needs.programs.items()))
    spec.problems.extend(needs.problems)


def _stdlib(probe: Optional[dict[str, Any]]) -> set[str]:
    names = set(probe.get("stdlib", [])) if probe else set()
    names |= set(probe.get("builtin_modules", [])) if probe else set()
    if not names:
        names = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    return names | {"__future__", "__main__"}


def _resolve_static_only(spec: EnvironmentSpec, data: ResolveInput) -> None:
    """Roots from the code alone: only names a curated table maps are taken; an unknown import name is
    never installed on a guess (a same-named package on PyPI may be anyone's). Pins come later
    (as of the notebook's date, inspect/as_of_pins.py) or from the notebook's own lock."""
    spec.python = PythonInfo(version=data.notebook_python or "")
    stdlib = _stdlib(None)
    wanted: dict[str, Package] = {}
    unmapped: list[str] = []
    for module, use in sorted(data.static.code.imports.items()):
        top = module.split(".")[0]
        record = ImportRecord(module=module, kind="unresolved", cells=sorted(use.cells), optional=use.optional)
        name = distribution_for_import(module)
        if top in data.static.local_modules or top in data.static.code.built_modules:
            record.kind = "local"  # beside the notebook, or compiled by it (f2py -m NAME)
        elif top in stdlib:
            record.kind = "stdlib"
        elif use.optional:
            record.suggestion = suggestion_for(module)  # guarded by try/except: not needed to run
        elif name is None:
            record.suggestion = suggestion_for(module)
            unmapped.append(module)
        else:
            record.kind, record.distribution = "package", name
            wanted.setdefault(
                canonicalize_name(name), Package(name=name, version=None, reason="imported")
            ).imported_as.append(module)
        spec.imports.append(record)
    for module in unmapped:
        spec.problems.append(Problem(kind="unmapped-import", message=(
            f"'import {module}' has no known package: nothing is installed for it on a guess. If it "
            f"comes from PyPI, confirm the package name (CLI: --add NAME; panel: add it to the packages).")))
    for name in [*_implicit_candidates(data.static), *toolchain_python_packages(data.static.code)]:
        if name and canonicalize_name(name) not in wanted:
            wanted[canonicalize_name(name)] = Package(name=name, version=None, reason="implicit")
    spec.packages = sorted(wanted.values(), key=lambda p: p.name.lower())
    _report_unresolved(spec, kernel=False, skip=set(unmapped))
    spec.problems.append(
        Problem(
            kind="static-only",
            message=(
                "No kernel or interpreter answered: packages come from the code alone. "
                "Start the notebook's kernel (or name its environment's python) for the exact pins it used."
            ),
        )
    )


def _implicit_candidates(static: StaticFindings) -> list[str]:
    """First choice of each implicit back-end, for static-only mode."""
    return [options[0] for options in _implicit_options(static) if options]


def _implicit_options(static: StaticFindings) -> list[list[str]]:
    tops = {m.split(".")[0] for m in static.code.imports}
    options: list[list[str]] = []
    if "pandas" in tops:
        options += [IMPLICIT_BY_CALL[n] for n in sorted(static.code.called_names) if n in IMPLICIT_BY_CALL]
        options += _pandas_argument_backends(static)
    if tops & {"sqlalchemy", "pandas"}:
        for text in static.code.strings:
            scheme = text.split("://", 1)[0] if "://" in text else ""
            if scheme in IMPLICIT_BY_URL_SCHEME:
                options.append(IMPLICIT_BY_URL_SCHEME[scheme])
    options += backends_named_by_strings(static.code.call_strings)  # BeautifulSoup(html, "lxml"), engine=...
    for magic, arg in static.code.magics:
        if magic == "matplotlib" and arg.split()[:1] and arg.split()[0] in MATPLOTLIB_BACKENDS:
            options.append(MATPLOTLIB_BACKENDS[arg.split()[0]])
    return options


def _pandas_argument_backends(static: StaticFindings) -> list[list[str]]:
    """Back-ends chosen by an argument: read_excel by the file's suffix, scipy by kind=/method=."""
    options: list[list[str]] = []
    if "read_excel" in static.code.called_names:
        suffixes = {Path(text).suffix.lower() for text in static.code.strings}
        options += [EXCEL_READERS[x] for x in sorted(suffixes) if x in EXCEL_READERS] or [EXCEL_READERS[".xlsx"]]
    if static.code.strings & SCIPY_BY_ARGUMENT or any(k in SCIPY_BY_KEYWORD for k, _ in static.code.keyword_strings):
        options.append(["scipy"])
    return options


def _resolve_with_probe(
    spec: EnvironmentSpec, data: ResolveInput, probe: dict[str, Any], runtime: RuntimeFindings
) -> None:
    index = InstalledIndex.from_probe(probe)
    spec.python = PythonInfo(
        **{k: probe["python"][k] for k in ("version", "implementation", "executable", "is_venv", "is_conda")}
    )
    spec.platform = PlatformInfo(**probe.get("platform", {}))
    spec.gpu = _gpu(probe.get("gpu") or {})
    stdlib = _stdlib(probe)
    module_map: dict[str, list[str]] = probe.get("module_map", {})
    roots: dict[str, str] = {}
    imported_as: dict[str, list[str]] = {}

    for module, use in sorted(data.static.code.imports.items()):
        record = _classify(module, data.static, stdlib, module_map)
        record.cells, record.optional = sorted(use.cells), use.optional
        record.runtime = module in runtime.imports  # imported by a script or code the notebook ran
        spec.imports.append(record)
        if record.kind == "package" and record.distribution:
            canonical = canonicalize_name(record.distribution)
            if record.runtime:
                roots.setdefault(canonical, "runtime")
            else:
                roots[canonical] = "imported"
            imported_as.setdefault(canonical, []).append(module)
    for distribution in program_distributions(_programs(data, runtime), runtime.system):
        if index.get(distribution) is not None:  # `kaggle ...`: a console script of an installed distribution
            roots.setdefault(canonicalize_name(distribution), "runtime")
    for program in data.static.code.programs:
        if index.get(program) is not None:  # `!kaggle ...` not seen run: the distribution of that name
            roots.setdefault(canonicalize_name(program), "runtime")

    for options in _implicit_options(data.static):
        installed = [o for o in options if index.get(o) is not None]
        if installed:
            roots.setdefault(canonicalize_name(installed[0]), "implicit")
        elif options and options != ["matplotlib"]:
            spec.problems.append(
                Problem(
                    kind="implicit-missing",
                    message=(
                        f"The code calls something that needs {' or '.join(options)} at run time, "
                        "but none is installed in the kernel; install one and inspect again."
                    ),
                )
            )

    for command in data.static.code.install_commands:
        for requirement in command.packages if command.tool != "apt" else []:
            name = re.split(r"[\[<>=!~; @]", requirement, maxsplit=1)[0]
            if name and index.get(name) is not None:
                roots.setdefault(canonicalize_name(name), "requested")

    extra_roots: set[str] = set()
    offered: dict[str, list[tuple[str, list[str]]]] = {}  # installed extra member -> (owner, extras)
    needed = dependency_closure(roots, index).reasons  # an extra's member already needed is a dependency
    for name, reason in list(roots.items()):
        if reason == "imported" and not is_frontend_distribution(name):
            for extra_dep, extras in installed_extra_members(name, index).items():
                if extra_dep not in roots and extra_dep not in needed:
                    offered.setdefault(extra_dep, []).append(((index.get(name) or {}).get("name", name), extras))
    if data.with_extras:
        for extra_dep in offered:
            roots[extra_dep] = "implicit"
            extra_roots.add(extra_dep)
    closure = dependency_closure(roots, index)
    if _add_gpu_companions(roots, closure.reasons, index):
        closure = dependency_closure(roots, index)
    if data.source == "kernel" or probe.get("executed"):
        _add_runtime_imports(spec, data, probe, index, closure, roots, imported_as, stdlib)
        closure = dependency_closure(roots, index)
    spec.problems.extend(closure.problems)
    required = dependency_closure({n: r for n, r in roots.items() if n not in extra_roots}, index).reasons

    spec.packages = sorted(
        (
            package_record(
                index.by_name[n], closure.reasons[n], closure.required_by.get(n, set()), imported_as.get(n, [])
            )
            for n in closure.reasons
        ),
        key=lambda p: p.name.lower(),
    )
    for package in spec.packages:
        package.optional = canonicalize_name(package.name) not in required
    spec.suggestions = _extra_suggestions(offered, closure.reasons, index)
    spec.frontend_packages = sorted(
        (
            package_record(d, "dependency", set(), [])
            for n, d in index.by_name.items()
            if n not in closure.reasons and is_frontend_distribution(n)
        ),
        key=lambda p: p.name.lower(),
    )
    for package in spec.packages:
        if not package.reproducible:
            spec.problems.append(
                Problem(
                    kind="not-reproducible",
                    message=(
                        f"{package.name} {package.version} is installed from {package.source.kind} source "
                        f"({package.source.path or package.source.url}); an index cannot provide it. "
                        "Image builds install it from that folder; for Binder or other machines, publish it."
                    ),
                )
            )
    _report_unresolved(spec, kernel=True)


def _extra_suggestions(offered: dict[str, list[tuple[str, list[str]]]], locked: dict[str, str],
                       index: InstalledIndex) -> list[Suggestion]:
    """Installed members of imported packages' extras that nothing the notebook uses needs: offered only
    (the notebook never imports them; a build on the base's Python may not even install them)."""
    suggestions = []
    for name, owners in sorted(offered.items()):
        if name in locked:  # loaded at run time, or needed after all
            continue
        of = " and of ".join(f"{owner} ({', '.join(repr(e) for e in extras)})" for owner, extras in owners)
        dist = index.by_name[name]
        suggestions.append(Suggestion(name=dist["name"], version=dist.get("version"), reason=(
            f"an extra of {of}, installed in the kernel's environment; the notebook never imports it")))
    return suggestions


GPU_FRAMEWORKS = re.compile(r"torch|jax|jaxlib|tensorflow(-gpu)?|cupy(-cuda\d+x?)?")
# Loaded through entry points or extras, so Requires-Dist does not name them: jax's CUDA plugins and
# the nvidia-* wheels that carry CUDA for torch, jax, tensorflow[and-cuda] and cupy.
GPU_COMPANIONS = re.compile(r"jax-cuda\d+-(plugin|pjrt)|nvidia-[a-z0-9-]+-cu\d+")


def _add_gpu_companions(roots: dict[str, str], locked: dict[str, str], index: InstalledIndex) -> bool:
    if not any(GPU_FRAMEWORKS.fullmatch(name) for name in locked):
        return False
    added = False
    for name in index.by_name:
        if GPU_COMPANIONS.fullmatch(name) and name not in locked:
            roots.setdefault(name, "implicit")
            added = True
    return added


def _classify(module: str, static: StaticFindings, stdlib: set[str], module_map: dict[str, list[str]]) -> ImportRecord:
    top = module.split(".")[0]
    if top in static.local_modules or top in static.code.built_modules:
        return ImportRecord(module=module, kind="local")
    if top in stdlib:
        return ImportRecord(module=module, kind="stdlib")
    parts = module.split(".")
    candidates = module_map.get(".".join(parts[:2])) if len(parts) > 1 else None
    candidates = candidates or module_map.get(top)
    if candidates:
        return ImportRecord(module=module, kind="package", distribution=candidates[0])
    # Never guess a name the kernel does not have: suggest only (no dependency confusion).
    return ImportRecord(module=module, kind="unresolved", suggestion=suggestion_for(module))


def _add_runtime_imports(
    spec: EnvironmentSpec,
    data: ResolveInput,
    probe: dict[str, Any],
    index: InstalledIndex,
    closure: Any,
    roots: dict[str, str],
    imported_as: dict[str, list[str]],
    stdlib: set[str],
) -> None:
    """Modules the kernel loaded that the code does not import by name (pandas loading pyarrow)."""
    module_map: dict[str, list[str]] = probe.get("module_map", {})
    static_tops = {m.split(".")[0] for m in data.static.code.imports}
    kernel_closure = dependency_closure({n: "kernel" for n in index.by_name if is_frontend_distribution(n)}, index)
    for top in probe.get("modules", []):
        if top in static_tops or top in stdlib or top in KERNEL_MODULES or top in data.static.local_modules:
            continue
        dists = module_map.get(top) or []
        if not dists:
            continue
        name = canonicalize_name(dists[0])
        if name in closure.reasons or name in kernel_closure.reasons or is_frontend_distribution(name):
            continue
        roots.setdefault(name, "runtime")
        imported_as.setdefault(name, []).append(top)
        spec.imports.append(ImportRecord(module=top, kind="package", distribution=dists[0], runtime=True))


def _report_unresolved(spec: EnvironmentSpec, kernel: bool, skip: frozenset[str] | set[str] = frozenset()) -> None:
    where = "the kernel's environment" if kernel else "the table of known names"
    for record in spec.imports:
        if record.kind != "unresolved" or record.module in skip:
            continue
        guarded = " (inside try/except ImportError, so the notebook may not need it)" if record.optional else ""
        spec.problems.append(
            Problem(
                kind="unresolved-import",
                cell=record.cells[0] if record.cells else None,
                message=(
                    f"'import {record.module}' is not found in {where}{guarded}. "
                    f"If it is needed, install it (perhaps `pip install {record.suggestion}`) and inspect again."
                ),
            )
        )


def _gpu(raw: dict[str, Any]) -> GpuInfo:
    return GpuInfo(
        frameworks=[GpuFramework(**f) for f in raw.get("frameworks", [])],
        cuda_wheels=list(raw.get("cuda_wheels", [])),
        driver_version=raw.get("driver_version"),
        cuda_driver_version=raw.get("cuda_driver_version"),
        devices=[GpuDevice(**d) for d in raw.get("devices", [])],
    )
