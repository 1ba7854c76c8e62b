"""What environment images the builds left on the engine, who uses them, and pruning them.

An environment image is shared by every notebook image built FROM it (those inherit its
`io.jupyter.containerize.environment` label, which names it). One that a tagged image still needs,
itself or through an extended environment stacked on it, is never removed: removing its tag would
free nothing, and the image would lose its name. The others go least recently used first (the
newest of its own and its notebook images' creation times) until the rest fit under the limit;
untagged notebook images built from one go with it (nothing can name them but their id).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from ..errors import ContainerizeError
from ..layout import LABEL_PREFIX
from .engine import Engine, ImageInfo
from .environment_labels import BASE_LABEL, ENV_LABEL, PARENT_LABEL, PINS_LABEL, REPOSITORY

GB = 1e9
LIMIT_VARIABLE = "CONTAINERIZE_ENVIRONMENT_IMAGES_MAX_GB"
NOTEBOOK_LABEL = f"{LABEL_PREFIX}.notebook"
NOTEBOOKS_LABEL = f"{LABEL_PREFIX}.notebooks"  # a project image's notebooks, a JSON list


@dataclass
class EnvironmentImage:
    tag: str
    image_id: str
    size: int  # bytes of its own layers: the image's size less its parent's (the base or the env it extends)
    last_used: float  # seconds since the epoch
    parent: Optional[str] = None  # the environment image it extends
    used_by: list[str] = field(default_factory=list)  # tagged images built FROM it
    notebooks: list[str] = field(default_factory=list)  # the notebooks in those images
    untagged: list[str] = field(default_factory=list)  # ids of untagged images built FROM it
    needed_by: Optional[str] = None  # why it is kept whatever the limit: a tagged image, or a kept child

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "image_id": self.image_id, "size": self.size, "last_used": self.last_used,
                "parent": self.parent, "used_by": self.used_by, "notebooks": self.notebooks,
                "untagged_images": len(self.untagged), "needed_by": self.needed_by}


@dataclass
class PrunePlan:
    images: list[EnvironmentImage]
    remove: list[EnvironmentImage]
    limit: Optional[int]  # bytes; None: every image no tagged image needs goes

    @property
    def total(self) -> int:
        return sum(image.size for image in self.images)

    @property
    def freed(self) -> int:
        return sum(image.size for image in self.remove)

    def to_dict(self) -> dict[str, Any]:
        return {"total": self.total, "limit": self.limit, "freed": self.freed,
                "environments": [image.to_dict() for image in self.images],
                "remove": [image.tag for image in self.remove]}


def list_environments(engine: Engine) -> list[EnvironmentImage]:
    """Every environment image the builds made, newest use first."""
    labelled = engine.images_with_label(ENV_LABEL)
    by_key: dict[str, EnvironmentImage] = {}
    infos: dict[str, ImageInfo] = {}
    for image in labelled:
        key = image.labels.get(ENV_LABEL, "")
        tag = f"{REPOSITORY}:{key}"
        if PINS_LABEL in image.labels and tag in image.tags:
            by_key[key] = EnvironmentImage(tag, image.id, image.size, image.created or 0.0,
                                           parent=image.labels.get(PARENT_LABEL) or None)
            infos[key] = image
    for image in labelled:
        entry = by_key.get(image.labels.get(ENV_LABEL, ""))
        if entry is None or image.id == entry.image_id:
            continue
        entry.last_used = max(entry.last_used, image.created or 0.0)
        others = [t for t in image.tags if not t.startswith(f"{REPOSITORY}:")]
        if others:
            entry.used_by += others
            for notebook in _notebooks(image.labels):
                if notebook not in entry.notebooks:
                    entry.notebooks.append(notebook)
        elif not image.tags:
            entry.untagged.append(image.id)
    sizes = _parent_sizes(engine, infos, by_key)
    for key, entry in by_key.items():
        entry.size = max(0, entry.size - sizes.get(key, 0))
        entry.used_by.sort()
    _mark_needed(list(by_key.values()))
    return sorted(by_key.values(), key=lambda e: (-e.last_used, e.tag))


def plan_prune(images: list[EnvironmentImage], limit_bytes: Optional[int]) -> PrunePlan:
    """Least recently used first, leaves before what they extend, until the rest fit."""
    remove: list[EnvironmentImage] = []
    kept = list(images)
    total = sum(image.size for image in images)
    while limit_bytes is None or total > limit_bytes:
        children = {image.parent for image in kept if image.parent}
        candidates = [image for image in kept if image.needed_by is None and image.tag not in children]
        if not candidates:
            break
        oldest = min(candidates, key=lambda e: (e.last_used, e.tag))
        remove.append(oldest)
        kept.remove(oldest)
        total -= oldest.size
    return PrunePlan(images, remove, limit_bytes)


def only(plan: PrunePlan, tags: Optional[list[str]]) -> PrunePlan:
    """The plan cut down to `tags` (what a dry run showed and the user confirmed): an image the fresh
    plan would remove but nobody saw stays, and one a build made needed since the dry run stays too."""
    if tags is None:
        return plan
    confirmed = set(tags)
    return PrunePlan(plan.images, [image for image in plan.remove if image.tag in confirmed], plan.limit)


def prune(engine: Engine, plan: PrunePlan, emit: Callable[[str], None]) -> list[str]:
    """Remove what the plan says; returns one line per image that could not be removed."""
    problems = []
    for image in plan.remove:
        try:
            for untagged in image.untagged:  # an old notebook build of it, which no tag names
                engine.remove_image(untagged)
            engine.remove_image(image.tag)
            emit(f"removed {image.tag} ({image.size / GB:.2f} GB)")
        except ContainerizeError as err:  # e.g. a container still uses it: the engine refuses
            problems.append(f"{image.tag}: {err.message.splitlines()[0]}")
    return problems


def prune_past_limit(engine: Engine, limit_gb: Optional[float], emit: Callable[[str], None]) -> list[str]:
    """After a build: the admin's limit (GB; None or 0: off) enforced, least recently used first."""
    if not limit_gb:
        return []
    plan = plan_prune(list_environments(engine), int(limit_gb * GB))
    if not plan.remove:
        return []
    emit(f"Environment images: {plan.total / GB:.1f} GB, over the {limit_gb:g} GB limit: removing "
         f"{len(plan.remove)} least recently used")
    return prune(engine, plan, emit)


def environment_limit(asked: Optional[float]) -> Optional[float]:
    """The limit in GB: the one asked (the admin's, on the server), else $CONTAINERIZE_ENVIRONMENT_IMAGES_MAX_GB."""
    if asked is not None:
        return asked
    try:
        return float(os.environ.get(LIMIT_VARIABLE, "") or 0) or None
    except ValueError:
        return None


def _notebooks(labels: dict[str, str]) -> list[str]:
    """The notebooks an image holds: a project image's list, else its one notebook."""
    try:
        listed = json.loads(labels.get(NOTEBOOKS_LABEL) or "[]")
    except ValueError:
        listed = []
    names = [name for name in listed if isinstance(name, str) and name] if isinstance(listed, list) else []
    single = labels.get(NOTEBOOK_LABEL)
    return names or ([single] if single else [])


def _parent_sizes(engine: Engine, infos: dict[str, ImageInfo],
                  by_key: dict[str, EnvironmentImage]) -> dict[str, int]:
    """Each environment image's parent's size (the env it extends, else its base): what it shares."""
    tags = {entry.tag: key for key, entry in by_key.items()}
    found: dict[str, int] = {}
    base_sizes: dict[str, int] = {}
    for key, image in infos.items():
        parent = by_key[key].parent
        if parent in tags:
            found[key] = infos[tags[parent]].size
            continue
        base = image.labels.get(BASE_LABEL, "")
        if base and base not in base_sizes:
            try:
                base_sizes[base] = engine.image_info(base).size
            except Exception:  # the base is gone: its layers are then this image's alone
                base_sizes[base] = 0
        found[key] = base_sizes.get(base, 0)
    return found


def _mark_needed(images: list[EnvironmentImage]) -> None:
    by_tag = {image.tag: image for image in images}
    for image in images:
        if image.used_by:
            image.needed_by = image.used_by[0]
    changed = True
    while changed:  # what a kept image extends is kept
        changed = False
        for image in images:
            parent = by_tag.get(image.parent or "")
            if image.needed_by and parent is not None and parent.needed_by is None:
                parent.needed_by = image.tag
                changed = True
