"""The engine interface the pipeline talks to, so another engine can be added beside Docker's."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Protocol

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


@dataclass
class RunResult:
    exit_code: int
    logs: str


@dataclass
class Mount:
    host: Path
    container: str
    read_only: bool = False


class Engine(Protocol):
    """What the pipeline needs from a container engine; every call blocks (run it in a thread)."""

    name: str

    def ping(self) -> None: ...

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

    def run(
        self,
        image: str,
        command: list[str],
        entrypoint: Optional[list[str]] = None,
        mounts: Optional[list[Mount]] = None,
        network: bool = True,
        timeout: Optional[float] = None,
        cancel: Optional[threading.Event] = None,
    ) -> RunResult: ...

    def run_and_commit(
        self,
        image: str,
        command: list[str],
        files: dict[str, Path],
        on_line: LineSink,
        cancel: threading.Event,
        repository: str,
        tag: str,
        label: tuple[str, str],
    ) -> tuple[int, str]:
        """Run `command` as root in a container of `image` with `files` put under /tmp first
        (never in an image); commit the result as repository:tag when it exits 0.
        Returns (exit code, image id or "")."""
        ...

    def push(self, tag: str, on_line: LineSink) -> str: ...

    def save(self, tag: str, path: Path) -> None: ...
