"""Make what this container added the same bytes on every build: run last, before the commit.

Written by jupyterlab-containerize; runs with the environment's own Python (stdlib only), as root.
Everything created or changed in this run (ctime at or after this file's, copied in before the
start) is found by walking the root filesystem, mounts left out. Then:
- build-time caches and logs (apt's lists, package and binary caches, dpkg and apt logs, ldconfig's
  aux-cache, debconf's -old copies, /root/.cache, /tmp) are deleted when this run made them, and
  emptied when the base had them: deleting a file of the base would leave a whiteout whose time
  is the moment of the delete, in the layer;
- every remaining path gets the same atime and mtime, SOURCE_DATE_EPOCH.
Modes and owners are already the same run to run; the engine writes the layer's tar in path order.

usage: python -I -B normalise_layer.py BEFORE_LIST
BEFORE_LIST: the paths under the cache and log folders that existed before the scripts ran.
This file's folder is deleted first (it was copied in, so it is new: no whiteout).
"""

import os
import shutil
import stat
import sys

JUNK_DIRS = ("/var/log", "/var/cache/apt", "/var/lib/apt/lists", "/var/cache/ldconfig", "/root/.cache", "/tmp")
JUNK_SUFFIXES = ("/var/cache/debconf/config.dat-old", "/var/cache/debconf/templates.dat-old",
                 "/var/cache/debconf/passwords.dat-old")
KEEP = ("/var/lib/apt/lists/partial", "/var/lib/apt/lists/lock", "/var/cache/apt/archives/partial",
        "/var/cache/apt/archives/lock")
SKIP = ("/proc", "/sys", "/dev")


def mount_points():
    points = set()
    with open("/proc/self/mountinfo") as info:
        for line in info:
            point = line.split()[4].replace("\\040", " ")
            if point != "/":
                points.add(point)
    return points


def changed(marker_ns, skip, root="/"):
    """Every path under `root` created or changed since the marker, children before their folder."""
    found = []

    def walk(folder):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            path = entry.path
            if path in skip:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                walk(path)
            if info.st_ctime_ns >= marker_ns:
                found.append(path)

    walk(root)
    return found


def is_junk(path):
    if path in KEEP or path in JUNK_DIRS:
        return False
    return path.startswith(tuple(d + "/" for d in JUNK_DIRS)) or path in JUNK_SUFFIXES


def main():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or 0)
    marker_ns = os.stat(__file__).st_ctime_ns
    try:
        with open(sys.argv[1]) as listed:
            before = {line.rstrip("\n") for line in listed}
    except OSError:
        before = set()
    shutil.rmtree(os.path.dirname(os.path.abspath(__file__)))
    skip = mount_points() | set(SKIP)
    # one walk: a delete or truncate below only touches paths (and their folders) already found
    found = changed(marker_ns, skip)
    for path in found:
        if not is_junk(path) or not os.path.lexists(path):
            continue
        if path in before:  # the base's: emptied, not deleted (no whiteout)
            if os.path.isfile(path) and not os.path.islink(path):
                os.truncate(path, 0)
        elif os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    final = [path for path in found if os.path.lexists(path)]
    for path in final:
        os.utime(path, (epoch, epoch), follow_symlinks=False)
    print(f"layer normalised: {len(final)} paths at SOURCE_DATE_EPOCH={epoch}", flush=True)


if __name__ == "__main__":
    main()
