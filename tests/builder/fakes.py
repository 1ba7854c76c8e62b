"""A fake engine for unit tests: records calls, replays a build log, never touches Docker."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Optional

from jupyterlab_containerize.builder.engine import ImageInfo, LineSink, RunResult
from jupyterlab_containerize.builder.environment_check import REPORT_PATH

GOOD_LOG: list[dict[str, Any]] = [
    {"stream": "Step 1/3 : FROM base AS builder\n"},
    {"stream": " ---> abc\n"},
    {"stream": "Step 2/3 : RUN uv pip install -r requirements.txt\n"},
    {"stream": "Installed 2 packages\n"},
    {"stream": "Step 3/3 : COPY nb.ipynb /home/jovyan/work/\n"},
    {"aux": {"ID": "sha256:feed"}},
    {"stream": "Successfully built feed\n"},
]


class FakeEngine:
    name = "fake"

    def __init__(self, python: str = "3.11.2", log: Optional[list[dict[str, Any]]] = None,
                 block: Optional[threading.Event] = None) -> None:
        self.python = python
        self.log = GOOD_LOG if log is None else log
        self.block = block  # when set, build() waits on cancel instead of finishing
        self.built: list[tuple[Path, str, dict[str, str]]] = []
        self.contexts: list[str] = []
        self.committed: list[str] = []
        self.install_log: list[dict[str, Any]] = [{"stream": "containerize-step: uv\n"}]
        self.install_code = 0
        self.copied_in: list[dict[str, Path]] = []  # files_in of each run and run_and_commit
        self.commands: list[list[str]] = []  # the command of each run_and_commit
        self.commit_bases: list[str] = []  # the image each run_and_commit started from
        self.runs: list[dict[str, Any]] = []
        self.removed: list[str] = []
        # container path -> bytes a run leaves behind; files_out picks from them
        # the environment check's report (builder/environment_check.py): every install passes it here
        self.container_files: dict[str, bytes] = {REPORT_PATH: b"python 3.11.2\n"}
        self.run_result = RunResult(0, "")
        self.image_labels: dict[str, dict[str, str]] = {}  # tag -> labels, of the committed images
        self.volumes: list[Optional[dict[str, str]]] = []  # the volumes of each run_and_commit
        self.created_volumes: list[str] = []
        self.tags: dict[str, str] = {}  # name -> image id, as tag()/untag() left them

    def wait_for_removals(self) -> None:
        pass

    def ping(self) -> None:
        pass

    def ensure_image(self, ref: str, on_line: LineSink) -> None:
        pass

    def image_python(self, ref: str) -> str:
        return getattr(self, "pythons", {}).get(ref, self.python)

    def local_images(self) -> list[ImageInfo]:  # tests set `pythons` ({tag: python}) for images here
        return [ImageInfo(id=f"sha256:local{i}", size=1, tags=[tag])
                for i, tag in enumerate(getattr(self, "pythons", {}))]

    def build(self, context: Path, tag: str, build_args: dict[str, str], on_line: LineSink,
              cancel: threading.Event, no_cache: bool = False) -> str:
        self.built.append((context, tag, build_args))
        self.contexts.append((context / "Dockerfile").read_text())
        if self.block is not None:
            self.block.set()
            cancel.wait(10)
            from jupyterlab_containerize.errors import BuildCancelled

            raise BuildCancelled("The build was cancelled.")
        for line in self.log:
            on_line(line)
        return "sha256:feed"

    def image_info(self, ref: str) -> ImageInfo:
        if ref.startswith("localhost/containerize-env:") and ref not in self.committed:
            raise LookupError(ref)
        return ImageInfo(id="sha256:feed", size=123_000_000, labels=self.image_labels.get(ref, {}),
                         layers=["l1", "l2"])

    def images_with_label(self, label: str) -> list[ImageInfo]:
        return [ImageInfo(id=f"sha256:{i}", size=1, labels=labels, tags=[tag])
                for i, (tag, labels) in enumerate(self.image_labels.items()) if label in labels]

    def ensure_volume(self, name: str, labels: dict[str, str]) -> None:
        if name not in self.created_volumes:
            self.created_volumes.append(name)

    def run(self, image: str, command: list[str], entrypoint: Optional[list[str]] = None,
            files_in: Optional[dict[str, Path]] = None, files_out: Optional[list[str]] = None,
            network: bool = True, timeout: Optional[float] = None,
            cancel: Optional[threading.Event] = None,
            volumes: Optional[dict[str, str]] = None) -> RunResult:
        self.runs.append({"image": image, "command": command, "entrypoint": entrypoint,
                          "files_out": files_out, "network": network})
        self._copy_in(files_in or {})
        wanted = [p.rstrip("/") for p in files_out or []]
        files = {path: data for path, data in self.container_files.items()
                 if any(path == w or path.startswith(w + "/") for w in wanted)}
        return RunResult(self.run_result.exit_code, self.run_result.logs, files)

    def run_and_commit(self, image: str, command: list[str], files_in: dict[str, Path],
                       on_line: LineSink, cancel: threading.Event, repository: str, tag: str,
                       label: tuple[str, str], labels_of: Optional[Callable[[dict[str, bytes]], dict[str, str]]] = None,
                       files_out: Optional[list[str]] = None,
                       volumes: Optional[dict[str, str]] = None) -> tuple[int, str]:
        self._copy_in(files_in)
        self.volumes.append(volumes)
        self.commands.append(command)
        self.commit_bases.append(image)
        self.committed.append(f"{repository}:{tag}")
        for line in self.install_log:
            on_line(line)
        if self.install_code:
            return self.install_code, ""
        wanted = files_out or []
        files = {p: d for p, d in self.container_files.items() if p in wanted}
        self.image_labels[f"{repository}:{tag}"] = {label[0]: label[1], **(labels_of(files) if labels_of else {})}
        return 0, "sha256:env"

    def _copy_in(self, files_in: dict[str, Path]) -> None:
        """As the real engine: absolute container paths, host files that exist now."""
        for target, path in files_in.items():
            assert target.startswith("/"), target
            assert path.exists(), path
        self.copied_in.append(dict(files_in))

    def read_files(self, image: str, paths: list[str]) -> dict[str, bytes]:
        wanted = [p.rstrip("/") for p in paths]
        return {path: data for path, data in self.container_files.items()
                if any(path == w or path.startswith(w + "/") for w in wanted)}

    def remove_image(self, ref: str) -> None:
        self.removed.append(ref)
        self.image_labels.pop(ref, None)

    def tag(self, image_id: str, ref: str) -> None:
        self.tags[ref] = image_id

    def untag(self, ref: str) -> None:
        self.tags.pop(ref, None)
        self.image_labels.pop(ref, None)
        if ref in self.committed:
            self.committed.remove(ref)

    def push(self, tag: str, on_line: LineSink) -> str:
        return f"{tag.rsplit(':', 1)[0]}@sha256:{'0' * 64}"

    def save(self, tag: str, path: Path) -> None:
        path.write_bytes(b"tar")
