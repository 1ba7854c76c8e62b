"""Image references split into repository and tag: one reading for the engine and the tag moves."""

from __future__ import annotations

from typing import Optional


def split_image_ref(ref: str) -> tuple[str, Optional[str]]:
    """registry:5000/name:tag -> (registry:5000/name, tag); no tag -> "latest"; a digest stays in the
    repository part, with no tag (None)."""
    if "@" in ref:
        return ref, None
    head, _, last = ref.rpartition("/")
    if ":" in last:
        name, tag = last.split(":", 1)
        return (f"{head}/{name}" if head else name), tag
    return ref, "latest"
