"""Helpers of the fault tests on the real engine: one environment step, and what the engine holds."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from jupyterlab_containerize.builder.environment_image import ensure_environment_image, environment_key
from jupyterlab_containerize.builder.environment_reuse import ENV_LABEL, REPOSITORY
from jupyterlab_containerize.options import BuildOptions
from jupyterlab_containerize.render import render_context
from jupyterlab_containerize.render.build_only import FOLDER
from jupyterlab_containerize.render.context import RenderedContext
from jupyterlab_containerize.spec import EnvironmentSpec

APT = ["tree"]  # small (60 kB), and in no base image


@dataclass
class Events:
    lines: list[str] = field(default_factory=list)

    def __call__(self, kind: str, message: Any = "", **_: Any) -> None:
        self.lines.append(f"{kind}: {message}")


def render(spec: EnvironmentSpec, folder: Path, out: Path, base: str, environ: Optional[dict[str, str]] = None,
           **options: Any) -> RenderedContext:
    spec.apt_packages = list(APT)
    # this machine's environment: its CA bundle is what lets the container reach the index here
    return render_context(spec, folder / "hello.ipynb", BuildOptions(target="batch", base_image=base, **options),
                          out, environ={**os.environ, **(environ or {})})


def environment_step(engine: Any, context: RenderedContext, rebuild: bool = True) -> tuple[str, Events]:
    events = Events()
    tag = ensure_environment_image(engine, context, events, threading.Event(), rebuild=rebuild)
    return tag, events


def env_images(engine: Any, key: str = "") -> dict[str, tuple[str, ...]]:
    """The environment images the engine holds (of one key: this test's; the engine is shared, so
    others come and go meanwhile): id -> its tags."""
    label = f"{ENV_LABEL}={key}" if key else ENV_LABEL
    return {i["Id"]: tuple(i.get("RepoTags") or ()) for i in engine.client.api.images(filters={"label": label})}


def key_of(engine: Any, context: RenderedContext) -> str:
    """The environment key a context's build is tagged with (the proxies are not in it)."""
    return environment_key(context.directory / FOLDER, engine.image_info(context.base_image).id)


def our_containers(engine: Any, image_ids: set[str]) -> list[str]:
    """Containers (running or not) of the images this test started from: none may be left over."""
    found = engine.client.api.containers(all=True)
    return [c["Id"] for c in found if c.get("ImageID") in image_ids]


def remove_ours(engine: Any, before: dict[str, tuple[str, ...]]) -> None:
    """Remove the environment images this test made (never one that was there before it)."""
    for image_id, tags in env_images(engine).items():
        if image_id in before:
            continue
        for tag in tags:
            if tag.startswith(f"{REPOSITORY}:"):
                try:
                    engine.client.api.remove_image(tag)
                except Exception:  # noqa: S110  an image built on it (another helper's) keeps it
                    pass
