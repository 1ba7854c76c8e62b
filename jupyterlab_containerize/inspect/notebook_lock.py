"""A notebook that carries its environment: the pinned lock in its metadata, under "containerize".

PEP 723 inline metadata (what uv and juv read) lives in a code cell and holds requirement strings,
not hashes or provenance; writing it would change the notebook's cells. So the lock is a documented
metadata key (docs/spec.md), written without touching cells, outputs or any other metadata.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Optional

from packaging.utils import canonicalize_name

from .. import __version__
from ..errors import InvalidNotebook
from ..safe_write import write_text
from ..spec import EnvironmentSpec, Package
from ..uv_compile import compile_pins
from ..validate import safe_apt_package, safe_hash, safe_package_name, safe_version

METADATA_KEY = "containerize"
LOCK_VERSION = 1
DEFAULT_INDEX = "https://pypi.org/simple"


def lock_from_spec(spec: EnvironmentSpec, hashes: Optional[dict[str, list[str]]] = None,
                   index_url: str = DEFAULT_INDEX) -> dict[str, Any]:
    hashes = hashes or {}
    packages = []
    for package in spec.packages:
        if not package.version or package.source.kind in ("local", "editable"):
            continue  # nothing an index can give back
        entry: dict[str, Any] = {"name": package.name, "version": package.version, "reason": package.reason}
        found = hashes.get(canonicalize_name(package.name))
        if found:
            entry["hashes"] = sorted(found)
        packages.append(entry)
    return {
        "version": LOCK_VERSION,
        "created": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "created_by": f"jupyterlab-containerize {__version__}",
        "source": spec.source,
        "as_of": spec.as_of,
        "python": spec.python.version,
        "index_url": index_url,
        "packages": packages,
        "apt_packages": list(spec.apt_packages),
    }


def hashes_for(spec: EnvironmentSpec, python: str) -> tuple[dict[str, list[str]], Optional[str]]:
    """sha256 of every file of each pinned release on the index, for Linux images; (hashes, error)."""
    lines = [f"{safe_package_name(p.name)}=={safe_version(p.version)}" for p in spec.packages
             if p.version and p.source.kind not in ("local", "editable")]
    compiled = compile_pins(lines, python, no_deps=True, hashes=True, target_linux=True)
    return compiled.hashes, compiled.error


def write_lock(notebook: Path, lock: dict[str, Any]) -> None:
    """Set metadata.containerize.lock in place; every other byte of meaning stays as it was."""
    raw = notebook.read_text(encoding="utf-8")
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError as err:
        raise InvalidNotebook(f"'{notebook.name}' is not valid JSON: {err}") from err
    if not isinstance(nb, dict) or not isinstance(nb.get("metadata", {}), dict):
        raise InvalidNotebook(f"'{notebook.name}' has no metadata object to hold the lock.")
    section = nb.setdefault("metadata", {}).setdefault(METADATA_KEY, {})
    if not isinstance(section, dict):
        raise InvalidNotebook(f"'{notebook.name}' has a metadata.{METADATA_KEY} that is not an object.")
    section["lock"] = lock
    indent = 1 if raw.startswith("{\n ") and not raw.startswith("{\n  ") else 2 if raw.startswith("{\n  ") else None
    text = json.dumps(nb, indent=indent, ensure_ascii=False)
    write_text(notebook, text + ("\n" if raw.endswith("\n") else ""))


def read_lock(nb: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The notebook's lock, validated; None when it carries none. A malformed lock is an error."""
    metadata = nb.get("metadata")
    section = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    lock = section.get("lock") if isinstance(section, dict) else None
    if lock is None:
        return None
    if not isinstance(lock, dict) or lock.get("version") != LOCK_VERSION or not isinstance(lock.get("packages"), list):
        raise InvalidNotebook("The notebook's metadata.containerize.lock is not a lock this version reads.",
                              hint="Write it again with `jupyter containerize lock NOTEBOOK`.")
    for entry in lock["packages"]:
        if not isinstance(entry, dict):
            raise InvalidNotebook("The notebook's lock has an entry that is not an object.")
        safe_package_name(entry.get("name"))  # type: ignore[arg-type]
        safe_version(entry.get("version"))  # type: ignore[arg-type]
        hashes = entry.get("hashes", [])
        if not isinstance(hashes, list):
            raise InvalidNotebook(f"The lock's hashes of {entry.get('name')} are not a list.")
        for value in hashes:
            safe_hash(value)
    return lock


def apply_lock(spec: EnvironmentSpec, lock: dict[str, Any]) -> None:
    """The lock's pins replace the code's guesses; the code's reasons stay where they say more."""
    reasons = {canonicalize_name(p.name): p for p in spec.packages}
    packages = []
    for entry in lock["packages"]:
        known = reasons.get(canonicalize_name(entry["name"]))
        reason = known.reason if known else entry.get("reason", "dependency")
        packages.append(Package(name=entry["name"], version=entry["version"],
                                reason=reason if reason in _REASONS else "dependency",
                                imported_as=known.imported_as if known else [],
                                hashes=list(entry.get("hashes", []))))
    spec.packages = sorted(packages, key=lambda p: p.name.lower())
    spec.source = "lock"
    spec.as_of = lock.get("as_of") if isinstance(lock.get("as_of"), str) else None
    spec.as_of_source = "lock" if spec.as_of else None
    python = lock.get("python")
    if isinstance(python, str) and python:
        spec.python.version = safe_version(python)
    spec.problems = [p for p in spec.problems if p.kind != "static-only"]
    locked_apt = lock.get("apt_packages") or []
    spec.apt_packages = sorted(set(spec.apt_packages) | {safe_apt_package(a) for a in locked_apt})


_REASONS = {"imported", "runtime", "implicit", "dependency", "requested", "user"}
