"""The Docker engine through docker-py: DOCKER_HOST (unix://, tcp:// with TLS, ssh://) and Docker
contexts are honoured, Podman's Docker API works too. Nothing is bind-mounted: files travel
through the API (container_files.py), so remote, VM and rootless engines work. Named volumes
(storage of the engine itself, never the client's folders) may be mounted."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import docker
import docker.errors
import requests.exceptions
import urllib3.exceptions
from docker.types import Mount

from ..errors import (
    BaseImageNotFound,
    BuildCancelled,
    BuildFailed,
    ContainerizeError,
    DiskFull,
    EngineUnavailable,
    PushFailed,
)
from ..image_ref import split_image_ref
from ..safe_write import write_chunks
from .container_files import collect_files, put_files
from .engine import READY_TO_COMMIT, ImageInfo, LabelsOf, LineSink, RunResult, Volumes
from .engine_connection import EngineAPIClient, EngineClient, connection
from .user_cache import read_record, write_record

PYTHON_VERSION_CODE = "import sys; print('.'.join(map(str, sys.version_info[:3])))"
# on each install container: host:pid of the process that will commit it; one whose process died
# (a server killed mid-build) is never committed, and is removed by the next environment step
INSTALL_LABEL = "io.jupyter.containerize.install"
VERSIONS_RECORD = "base-python.json"  # image id -> Python version: an image id names its content, never stale


class DockerEngine:
    name = "docker"

    def __init__(self, timeout: int = 600, base_url: Optional[str] = None,
                 tls_cert_path: Optional[str] = None, tls_verify: bool = False) -> None:
        """With no base_url the environment decides, as for the Docker CLI (engine_connection.py)."""
        self._timeout = timeout
        self._versions: dict[str, str] = {}  # image id -> Python version
        self._removals: list[threading.Thread] = []  # containers removed in the background
        try:
            self._connection = connection(base_url, tls_cert_path, tls_verify)
            self.client = EngineClient(timeout=timeout, **self._connection)
            self.client.ping()
        except (docker.errors.DockerException, requests.exceptions.RequestException, OSError) as err:
            raise EngineUnavailable(f"No container engine answered: {_short(err)}") from err

    def ping(self) -> None:
        try:
            self.client.ping()
        except (docker.errors.DockerException, requests.exceptions.RequestException) as err:
            raise EngineUnavailable(
                f"The container engine stopped answering: {_short(err)}"
            ) from err

    def version(self) -> str:
        try:
            return str(self.client.version().get("Version", ""))
        except (docker.errors.DockerException, requests.exceptions.RequestException) as err:
            raise EngineUnavailable(f"The container engine stopped answering: {_short(err)}") from err

    def ensure_image(self, ref: str, on_line: LineSink) -> None:
        """Use the local image if there is one, else pull it."""
        try:
            self.client.api.inspect_image(ref)
            return
        except docker.errors.ImageNotFound:
            pass
        repo, tag = split_image_ref(ref)
        try:
            for line in self.client.api.pull(repo, tag=tag, stream=True, decode=True):
                if "error" in line:
                    raise BaseImageNotFound(
                        f"The base image {ref} could not be pulled: {line['error']}"
                    )
                on_line(line)
        except docker.errors.APIError as err:
            raise BaseImageNotFound(
                f"The base image {ref} is not here and could not be pulled: {_short(err)}"
            ) from err

    def image_python(self, ref: str) -> str:
        """The base's own python3 version, learnt by running it (labels can lie or be absent)."""
        image_id = self.client.api.inspect_image(ref)["Id"]
        if image_id not in self._versions:
            self._versions.update({k: str(v) for k, v in read_record(VERSIONS_RECORD).items()})
        if image_id not in self._versions:
            result = self.run(ref, ["-c", PYTHON_VERSION_CODE], entrypoint=["python3"],
                              network=False, timeout=60)
            if result.exit_code != 0:
                raise BuildFailed(
                    f"The base image {ref} has no working python3: {result.logs.strip()[-300:]}",
                    hint="Any image with a python3 on its PATH works; pick another base image.",
                    cli_hint="Any image with a python3 on its PATH works; pick another --base.",
                )
            self._versions[image_id] = result.logs.strip().splitlines()[-1]
            write_record(VERSIONS_RECORD, self._versions)
        return self._versions[image_id]

    def build(self, context: Path, tag: str, build_args: dict[str, str], on_line: LineSink,
              cancel: threading.Event, no_cache: bool = False) -> str:
        # one client per build: cutting its connection cancels this build and no other
        api = _CancellableAPIClient(timeout=self._timeout, **self._connection)
        watcher = threading.Thread(target=_close_on_cancel, args=(api, cancel), daemon=True)
        watcher.start()
        image_id = ""
        try:
            for line in api.build(path=str(context), tag=tag, buildargs=build_args, rm=True,
                                  forcerm=True, decode=True, nocache=no_cache, pull=False):
                if cancel.is_set():
                    raise BuildCancelled("The build was cancelled.")
                if "ID" in (line.get("aux") or {}):
                    image_id = line["aux"]["ID"]
                on_line(line)
        except ContainerizeError:
            raise
        except Exception as err:  # a cut connection surfaces as urllib3/requests/OSError errors
            if cancel.is_set():
                raise BuildCancelled("The build was cancelled.") from err
            if isinstance(err, (docker.errors.DockerException, requests.exceptions.RequestException,
                                urllib3.exceptions.HTTPError, OSError)):
                raise EngineUnavailable(f"The engine dropped the build: {_short(err)}") from err
            raise
        finally:
            api.done.set()
            api.close()
        if cancel.is_set():
            raise BuildCancelled("The build was cancelled.")
        return image_id or self.client.api.inspect_image(tag)["Id"]

    def image_info(self, ref: str) -> ImageInfo:
        data = self.client.api.inspect_image(ref)
        repo = split_image_ref(ref)[0]
        # an image pushed to several registries has several; the one for this tag's repository
        digests = [d for d in data.get("RepoDigests") or [] if d.startswith(f"{repo}@")]
        return ImageInfo(
            id=data["Id"], size=int(data.get("Size", 0)), digest=digests[0] if digests else None,
            labels=(data.get("Config") or {}).get("Labels") or {},
            layers=(data.get("RootFS") or {}).get("Layers") or [], tags=data.get("RepoTags") or [],
            entrypoint=(data.get("Config") or {}).get("Entrypoint"),
        )

    def images_with_label(self, label: str) -> list[ImageInfo]:
        with container_errors("the image list"):
            found = self.client.api.images(filters={"label": label})
        return [ImageInfo(id=item["Id"], size=int(item.get("Size") or 0),
                          labels=item.get("Labels") or {},
                          tags=[t for t in item.get("RepoTags") or [] if t != "<none>:<none>"],
                          created=float(item.get("Created") or 0) or None, parent=item.get("ParentId") or None)
                for item in found]

    def local_images(self) -> list[ImageInfo]:
        with container_errors("the image list"):
            found = self.client.api.images()
        images = [ImageInfo(id=item["Id"], size=int(item.get("Size") or 0), labels=item.get("Labels") or {},
                            tags=[t for t in item.get("RepoTags") or [] if t != "<none>:<none>"])
                  for item in found]
        return [image for image in images if image.tags]

    def ensure_volume(self, name: str, labels: dict[str, str]) -> None:
        with container_errors(f"the volume {name}"):
            try:
                self.client.volumes.get(name)
            except docker.errors.NotFound:
                self.client.volumes.create(name, labels=labels)

    def run(self, image: str, command: list[str], entrypoint: Optional[list[str]] = None,
            files_in: Optional[dict[str, Path]] = None, files_out: Optional[list[str]] = None,
            network: bool = True, timeout: Optional[float] = None,
            cancel: Optional[threading.Event] = None, volumes: Optional[Volumes] = None) -> RunResult:
        with container_errors(image):
            container = self.client.containers.create(
                image, command=command, entrypoint=entrypoint,
                network_mode=None if network else "none", detach=True, mounts=_mounts(volumes),
            )
            try:
                if files_in:
                    put_files(container, files_in)
                container.start()
                code = _wait(container, timeout, cancel)
                logs = container.logs(stdout=True, stderr=True).decode("utf-8", "replace")
                return RunResult(exit_code=code, logs=logs,
                                 files=collect_files(container, files_out or []))
            finally:
                _remove(container)

    def run_and_commit(self, image: str, command: list[str], files_in: dict[str, Path],
                       on_line: LineSink, cancel: threading.Event, repository: str, tag: str,
                       label: tuple[str, str], labels_of: Optional[LabelsOf] = None,
                       files_out: Optional[list[str]] = None,
                       volumes: Optional[Volumes] = None) -> tuple[int, str]:
        with container_errors(image):
            container = self.client.containers.create(image, command=command[1:],
                                                      entrypoint=command[:1], user="0",
                                                      detach=True, mounts=_mounts(volumes),
                                                      labels={INSTALL_LABEL: _owner()})
            try:
                put_files(container, files_in)
                container.start()
                watcher = threading.Thread(target=_kill_on_cancel, args=(container, cancel),
                                           daemon=True)
                watcher.start()
                ready = _stream_logs(container, on_line, stop_at=READY_TO_COMMIT)
                code = 0 if ready and not cancel.is_set() else _wait(container, None, cancel)
                committed = self._commit(container, repository, tag, label, labels_of, files_out) if code == 0 else ""
            except BaseException:
                _remove(container)
                raise
            if not committed:
                _remove(container)
                return code, ""
            # its removal flushes the file system (the unmount): off the build's path once committed
            removal = threading.Thread(target=_remove_quietly, args=(container,), name="containerize-remove")
            removal.start()
            self._removals.append(removal)
            return 0, committed

    def wait_for_removals(self) -> None:
        """Until the containers removed in the background are gone (their volumes and images free)."""
        while self._removals:
            self._removals.pop().join()

    def _commit(self, container: Any, repository: str, tag: str, label: tuple[str, str],
                labels_of: Optional[LabelsOf], files_out: Optional[list[str]]) -> str:
        labels = dict([label])
        if labels_of is not None:
            labels.update(labels_of(collect_files(container, files_out or [])))
        # JSON values: a label may hold spaces (a pin list) without quoting rules of its own
        changes = [f"LABEL {json.dumps(k)}={json.dumps(v)}" for k, v in labels.items()]
        return str(container.commit(repository=repository, tag=tag, changes=changes).id)

    def read_files(self, image: str, paths: list[str]) -> dict[str, bytes]:
        with container_errors(image):
            container = self.client.containers.create(image, command=["true"], detach=True)
            try:
                return collect_files(container, paths)
            finally:
                _remove(container)

    def remove_image(self, ref: str) -> None:
        with container_errors(ref):
            self.client.api.remove_image(ref, noprune=False)

    def tag(self, image_id: str, ref: str) -> None:
        repo, name_tag = split_image_ref(ref)
        with container_errors(image_id):
            self.client.api.tag(image_id, repo, name_tag, force=True)

    def untag(self, ref: str) -> None:
        with container_errors(ref):
            try:
                # noprune: the image itself stays (it has the user's tag now, or is kept on purpose)
                self.client.api.remove_image(ref, noprune=True)
            except docker.errors.ImageNotFound:
                pass

    def remove_orphaned_installs(self) -> list[str]:
        """Install containers whose committing process on this host is gone: never committed,
        removed (running ones too). Another host's, or a live process's, are left alone."""
        with container_errors("the container list"):
            found = self.client.api.containers(all=True, filters={"label": INSTALL_LABEL})
        removed = []
        for item in found:
            host, _, pid = str((item.get("Labels") or {}).get(INSTALL_LABEL, "")).rpartition(":")
            if host != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
                continue
            try:
                self.client.api.remove_container(item["Id"], force=True)
                removed.append(str(item["Id"])[:12])
            except docker.errors.APIError:
                pass  # gone meanwhile, or being removed
        return removed

    def push(self, tag: str, on_line: LineSink) -> str:
        """Push with the credentials of the user's Docker config; returns repo@digest."""
        repo, name_tag = split_image_ref(tag)
        digest = ""
        try:
            for line in self.client.api.push(repo, tag=name_tag, stream=True, decode=True):
                if "error" in line:
                    raise PushFailed(f"Pushing {tag} failed: {line['error']}")
                digest = (line.get("aux") or {}).get("Digest", digest)
                on_line(line)
        except (docker.errors.APIError, requests.exceptions.RequestException) as err:
            raise PushFailed(f"Pushing {tag} failed: {_short(err)}") from err
        if digest:
            return f"{repo}@{digest}"
        return self.image_info(tag).digest or ""  # older engines print no aux digest

    def save(self, tag: str, path: Path) -> None:
        # by the tag, so the tar names this tag even when the image has others
        write_chunks(path, self.client.api.get_image(tag))


class _CancellableAPIClient(EngineAPIClient):
    """Keeps the build's streaming response so a cancel can cut the connection (the engine then
    stops the build), even during a step that prints nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.response: Any = None
        self.done = threading.Event()

    def _post(self, *args: Any, **kwargs: Any) -> Any:
        self.response = super()._post(*args, **kwargs)
        return self.response


def _close_on_cancel(api: _CancellableAPIClient, cancel: threading.Event) -> None:
    while not api.done.is_set():
        if cancel.wait(0.2):
            sock = _socket_of(api.response)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            return


def _socket_of(response: Any) -> Optional[socket.socket]:
    raw = getattr(response, "raw", None)
    conn = getattr(raw, "_connection", None)
    sock = getattr(conn, "sock", None)
    if sock is None:  # urllib3 1.x keeps it on the file object
        sock = getattr(getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None),
                       "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _wait(container: Any, timeout: Optional[float], cancel: Optional[threading.Event]) -> int:
    """Wait for exit in short slices so cancel and the overall timeout both apply."""

    deadline = time.monotonic() + timeout if timeout else None
    while True:
        try:
            return int(container.wait(timeout=2)["StatusCode"])
        except requests.exceptions.RequestException:
            pass
        if cancel is not None and cancel.is_set():
            container.kill()
            raise BuildCancelled("Cancelled while the container ran.")
        if deadline is not None and time.monotonic() > deadline:
            container.kill()
            return 124


@contextlib.contextmanager
def container_errors(image: str) -> Iterator[None]:
    """The engine's refusals to create, start or commit a container, as errors with a hint."""
    try:
        yield
    except ContainerizeError:
        raise
    except docker.errors.ImageNotFound as err:
        raise BaseImageNotFound(f"The image {image} is not there: {_short(err)}") from err
    except docker.errors.APIError as err:
        text = str(err.explanation or err)
        if "no space left on device" in text.lower():
            raise DiskFull("The engine ran out of disk space.", detail=text) from err
        raise BuildFailed(f"The engine could not run a container of {image}: {text[:500]}",
                          hint="Check that the engine can run containers at all "
                          "(`docker run --rm IMAGE true`); its log says more.") from err
    except requests.exceptions.RequestException as err:
        raise EngineUnavailable(f"The container engine stopped answering: {_short(err)}") from err


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True




def _stream_logs(container: Any, on_line: LineSink, stop_at: Optional[str] = None) -> bool:
    """Pass the container's lines on until it exits, or until the line `stop_at` (True then)."""
    pending = b""
    for chunk in container.logs(stream=True, follow=True):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            text = line.decode("utf-8", "replace")
            if stop_at is not None and text.rstrip() == stop_at:
                return True
            on_line({"stream": text + "\n"})
    if pending:
        on_line({"stream": pending.decode("utf-8", "replace") + "\n"})
    return False


def _remove(container: Any) -> None:
    """Remove a container of ours; one already gone, or already being removed, is fine."""
    try:
        container.remove(force=True)
    except docker.errors.NotFound:
        pass
    except docker.errors.APIError as err:
        if err.status_code != 409 or "in progress" not in str(err.explanation or ""):
            raise


def _remove_quietly(container: Any) -> None:
    try:
        _remove(container)
    except (docker.errors.APIError, requests.exceptions.RequestException):
        pass  # an install container left behind is removed by the next build


def _kill_on_cancel(container: Any, cancel: threading.Event) -> None:
    while True:
        if cancel.wait(0.5):
            try:
                container.kill()
            except docker.errors.APIError:
                pass  # it had already exited
            return
        try:
            container.reload()
        except docker.errors.NotFound:
            return
        if container.status not in ("created", "running"):
            return


def _mounts(volumes: Optional[Volumes]) -> list[Mount]:
    """Named volumes only (type=volume, never a bind of this machine's paths); no_copy: an empty
    volume is not filled from the image's files at that path."""
    return [Mount(target, name, type="volume", no_copy=True) for name, target in (volumes or {}).items()]


def _short(err: BaseException) -> str:
    text = str(err)
    return text if len(text) < 400 else text[:400] + "..."
