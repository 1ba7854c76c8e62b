"""The engine interface the pipeline talks to, so another engine can be added beside Docker's.

Files move through the engine's API only (copied into a created container before it starts,
copied out after it exits; build contexts sent as a stream), never bind-mounted: the engine may
run elsewhere (ssh://, tcp:// with TLS), in a VM (Podman machine, Colima) or rootless, and not
see the client's files at all. Named volumes (engine-side storage, such as the package cache) may
be mounted: they live where the engine is, and a commit never includes them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

# A line run_and_commit's command prints, then waits: the engine commits the container while it runs.
# An exited container's unmount first writes every file it made to disk (~15 s for a 300 MB venv here).
READY_TO_COMMIT = "containerize-ready-to-commit"

LineSink = Callable[[dict[str, Any]], None]


@dataclass
class ImageInfo:
    id: str
    size: int
    digest: Optional[str] = None  # repo digest, once pushed or pulled
    labels: dict[str, str] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    entrypoint: Optional[list[str]] = None
    created: Optional[float] = None  # seconds since the epoch (images_with_label fills it)
    parent: Optional[str] = None  # the image it was built FROM, when the engine knows (images_with_label)


# {named volume: container path}; a volume the engine lacks is created, and none is ever committed
Volumes = dict[str, str]
# labels of the image a run_and_commit makes, from the files its command left (files_out)
LabelsOf = Callable[[dict[str, bytes]], dict[str, str]]


@dataclass
class RunResult:
    exit_code: int
    logs: str
    # what files_out asked for: container path of each regular file collected -> its bytes
    files: dict[str, bytes] = field(default_factory=dict)


class ContextPlan(Protocol):
    @property
    def keep_ca(self) -> bool: ...


class BuildContext(Protocol):
    """What a build reads of a rendered context (render/context.py's RenderedContext): the builder
    names what it needs here instead of importing render/."""

    @property
    def directory(self) -> Path: ...

    @property
    def base_image(self) -> str: ...

    @property
    def apt_packages(self) -> list[str]: ...

    @property
    def build_args(self) -> dict[str, str]: ...

    @property
    def plan(self) -> ContextPlan: ...


class Engine(Protocol):
    """What the pipeline needs from a container engine; every call blocks (run it in a thread)."""

    name: str

    def ping(self) -> None: ...

    def version(self) -> str:
        """The engine's own version ("" when it does not say); EngineUnavailable when it does not answer."""
        ...

    def ensure_image(self, ref: str, on_line: LineSink) -> None: ...

    def image_python(self, ref: str) -> str: ...

    def build(
        self,
        context: Path,
        tag: str,
        build_args: dict[str, str],
        on_line: LineSink,
        cancel: threading.Event,
        no_cache: bool = False,
    ) -> str: ...

    def image_info(self, ref: str) -> ImageInfo: ...

    def images_with_label(self, label: str) -> list[ImageInfo]:
        """Every local image that has `label` (any value): id, size, labels and tags."""
        ...

    def local_images(self) -> list[ImageInfo]:
        """Every tagged image the engine has (id, size, labels, tags): bases it can use without a pull."""
        ...

    def ensure_volume(self, name: str, labels: dict[str, str]) -> None:
        """Create the named volume unless the engine has it."""
        ...

    def run(
        self,
        image: str,
        command: list[str],
        entrypoint: Optional[list[str]] = None,
        files_in: Optional[dict[str, Path]] = None,
        files_out: Optional[list[str]] = None,
        network: bool = True,
        timeout: Optional[float] = None,
        cancel: Optional[threading.Event] = None,
        volumes: Optional[Volumes] = None,
    ) -> RunResult:
        """Run a container of `image` to its end. `files_in` ({container path: host file or
        folder}, owned by root) are copied in before it starts; the files under each of
        `files_out` (files or folders) are copied out after it exits, into RunResult.files;
        a path that is not there is left out. `volumes` are mounted while it runs."""
        ...

    def run_and_commit(
        self,
        image: str,
        command: list[str],
        files_in: dict[str, Path],
        on_line: LineSink,
        cancel: threading.Event,
        repository: str,
        tag: str,
        label: tuple[str, str],
        labels_of: Optional[LabelsOf] = None,
        files_out: Optional[list[str]] = None,
        volumes: Optional[Volumes] = None,
    ) -> tuple[int, str]:
        """Run `command` as root in a container of `image` with `files_in` copied in first (as
        in `run`) and `volumes` mounted; commit the result as repository:tag when it exits 0, or
        while it runs once it printed the line READY_TO_COMMIT (not passed to `on_line`),
        labelled with `label` and with `labels_of(files)`, the files under `files_out` it left.
        The volumes' contents are not in the committed image. Returns (exit code, image id or "")."""
        ...

    def wait_for_removals(self) -> None:
        """Return once the containers run_and_commit removes in the background are gone."""
        ...

    def read_files(self, image: str, paths: list[str]) -> dict[str, bytes]:
        """The regular files under each of `paths` in `image`, read from a container that is
        created and never started; a path that is not there is left out."""
        ...

    def remove_image(self, ref: str) -> None:
        """Remove a tag (and the image, when no other tag or child image holds it)."""
        ...

    def tag(self, image_id: str, ref: str) -> None:
        """Point `ref` (name:tag) at `image_id`, moving it off whatever image it named before."""
        ...

    def untag(self, ref: str) -> None:
        """Remove the name `ref` only: the image stays while another name or the id holds it."""
        ...

    def push(self, tag: str, on_line: LineSink) -> str: ...

    def save(self, tag: str, path: Path) -> None: ...
