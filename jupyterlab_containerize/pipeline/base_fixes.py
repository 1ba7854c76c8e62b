"""The fixes a build offers when its base image cannot be used: a base that cannot be pulled, or one
whose Python the pins refuse. Each fix is an errors.FixAction the panel applies with one click;
this module finds the images the engine already has that would do."""

from __future__ import annotations

import re
from typing import Any, Callable, Optional

from packaging.version import InvalidVersion, Version

from ..builder.engine import Engine
from ..errors import BaseImageNotFound, ContainerizeError, FixAction
from ..render.base_image import accepts_every_pin, matching_base
from ..spec import EnvironmentSpec

# Images whose name says they carry Python (python:3.12-slim, localhost/team/python:3.11, ...): only
# these are run to read their python3's version, so a machine with many images is not slowed down.
PYTHON_IMAGE = re.compile(r"(^|/)[^/:]*python[^/:]*:")
MAX_PROBED = 6


def local_python_bases(engine: Engine, spec: EnvironmentSpec, exclude: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(image, its Python) for images the engine has whose python3 is the kernel's minor version and
    satisfies every pin. Never raises: no answer means no such fix."""
    wanted = _minor(spec.python.version)
    if wanted is None:
        return []
    try:
        images = engine.local_images()
    except (ContainerizeError, OSError):
        return []
    tags = sorted({image.tags[0] for image in images if image.tags and PYTHON_IMAGE.search(image.tags[0])})
    found = []
    for tag in [t for t in tags if t not in exclude][:MAX_PROBED]:
        try:
            python = engine.image_python(tag)
        except (ContainerizeError, OSError, LookupError):
            continue
        if _minor(python) == wanted and accepts_every_pin(spec.packages, python):
            found.append((tag, python))
    return found


def ensure_base(engine: Engine, base: str, spec: EnvironmentSpec, on_line: Callable[[dict[str, Any]], None]) -> None:
    """Pull the base unless it is here; when it cannot be had, the error offers the images here that
    would do (and python:X.Y-slim of the kernel's Python, when that is not the base that failed)."""
    try:
        engine.ensure_image(base, on_line)
    except BaseImageNotFound as err:
        actions = [FixAction(id="local-image", label=f"Build on {image} (here already, Python {python})",
                             options_patch={"base_image": image}, cli=f"--base {image}")
                   for image, python in local_python_bases(engine, spec, exclude=(base,))]
        matching = matching_base(spec)
        if matching is not None and matching != base:
            actions.append(FixAction(id="matching-base", label=f"Build on {matching}",
                                     options_patch={"base_image": matching}, cli=f"--base {matching}"))
        err.actions = [*err.actions, *actions]
        raise


def _minor(version: Optional[str]) -> Optional[tuple[int, int]]:
    try:
        parsed = Version(version or "")
    except InvalidVersion:
        return None
    return parsed.major, parsed.minor
