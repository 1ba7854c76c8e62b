"""The pipeline: one build request run end to end (inspect -> render -> build -> verify -> share),
and the image builds the server runs as jobs (jobs/). The CLI, REST and panel use it."""

from .manager import BuildManager, ImageBuild
from .repair import run_build
from .run import BuildRequest, default_tag, run_pipeline

__all__ = [
    "BuildManager", "BuildRequest", "ImageBuild", "default_tag", "run_build", "run_pipeline",
]
