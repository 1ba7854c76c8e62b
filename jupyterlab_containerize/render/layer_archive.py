"""The notebook image's files as normalised tar archives, one per layer, for `ADD ARCHIVE /`.

The classic builder's `COPY` stamps the folder it copies into (/opt/containerize, the work folder)
with the time of the build, whatever the times of the files: the same notebook built twice gave
other layers. An archive that `ADD` unpacks carries every entry's time, mode and owner, the folder
it lands in included: fixed time (SOURCE_DATE_EPOCH), 0644/0755, root or the notebook user, sorted.
"""

from __future__ import annotations

import posixpath
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..layout import SCRIPTS, WORK
from .install_script import SOURCE_DATE_EPOCH

ARCHIVES_DIR = ".containerize-layers"  # in the context, beside the files they are made from
# folders every environment image has (install.sh, install-user.sh): an archive's first entry
ANCHORS = (WORK, SCRIPTS)


@dataclass(frozen=True)
class CopyStep:
    """One `COPY` of the notebook image: context paths (a folder ends with /) into `dest`
    (a folder when it ends with /), owned by `owner` (None: root)."""
    sources: tuple[str, ...]
    dest: str
    owner: Optional[int] = None

    def image_files(self, context: Path) -> list[tuple[str, Path]]:
        """(path in the image, file in the context) for every file the step copies, as COPY would."""
        found: list[tuple[str, Path]] = []
        for source in self.sources:
            path = context / source.rstrip("/")
            if source.endswith("/"):
                found += [(posixpath.join(self.dest, f.relative_to(path).as_posix()), f)
                          for f in sorted(path.rglob("*")) if f.is_file() and not f.is_symlink()]
            elif self.dest.endswith("/"):
                found.append((self.dest + path.name, path))
            else:
                found.append((self.dest, path))
        return found


def anchor_of(dest: str) -> str:
    """The folder of the environment image an archive starts at; its parents stay as they are."""
    for anchor in sorted(ANCHORS, key=len, reverse=True):
        if dest.rstrip("/") == anchor or dest.startswith(anchor + "/"):
            return anchor
    raise ValueError(f"{dest} is outside the folders an environment image has ({', '.join(ANCHORS)})")


def write_layer_archive(context: Path, step: CopyStep, target: Path) -> None:
    """`target`: a tar of what `step` copies, the same bytes for the same files wherever and whenever."""
    anchor = anchor_of(step.dest)
    files = dict(step.image_files(context))
    folders = {anchor}
    for name in files:
        parent = posixpath.dirname(name)
        while parent.startswith(anchor + "/") and parent not in folders:
            folders.add(parent)
            parent = posixpath.dirname(parent)
    owner = step.owner or 0
    # "x": a new file, never through a link planted at `target`
    with open(target, "xb") as out, tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(folders | set(files)):
            info = tarfile.TarInfo(name.lstrip("/"))
            info.mtime, info.uid, info.gid, info.uname, info.gname = SOURCE_DATE_EPOCH, owner, owner, "", ""
            if name in folders:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
                continue
            source = files[name]
            info.size = source.stat().st_size
            info.mode = 0o755 if source.stat().st_mode & 0o111 else 0o644
            with source.open("rb") as data:
                tar.addfile(info, data)
