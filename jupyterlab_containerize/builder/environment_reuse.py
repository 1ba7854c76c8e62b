"""Reuse an environment image that already holds a lock, or part of it: what it holds is in its labels.

Each environment image is labelled with what decides whether another lock fits in it: the base
image id, every distribution installed (name==version, read from the SBOM install.sh writes),
apt packages, kernel specs, whether it keeps the CA bundle. A notebook whose pins, runtime,
apt packages and kernel are all there (same versions) is built FROM it: only the notebook's
layers are built. One that holds at least half of the lock and no other version of any pin is
extended: install.sh runs on top of it, so only the missing packages are installed, compiled
and committed, in a layer of their own. Locks with URL, VCS or local installs are never matched
(a version does not name their content).
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

from ..layout import SBOM_PATH
from .engine import Engine, ImageInfo
from .environment_check import is_broken, was_checked
from .environment_labels import (  # noqa: F401  (the labels are read here too)
    APT_LABEL,
    BASE_LABEL,
    DEPTH_LABEL,
    ENV_LABEL,
    FORMAT,
    FORMAT_LABEL,
    INDEX_LABEL,
    KEEP_CA_LABEL,
    KERNELS_LABEL,
    MAX_DEPTH,
    PARENT_LABEL,
    PINS_HASH_LABEL,
    PINS_LABEL,
    REPOSITORY,
    REUSABLE_LABEL,
    parse_pins,
)
from .package_cache import INDEX_FILES

_LINE = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:==([A-Za-z0-9.+!_-]+))?")


@dataclass
class EnvironmentNeeds:
    """What a rendered build-only folder asks of its environment."""

    requirements: dict[str, Optional[str]] = field(default_factory=dict)  # None: any version
    constraints: dict[str, str] = field(default_factory=dict)
    apt: list[str] = field(default_factory=list)
    kernels: list[str] = field(default_factory=list)
    keep_ca: bool = False
    index: str = ""  # hash of the index URLs it was installed from; "" for the default index
    reusable: bool = True  # False: URL, VCS or local installs, which a version does not name


@dataclass
class Reusable:
    tag: str
    extra: int  # distributions it holds beyond the lock's


@dataclass
class Extendable:
    tag: str
    image_id: str
    covered: int  # pins of the lock it already holds
    labels: dict[str, str]


def needs_of(folder: Path, apt: list[str], keep_ca: bool) -> EnvironmentNeeds:
    needs = EnvironmentNeeds(apt=sorted(set(apt)), keep_ca=keep_ca)
    needs.kernels = sorted(p.name for p in (folder / "kernels").iterdir()) if (folder / "kernels").is_dir() else []
    # a lock with hashes is installed hash-checked, which another environment's pins never were
    needs.reusable = not (folder / "local").is_dir() and not (folder / "hashed-requirements.txt").is_file()
    urls = [(folder / name).read_text() for name in INDEX_FILES if (folder / name).is_file()]
    needs.index = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:16] if urls else ""
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


def environment_labels(needs: EnvironmentNeeds, base_id: str, files: dict[str, bytes],
                       parent: Optional[Extendable] = None) -> dict[str, str]:
    """The labels of a freshly installed environment, its pins read from the SBOM it wrote; an
    extended one also holds its parent's apt packages and kernels."""
    pins = sbom_pins(files.get(SBOM_PATH, b""))
    listed = " ".join(f"{name}=={version}" for name, version in sorted(pins.items()))
    held = parent.labels if parent else {}
    return {
        BASE_LABEL: base_id, PINS_LABEL: listed,
        PINS_HASH_LABEL: hashlib.sha256(listed.encode()).hexdigest(),
        APT_LABEL: " ".join(sorted({*needs.apt, *held.get(APT_LABEL, "").split()})),
        KERNELS_LABEL: " ".join(sorted({*needs.kernels, *held.get(KERNELS_LABEL, "").split()})),
        KEEP_CA_LABEL: "1" if needs.keep_ca else "0", INDEX_LABEL: needs.index,
        REUSABLE_LABEL: "1" if needs.reusable and pins else "0", FORMAT_LABEL: FORMAT,
        PARENT_LABEL: parent.tag if parent else "", DEPTH_LABEL: str(_depth(held) + 1 if parent else 1),
    }


def sbom_pins(sbom: bytes) -> dict[str, str]:
    try:
        components = json.loads(sbom or b"{}").get("components") or []
    except ValueError:
        return {}
    # Python distributions only: the SBOM lists the image's Debian packages too
    return {canonicalize_name(str(c["name"])): str(c["version"]) for c in components
            if isinstance(c, dict) and c.get("name") and c.get("version")
            and str(c.get("purl") or "pkg:pypi/").startswith("pkg:pypi/")}


def find_reusable(engine: Engine, needs: EnvironmentNeeds, base_id: str) -> Optional[Reusable]:
    """The smallest environment image (fewest extra distributions) that holds all of `needs`."""
    if not needs.reusable:
        return None
    fits = []
    for image, tag in environment_images(engine):
        extra = extra_if_fits(image, needs, base_id)
        if extra is not None:
            fits.append(Reusable(tag, extra))
    return min(fits, key=lambda r: (r.extra, r.tag), default=None)


def environment_images(engine: Engine) -> list[tuple[ImageInfo, str]]:
    """Environment images and their tags; images built FROM one inherit its labels, and are left out,
    as are those never checked against their labels, or found broken (environment_check.py)."""
    found = []
    for image in engine.images_with_label(PINS_LABEL):
        tag = f"{REPOSITORY}:{image.labels.get(ENV_LABEL, '')}"
        if tag in image.tags and was_checked(image.labels) and not is_broken(image.id):
            found.append((image, tag))
    return found


def find_extendable(engine: Engine, needs: EnvironmentNeeds, base_id: str) -> Optional[Extendable]:
    """The environment image that holds the most of the lock (at least half), no other version of
    any of its pins, and is not stacked too deep: the lock is installed on top of it."""
    if not needs.reusable or not needs.requirements:
        return None
    best: Optional[Extendable] = None
    for image, tag in environment_images(engine):
        covered = covered_if_compatible(image, needs, base_id)
        if covered is None or _depth(image.labels) >= MAX_DEPTH:
            continue
        if 2 * covered >= len(needs.requirements) and (best is None or covered > best.covered):
            best = Extendable(tag, image.id, covered, image.labels)
    return best


def extra_if_fits(image: ImageInfo, needs: EnvironmentNeeds, base_id: str) -> Optional[int]:
    """How many distributions the image holds beyond `needs`, or None when it lacks one."""
    labels = image.labels
    covered = covered_if_compatible(image, needs, base_id)
    if covered is None or covered < len(needs.requirements):
        return None
    if not set(needs.apt) <= set(labels.get(APT_LABEL, "").split()):
        return None
    if not set(needs.kernels) <= set(labels.get(KERNELS_LABEL, "").split()):
        return None
    return len(set(parse_pins(labels.get(PINS_LABEL, ""))) - set(needs.requirements))


def covered_if_compatible(image: ImageInfo, needs: EnvironmentNeeds, base_id: str) -> Optional[int]:
    """How many of the lock's requirements the image holds, or None when it cannot take the lock:
    another base, layout or CA choice, or another version of one of its pins or constraints."""
    labels = image.labels
    if labels.get(FORMAT_LABEL) != FORMAT or labels.get(REUSABLE_LABEL) != "1":
        return None
    if labels.get(BASE_LABEL) != base_id or (labels.get(KEEP_CA_LABEL) == "1") != needs.keep_ca:
        return None
    if labels.get(INDEX_LABEL, "") != needs.index:  # the same name==version may differ between indexes
        return None
    held = parse_pins(labels.get(PINS_LABEL, ""))
    covered = 0
    for name, version in needs.requirements.items():
        if name not in held:
            continue
        if version is not None and not same_version(held[name], version):
            return None
        covered += 1
    for name, version in needs.constraints.items():
        if name in held and not same_version(held[name], version):
            return None
    return covered


def _depth(labels: dict[str, str]) -> int:
    try:
        return int(labels.get(DEPTH_LABEL) or 1)
    except ValueError:
        return MAX_DEPTH


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
