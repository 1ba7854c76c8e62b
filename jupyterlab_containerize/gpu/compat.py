"""Read-only access to the GPU compatibility data shipped in compat.json (see docs/gpu.md to update it)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from packaging.version import InvalidVersion, Version

DATA_FILE = Path(__file__).with_name("compat.json")


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    return dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def version(text: Optional[str]) -> Optional[Version]:
    if not text:
        return None
    try:
        return Version(text.split("+", 1)[0])
    except InvalidVersion:
        return None


def major_minor(text: str) -> str:
    parts = text.split("+", 1)[0].split(".")
    return ".".join(parts[:2])


def normalize_cuda(text: Optional[str]) -> Optional[str]:
    """'121' / 'cu121' / '12.1.105' / '12' -> '12.1' (or '12' when only the major is known)."""
    if not text:
        return None
    text = text.lower().removeprefix("cu").removeprefix("da")  # also 'cuda12'
    if "." not in text and text.isdigit() and len(text) >= 3:
        return f"{text[:-1]}.{text[-1]}"
    return major_minor(text) if "." in text else text


def min_driver_for(cuda: str) -> tuple[Optional[str], Optional[str]]:
    """(driver needed with minor-version compatibility, driver of the toolkit's own release)."""
    table = data()["cuda_min_driver"]
    return data()["cuda_minor_compat_driver"].get(cuda.split(".")[0]), table.get(major_minor(cuda))


def arch_range(compute_capability: str) -> tuple[Optional[str], Optional[str]]:
    cc = major_minor(compute_capability)
    return data()["arch_min_cuda"].get(cc), data()["arch_max_cuda"].get(cc)


def arch_name(compute_capability: str) -> str:
    return str(data()["arch_names"].get(major_minor(compute_capability), f"sm_{compute_capability.replace('.', '')}"))


def torch_builds(torch_version: str) -> list[str]:
    return list(data()["torch_cuda_builds"].get(major_minor(torch_version), []))


def runtime_image_for(cuda: str) -> Optional[str]:
    """The nvidia/cuda runtime+cuDNN image for CUDA X.Y, or the nearest newer one of the same major."""
    images: dict[str, str] = data()["cuda_runtime_images"]
    wanted = version(major_minor(cuda) if "." in cuda else f"{cuda}.0")
    if wanted is None:
        return None
    candidates = sorted((Version(k), v) for k, v in images.items() if Version(k).major == wanted.major)
    for available, image in candidates:
        if available >= wanted:
            return image
    return candidates[-1][1] if candidates else None


def at_least(have: Optional[str], need: Optional[str]) -> bool:
    a, b = version(have), version(need)
    return a is None or b is None or a >= b
