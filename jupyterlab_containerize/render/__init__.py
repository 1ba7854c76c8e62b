"""Render: the environment spec -> a build context (Dockerfile, requirements, notebook, files)."""

from .base_image import check_base_python, choose_base_image, refusing_pins
from .context import RenderedContext, render_context
from .dockerfile import DockerfilePlan, render_dockerfile

__all__ = [
    "DockerfilePlan",
    "RenderedContext",
    "check_base_python",
    "choose_base_image",
    "refusing_pins",
    "render_context",
    "render_dockerfile",
]
