"""Tar archives made in memory: files into a container (container_files.py) and the portable build
context a user downloads (pipeline/portable.py)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path


def tar_of(files: dict[str, Path], compress: bool = False, owner: str = "root") -> bytes:
    """An in-memory tar (.tar.gz with `compress`) of {name in the archive: host path}, folders
    recursively; entries are owned by uid 0 named `owner` (the client's uid means nothing in a
    container or on another machine) and keep their modes."""

    def anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = owner
        return info

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if compress else "w") as archive:
        for name, path in files.items():
            archive.add(str(path), arcname=name, filter=anonymous)
    return buffer.getvalue()
