"""Bytes of image layers: what a set of images adds to the engine's disk (and to a registry).

Every image here is built FROM an environment image, itself one layer committed on the base (or on
an environment it extends), so an image's own layers weigh size(image) - size(its parent).
"""

from __future__ import annotations

from jupyterlab_containerize.builder.docker_engine import DockerEngine
from jupyterlab_containerize.builder.environment_reuse import PARENT_LABEL


def own_bytes(engine: DockerEngine, image: str, parent: str) -> int:
    return engine.image_info(image).size - engine.image_info(parent).size


def environment_parent(engine: DockerEngine, environment: str, base: str) -> str:
    return engine.image_info(environment).labels.get(PARENT_LABEL) or base


def total_bytes(engine: DockerEngine, results: list[dict], base: str) -> tuple[int, int]:
    """(environment layers, notebook layers) of these build results, each environment counted once."""
    environments = {r["environment_image"] for r in results}
    env_bytes = sum(own_bytes(engine, e, environment_parent(engine, e, base)) for e in environments)
    notebook_bytes = sum(own_bytes(engine, r["image"], r["environment_image"]) for r in results)
    return env_bytes, notebook_bytes
