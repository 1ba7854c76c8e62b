"""The one way this package writes a file: atomically, never through a link, never at a guessable name.

A file is written to a temporary name chosen at random in the target's own folder, created with
O_CREAT|O_EXCL|O_NOFOLLOW (so neither a planted link nor an existing file is ever opened), flushed
to disk, then renamed over the final name. The final name must be absent or a plain file: a link
or a folder there is refused with one line, and its target is never touched. A rename replaces a
directory entry, so a hard link at the final name keeps its other names' content too.
Folders are made one component at a time, and a link in place of one we would make is refused.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Iterable, Optional, Union

from .errors import UnsafeWrite

CHUNK = 1 << 20
_TRIES = 16


def write_text(path: Union[str, Path], text: str, *, mode: Optional[int] = None, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically (see the module's docstring). Returns the path."""
    return write_bytes(path, text.encode(encoding), mode=mode)


def write_bytes(path: Union[str, Path], data: bytes, *, mode: Optional[int] = None) -> Path:
    """`mode` None: an existing file's permission bits are kept, a new file gets 0o644."""
    return _write(Path(path), [data], mode)


def write_chunks(path: Union[str, Path], chunks: Iterable[bytes], *, mode: Optional[int] = None) -> Path:
    """A stream (an image tar) written with the same rules; a failure midway leaves no file."""
    return _write(Path(path), chunks, mode)


def copy_file(source: Union[str, Path], target: Union[str, Path], *, mode: Optional[int] = None) -> Path:
    """Copy `source`'s bytes (read once, in chunks; a link at `source` is the caller's choice to
    read) to `target` with the same rules as write_bytes."""
    with open(source, "rb") as src:
        return _write(Path(target), iter(lambda: src.read(CHUNK), b""), mode)


def append_text(path: Union[str, Path], text: str) -> Path:
    """Append by rewriting: read what is there (a plain file, not a link), write old + new atomically."""
    target = Path(path)
    old = b""
    if _lstat(target) is not None:
        _refuse_unless_file(target)
        old = target.read_bytes()
    return write_bytes(target, old + text.encode("utf-8"))


def make_dirs(path: Union[str, Path], base: Optional[Union[str, Path]] = None) -> Path:
    """Make `path` and its missing parents. Components under `base` (default: the first one
    that exists) may not be links: each one we make or pass through is checked with lstat."""
    target = Path(os.path.abspath(path))
    start = Path(os.path.abspath(base)) if base is not None else _first_existing(target)
    if _lstat(start) is None:  # a base still to be made: from the nearest folder that exists
        start = _first_existing(start)
    if start not in target.parents:
        start = _first_existing(target)
    current = start
    for part in target.relative_to(start).parts:
        current = current / part
        try:
            os.mkdir(current, 0o755)
        except FileExistsError:
            pass
        info = _lstat(current)
        if info is None or not stat.S_ISDIR(info.st_mode):
            what = "a link" if info is not None and stat.S_ISLNK(info.st_mode) else "not a folder"
            raise UnsafeWrite(f"{current} is {what}; nothing is written through it.",
                              hint="Move it away, or choose another folder, then run again.")
    return target


def _write(target: Path, chunks: Iterable[bytes], mode: Optional[int]) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    name = target.name
    if not name or name in (".", ".."):
        raise UnsafeWrite(f"{target} is not a file name.")
    existing = _refuse_unless_file(target)
    final_mode = mode if mode is not None else (stat.S_IMODE(existing.st_mode) if existing else 0o644)
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        tmp, fd = _create_temp(dir_fd, name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
                out.flush()
                os.fchmod(out.fileno(), final_mode)
                os.fsync(out.fileno())
            # checked again just before the rename: a link planted meanwhile is refused too
            _refuse_unless_file(target, dir_fd)
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=dir_fd)
            except OSError:
                pass
            raise
        try:
            os.fsync(dir_fd)
        except OSError:  # some file systems cannot sync a folder; the rename is done either way
            pass
    finally:
        os.close(dir_fd)
    return target


def _create_temp(dir_fd: int, name: str) -> tuple[str, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TRIES):
        tmp = f".{name[:64]}.{secrets.token_hex(8)}.tmp"
        try:
            return tmp, os.open(tmp, flags, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
    raise UnsafeWrite(f"Could not create a temporary file beside {name}.")


def _refuse_unless_file(target: Path, dir_fd: Optional[int] = None) -> Optional[os.stat_result]:
    info = _lstat(Path(target.name) if dir_fd is not None else target, dir_fd)
    if info is None or stat.S_ISREG(info.st_mode):
        return info
    what = "a link" if stat.S_ISLNK(info.st_mode) else "not a plain file"
    raise UnsafeWrite(f"{target} is {what}; it is not replaced and nothing is written through it.",
                      hint="Move it away, then run again.")


def _lstat(path: Path, dir_fd: Optional[int] = None) -> Optional[os.stat_result]:
    try:
        return os.stat(path, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _first_existing(path: Path) -> Path:
    """The nearest folder above `path` that exists (the user's own; a link there is theirs)."""
    current = path.parent
    while _lstat(current) is None and current.parent != current:
        current = current.parent
    return current
