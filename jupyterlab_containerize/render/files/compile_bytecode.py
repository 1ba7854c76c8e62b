"""Compile the environment's .py files to checked-hash .pyc, in parallel; run by install.sh.

Written by jupyterlab-containerize; runs with the environment's own Python (stdlib only).
- checked-hash: the .pyc holds the source's hash, not its mtime, so it is the same bytes on every
  build and stays valid when the layer's file times are fixed (normalise_layer.py);
- only files without an up-to-date .pyc: on an environment extended from another, the parent's
  .pyc files are not written again (compileall and uv rewrite every hash-based .pyc, which would
  copy them all into the new layer);
- folders named tests/ or test/ are left out: a notebook does not import a package's test suite,
  and they are a third of the sources of pandas, scipy or matplotlib (if one is imported after
  all, Python compiles it in memory);
- a file that does not compile (vendored Python 2 code) is skipped, as pip and uv do.
usage: python -I -B compile_bytecode.py FOLDER...
"""

import importlib.util
import os
import py_compile
import sys
import time
from concurrent.futures import ProcessPoolExecutor

SKIP = {"tests", "test", "__pycache__"}
MODE = py_compile.PycInvalidationMode.CHECKED_HASH
FLAGS = (3).to_bytes(4, "little")  # hash-based, checked


def sources(folder):
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(root, name)


def up_to_date(path):
    try:
        with open(importlib.util.cache_from_source(path), "rb") as cached:
            head = cached.read(16)
        with open(path, "rb") as source:
            data = source.read()
    except OSError:
        return False
    return head[:4] == importlib.util.MAGIC_NUMBER and head[4:8] == FLAGS and \
        head[8:16] == importlib.util.source_hash(data)


def compile_one(path):
    if up_to_date(path):
        return 0
    try:
        py_compile.compile(path, doraise=True, invalidation_mode=MODE)
    except (py_compile.PyCompileError, SyntaxError, ValueError, OSError):
        return 0
    return 1


def main():
    start = time.monotonic()
    paths = [p for folder in sys.argv[1:] for p in sources(folder)]
    with ProcessPoolExecutor() as pool:
        done = sum(pool.map(compile_one, paths, chunksize=32))
    print(f"Bytecode compiled {done} files in {time.monotonic() - start:.2f}s", flush=True)


if __name__ == "__main__":
    main()
