"""Files into and out of a container through the engine's API (tar archives), never bind mounts:
the engine may not see the client's filesystem at all (remote, VM or rootless engines)."""

from __future__ import annotations

import contextlib
import io
import posixpath
import tarfile
from pathlib import Path
from typing import Any, Iterable, Iterator

import docker.errors
import requests.exceptions
import urllib3.exceptions

from ..errors import BuildFailed, EngineUnavailable
from .archive import tar_of

MAX_COLLECT_BYTES = 256 * 1024 * 1024  # what one run may copy out: notebooks with outputs, reports
TRANSFER_HINT = (
    "Files reach the container through the engine's API (as `docker cp` does), never through "
    "bind mounts. Check that this engine allows copying files into and out of containers; "
    "its log says more."
)


def put_files(container: Any, files_in: dict[str, Path]) -> None:
    """Copy {absolute container path: host path} into a created container; parents are made."""
    for target in files_in:
        if not posixpath.isabs(target):
            raise ValueError(f"container paths must be absolute: {target}")
    archive = tar_of({target.lstrip("/"): path for target, path in files_in.items()})
    with transfer_errors(f"files into the container ({', '.join(files_in)})"):
        if not container.put_archive("/", archive):
            raise BuildFailed("The engine refused to copy files into the container.",
                              hint=TRANSFER_HINT)


def collect_files(container: Any, files_out: Iterable[str]) -> dict[str, bytes]:
    """The regular files under each container path (file or folder), read from a stopped
    container; paths that do not exist are left out."""
    collected: dict[str, bytes] = {}
    budget = MAX_COLLECT_BYTES
    for path in files_out:
        path = posixpath.normpath(path)
        with transfer_errors(f"{path} out of the container"):
            try:
                chunks, _ = container.get_archive(path)
                data = _read_capped(chunks, budget, path)
            except docker.errors.NotFound:
                continue
        budget -= len(data)
        collected.update(files_of_archive(data, path))
    return collected


def files_of_archive(data: bytes, path: str) -> dict[str, bytes]:
    """{container path: bytes} of the regular files in the engine's archive of `path`, whose
    members are named from the path's last part; a member that would land elsewhere is ignored."""
    parent = posixpath.dirname(path)
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive:
            if not member.isfile():
                continue
            where = posixpath.normpath(posixpath.join(parent, member.name))
            if where != path and not where.startswith(path.rstrip("/") + "/"):
                continue
            handle = archive.extractfile(member)
            if handle is not None:
                files[where] = handle.read()
    return files


def _read_capped(chunks: Iterable[bytes], budget: int, path: str) -> bytes:
    buffer = io.BytesIO()
    for chunk in chunks:
        buffer.write(chunk)
        if buffer.tell() > budget:
            raise BuildFailed(
                f"{path} holds more than {MAX_COLLECT_BYTES // (1024 * 1024)} MB to copy out of "
                "the container.",
                hint="Write large results elsewhere (a volume or object store), not to that folder.",
            )
    return buffer.getvalue()


@contextlib.contextmanager
def transfer_errors(what: str) -> Iterator[None]:
    """A failed copy reads as a transfer failure, never as the notebook's or the build's fault."""
    try:
        yield
    except (BuildFailed, EngineUnavailable):
        raise
    except docker.errors.APIError as err:
        text = str(err.explanation or err)[:500]
        raise BuildFailed(f"The engine could not copy {what}: {text}", hint=TRANSFER_HINT) from err
    except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as err:
        raise EngineUnavailable(
            f"The container engine stopped answering while copying {what}: {str(err)[:400]}"
        ) from err
