"""Reuse an environment image that already holds a lock: what it holds is in its labels.

Each environment image is labelled with what decides whether another lock fits in it: the base
image id, every distribution installed (name==version, read from the SBOM install.sh writes),
apt packages, kernel specs, whether it keeps the CA bundle. A notebook whose pins, runtime,
apt packages and kernel are all there (same versions) is built FROM it: only the notebook's
layers are built. Locks with URL, VCS or local installs are never matched (a version does not
name their content).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..render.dockerfile import LABEL_PREFIX, SBOM_PATH
from .engine import Engine, ImageInfo

ENV_LABEL = f"{LABEL_PREFIX}.environment"
BASE_LABEL = f"{ENV_LABEL}.base"
PINS_LABEL = f"{ENV_LABEL}.pins"
PINS_HASH_LABEL = f"{ENV_LABEL}.pins.sha256"
APT_LABEL = f"{ENV_LABEL}.apt"
KERNELS_LABEL = f"{ENV_LABEL}.kernels"
KEEP_CA_LABEL = f"{ENV_LABEL}.keep-ca"
REUSABLE_LABEL = f"{ENV_LABEL}.reusable"
FORMAT_LABEL = f"{ENV_LABEL}.format"
FORMAT = "1"  # bump when an environment image's layout changes: older ones are then not reused
_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:==([A-Za-z0-9.+!_-]+))?")


@dataclass
class EnvironmentNeeds:
    """What a rendered build-only folder asks of its environment."""

    requirements: dict[str, Optional[str]] = field(default_factory=dict)  # None: any version
    constraints: dict[str, str] = field(default_factory=dict)
    apt: list[str] = field(default_factory=list)
    kernels: list[str] = field(default_factory=list)
    keep_ca: bool = False
    reusable: bool = True  # False: URL, VCS or local installs, which a version does not name


@dataclass
class Reusable:
    tag: str
    extra: int  # distributions it holds beyond the lock's


def needs_of(folder: Path, apt: list[str], keep_ca: bool) -> EnvironmentNeeds:
    needs = EnvironmentNeeds(apt=sorted(set(apt)), keep_ca=keep_ca)
    needs.kernels = sorted(p.name for p in (folder / "kernels").iterdir()) if (folder / "kernels").is_dir() else []
    needs.reusable = not (folder / "local").is_dir()
    for name in ("requirements.txt", "runtime-requirements.txt"):
        for line in _lines(folder / name):
            match = _LINE.fullmatch(line)
            if match is None:
                needs.reusable = False
                continue
            needs.requirements[canonicalize_name(match.group(1))] = match.group(2)
    for line in _lines(folder / "runtime-constraints.txt"):
        match = _LINE.fullmatch(line)
        if match and match.group(2):
            needs.constraints[canonicalize_name(match.group(1))] = match.group(2)
    return needs


def environment_labels(needs: EnvironmentNeeds, base_id: str, files: dict[str, bytes]) -> dict[str, str]:
    """The labels of a freshly installed environment, its pins read from the SBOM it wrote."""
    pins = sbom_pins(files.get(SBOM_PATH, b""))
    listed = " ".join(f"{name}=={version}" for name, version in sorted(pins.items()))
    return {
        BASE_LABEL: base_id, PINS_LABEL: listed,
        PINS_HASH_LABEL: hashlib.sha256(listed.encode()).hexdigest(),
        APT_LABEL: " ".join(needs.apt), KERNELS_LABEL: " ".join(needs.kernels),
        KEEP_CA_LABEL: "1" if needs.keep_ca else "0",
        REUSABLE_LABEL: "1" if needs.reusable and pins else "0", FORMAT_LABEL: FORMAT,
    }


def sbom_pins(sbom: bytes) -> dict[str, str]:
    try:
        components = json.loads(sbom or b"{}").get("components") or []
    except ValueError:
        return {}
    return {canonicalize_name(str(c["name"])): str(c["version"]) for c in components
            if isinstance(c, dict) and c.get("name") and c.get("version")}


def find_reusable(engine: Engine, needs: EnvironmentNeeds, base_id: str) -> Optional[Reusable]:
    """The smallest environment image (fewest extra distributions) that holds all of `needs`."""
    if not needs.reusable:
        return None
    fits = []
    for image in engine.images_with_label(PINS_LABEL):
        extra = extra_if_fits(image, needs, base_id)
        if extra is not None and image.tags:
            fits.append(Reusable(sorted(image.tags)[0], extra))
    return min(fits, key=lambda r: (r.extra, r.tag), default=None)


def extra_if_fits(image: ImageInfo, needs: EnvironmentNeeds, base_id: str) -> Optional[int]:
    """How many distributions the image holds beyond `needs`, or None when it lacks one."""
    labels = image.labels
    if labels.get(FORMAT_LABEL) != FORMAT or labels.get(REUSABLE_LABEL) != "1":
        return None
    if labels.get(BASE_LABEL) != base_id or (labels.get(KEEP_CA_LABEL) == "1") != needs.keep_ca:
        return None
    if not set(needs.apt) <= set(labels.get(APT_LABEL, "").split()):
        return None
    if not set(needs.kernels) <= set(labels.get(KERNELS_LABEL, "").split()):
        return None
    held = parse_pins(labels.get(PINS_LABEL, ""))
    for name, version in needs.requirements.items():
        if name not in held or (version is not None and not same_version(held[name], version)):
            return None
    for name, version in needs.constraints.items():
        if name in held and not same_version(held[name], version):
            return None
    return len(set(held) - set(needs.requirements))


def parse_pins(listed: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for item in listed.split():
        name, sep, version = item.partition("==")
        if sep:
            pins[canonicalize_name(name)] = version
    return pins


def same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _lines(path: Path) -> list[str]:
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
