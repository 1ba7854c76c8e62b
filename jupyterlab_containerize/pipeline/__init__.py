"""The pipeline: one build request run end to end (inspect -> plan -> render -> build -> verify ->
publish), and the image builds the server runs as jobs (jobs/). The CLI, REST and panel use it;
build.run_build is the entry of every build."""

from .build import run_build
from .manager import BuildManager, ImageBuild
from .result import BuildResult
from .run import BuildRequest, default_tag, run_pipeline

__all__ = [
    "BuildManager", "BuildRequest", "BuildResult", "ImageBuild", "default_tag", "run_build", "run_pipeline",
]
