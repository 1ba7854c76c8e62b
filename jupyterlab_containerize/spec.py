"""The environment spec: the one contract between inspect, render, build, the REST API and the panel.

Plain dataclasses that serialise to JSON. Field names listed in docs/spec.md are stable;
new fields may be added, never renamed. Bump SPEC_VERSION only for a breaking change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional

from .errors import InvalidSpec
from .typed_json import from_json, shown

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
    # In the lock only because an extra of an imported package names it and it is installed
    # (pandas' scipy, openpyxl...): the notebook may load it lazily; a user may drop it.
    optional: bool = False
    # The user picked this version (or added the package): before a build, its own metadata is read
    # from the index (Requires-Python, files for the image's platform), never the inspected version's.
    edited: bool = False
    # From a lock: the files' hashes ("sha256:<hex>"); the image installs this pin with hash checking.
    hashes: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    """A distribution the notebook may want but does not use: offered, never installed unless accepted."""

    name: str
    version: Optional[str]
    reason: str  # one line: why it is offered ("an extra of pandas ('excel'), installed in ...")


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
    runtime: bool = False  # found by the kernel's touch record only (imported from a path built at run time)


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
    # Installed but unused (an extra of an imported package): not in `packages`, offered to add.
    suggestions: list[Suggestion] = field(default_factory=list)
    imports: list[ImportRecord] = field(default_factory=list)
    local_modules: list[LocalModule] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    install_commands: list[InstallCommand] = field(default_factory=list)
    apt_packages: list[str] = field(default_factory=list)
    apt_reasons: dict[str, str] = field(default_factory=dict)  # apt package -> why it is needed
    programs: dict[str, str] = field(default_factory=dict)  # programs the notebook runs -> apt package ('' unknown)
    runtime_files: list[str] = field(default_factory=list)  # the part of `files` only the kernel's record showed
    env: dict[str, str] = field(default_factory=dict)
    # files (relative to the notebook) the content detector flagged that the user says hold no secret
    allowed_secret_files: list[str] = field(default_factory=list)
    gpu: GpuInfo = field(default_factory=GpuInfo)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, indent: Optional[int] = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, sort_keys=False)

    @classmethod
    def from_dict(cls, data: Any, where: str = "spec") -> EnvironmentSpec:
        """A spec from JSON (a saved `inspect --json`, a REST body's `spec`): every field's type is
        checked, a wrong one raises InvalidSpec naming it; fields of a newer version are ignored."""
        if not isinstance(data, dict):
            raise InvalidSpec(f"'{where}' must be a JSON object (what `inspect --json` prints), not {shown(data)}.")
        version = data.get("spec_version", SPEC_VERSION)
        if version != SPEC_VERSION or isinstance(version, bool):
            raise InvalidSpec(
                f"'{where}.spec_version' {shown(version)} is not supported (this version reads {SPEC_VERSION}).",
                hint="Re-run `jupyter containerize inspect` with this version of the extension.",
            )
        return from_json(cls, data, where, error=InvalidSpec, ignore_unknown=True)

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
