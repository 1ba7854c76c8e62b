"""The environment spec: the one contract between inspect, render, build, the REST API and the panel.

Plain dataclasses that serialise to JSON. Field names listed in docs/spec.md are stable;
new fields may be added, never renamed. Bump SPEC_VERSION only for a breaking change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Literal, Optional, TypeVar, Union, get_args, get_origin, get_type_hints

from .errors import InvalidSpec

SPEC_VERSION = 1

ImportKind = Literal["stdlib", "local", "package", "unresolved"]
# Why a distribution is in the lock.
PackageReason = Literal["imported", "runtime", "implicit", "dependency", "requested", "user"]
# Where the source of a distribution comes from (PEP 610 direct_url.json, or an index).
SourceKind = Literal["index", "local", "editable", "vcs", "url"]
# What makes a pin non-portable across targets.
PortabilityMark = Literal["cuda-local-version", "cpu-local-version", "nvidia-wheel", "platform-only"]
# "lock": pins read from the lock the notebook carries (`jupyter containerize lock`)
InspectSource = Literal["kernel", "interpreter", "static", "lock"]


@dataclass
class PythonInfo:
    version: str = ""
    implementation: str = "CPython"
    executable: str = ""
    is_venv: bool = False
    is_conda: bool = False


@dataclass
class PlatformInfo:
    system: str = ""
    machine: str = ""
    libc: str = ""


@dataclass
class PackageSource:
    kind: SourceKind = "index"
    url: Optional[str] = None
    commit: Optional[str] = None
    vcs: Optional[str] = None
    path: Optional[str] = None


@dataclass
class Package:
    """One pinned distribution of the lock."""

    name: str
    version: Optional[str]
    reason: PackageReason = "dependency"
    required_by: list[str] = field(default_factory=list)
    imported_as: list[str] = field(default_factory=list)
    installer: Optional[str] = None
    source: PackageSource = field(default_factory=PackageSource)
    requires_python: Optional[str] = None
    portability: list[PortabilityMark] = field(default_factory=list)
    reproducible: bool = True


@dataclass
class ImportRecord:
    module: str
    kind: ImportKind
    distribution: Optional[str] = None
    cells: list[int] = field(default_factory=list)
    runtime: bool = False
    optional: bool = False
    suggestion: Optional[str] = None


@dataclass
class LocalModule:
    module: str
    path: str


@dataclass
class InstallCommand:
    """A `%pip install` / `!apt-get install` style line found in the notebook."""

    cell: int
    tool: Literal["pip", "conda", "mamba", "uv", "apt"]
    packages: list[str]
    line: str


@dataclass
class Problem:
    """Something the user should know; never fatal to inspection."""

    kind: str
    message: str
    cell: Optional[int] = None


@dataclass
class GpuFramework:
    name: str
    version: str
    cuda: Optional[str] = None
    cudnn: Optional[str] = None


@dataclass
class GpuDevice:
    name: str
    compute_capability: Optional[str] = None
    memory_mib: Optional[int] = None


@dataclass
class GpuInfo:
    frameworks: list[GpuFramework] = field(default_factory=list)
    cuda_wheels: list[str] = field(default_factory=list)
    driver_version: Optional[str] = None
    cuda_driver_version: Optional[str] = None
    devices: list[GpuDevice] = field(default_factory=list)

    @property
    def used(self) -> bool:
        return any(f.cuda for f in self.frameworks) or bool(self.cuda_wheels)


@dataclass
class NotebookInfo:
    path: str = ""
    sha256: str = ""
    kernel_name: Optional[str] = None
    language: str = "python"
    cell_count: int = 0


@dataclass
class EnvironmentSpec:
    spec_version: int = SPEC_VERSION
    source: InspectSource = "static"
    # Static pins are the newest releases on or before this date (YYYY-MM-DD), and how it was chosen:
    # "as-of" (given), "git-commit" (the notebook's last commit), "file-time". None: pins were read.
    as_of: Optional[str] = None
    as_of_source: Optional[str] = None
    notebook: NotebookInfo = field(default_factory=NotebookInfo)
    python: PythonInfo = field(default_factory=PythonInfo)
    platform: PlatformInfo = field(default_factory=PlatformInfo)
    packages: list[Package] = field(default_factory=list)
    frontend_packages: list[Package] = field(default_factory=list)
    imports: list[ImportRecord] = field(default_factory=list)
    local_modules: list[LocalModule] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    install_commands: list[InstallCommand] = field(default_factory=list)
    apt_packages: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    gpu: GpuInfo = field(default_factory=GpuInfo)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnvironmentSpec:
        """A spec from JSON (REST, --spec): each field of the type the dataclasses say, or
        InvalidSpec naming the field. The values themselves are checked where they are rendered."""
        if not isinstance(data, dict):
            raise InvalidSpec("The spec must be a JSON object.", hint=_HINT)
        version = data.get("spec_version", SPEC_VERSION)
        if version != SPEC_VERSION:
            raise InvalidSpec(
                f"spec_version {version!r} is not supported (this version reads {SPEC_VERSION})",
                hint="Re-run `jupyter containerize inspect` with this version of the extension.",
            )
        return _from_dict(cls, data)

    def package(self, name: str) -> Optional[Package]:
        from packaging.utils import canonicalize_name

        wanted = canonicalize_name(name)
        return next((p for p in self.packages if canonicalize_name(p.name) == wanted), None)

    def environment_hash(self) -> str:
        """Hash of what decides the image's dependency layers (not the notebook's content)."""
        key = {
            "python": self.python.version,
            "packages": sorted((p.name.lower(), p.version or "") for p in self.packages),
            "apt": sorted(self.apt_packages),
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


T = TypeVar("T")

# Nested dataclass fields, listed once so from_dict can rebuild them without eval'ing annotations.
_NESTED: dict[tuple[type, str], tuple[type, bool]] = {
    (EnvironmentSpec, "notebook"): (NotebookInfo, False),
    (EnvironmentSpec, "python"): (PythonInfo, False),
    (EnvironmentSpec, "platform"): (PlatformInfo, False),
    (EnvironmentSpec, "packages"): (Package, True),
    (EnvironmentSpec, "frontend_packages"): (Package, True),
    (EnvironmentSpec, "imports"): (ImportRecord, True),
    (EnvironmentSpec, "local_modules"): (LocalModule, True),
    (EnvironmentSpec, "install_commands"): (InstallCommand, True),
    (EnvironmentSpec, "gpu"): (GpuInfo, False),
    (EnvironmentSpec, "problems"): (Problem, True),
    (Package, "source"): (PackageSource, False),
    (GpuInfo, "frameworks"): (GpuFramework, True),
    (GpuInfo, "devices"): (GpuDevice, True),
}


_HINT = "Re-run `jupyter containerize inspect --json` to get a valid spec."


def _from_dict(cls: type[T], data: Any, where: str = "spec") -> T:
    if not isinstance(data, dict):
        raise InvalidSpec(f"{where} must be a JSON object.", hint=_HINT)
    hints = _field_types(cls)
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key not in hints:
            continue  # fields from a newer minor version are ignored, not fatal
        path = f"{where}.{key}"
        nested = _NESTED.get((cls, key))
        if nested and value is not None:
            sub, is_list = nested
            if is_list and not isinstance(value, list):
                raise InvalidSpec(f"{path} must be a list.", hint=_HINT)
            value = ([_from_dict(sub, v, f"{path}[{i}]") for i, v in enumerate(value)] if is_list
                     else _from_dict(sub, value, path))
        elif not _has_type(value, hints[key]):
            raise InvalidSpec(f"{path} has the wrong type ({type(value).__name__}).", hint=_HINT)
        kwargs[key] = value
    missing = [f.name for f in fields(cls) if f.name not in kwargs  # type: ignore[arg-type]
               and f.default is MISSING and f.default_factory is MISSING]
    if missing:
        raise InvalidSpec(f"{where} lacks {', '.join(missing)}.", hint=_HINT)
    return cls(**kwargs)


_TYPES: dict[type, dict[str, Any]] = {}  # annotations evaluated once per dataclass


def _field_types(cls: type) -> dict[str, Any]:
    if cls not in _TYPES:
        _TYPES[cls] = get_type_hints(cls)
    return _TYPES[cls]


def _has_type(value: Any, hint: Any) -> bool:
    """JSON values against the annotations used in this module: str, int, bool, Optional,
    Literal (a string: new kinds may come with a newer minor version), list[...], dict[str, str]."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is Union:
        return any(_has_type(value, a) for a in args)
    if origin is Literal:
        return isinstance(value, type(args[0]))
    if origin is list:
        return isinstance(value, list) and all(_has_type(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(
            _has_type(k, args[0]) and _has_type(v, args[1]) for k, v in value.items())
    if hint is type(None):
        return value is None
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)
