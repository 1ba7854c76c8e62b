"""Start-time check for the programs the notebook runs (`dot`, `tesseract`, `ffmpeg`...), run by the
image's entrypoint before the notebook, server or job starts.

Says in one line per program what is missing and which Debian package provides it, instead of a
FileNotFoundError deep in a cell. Stdlib only: it runs in any image. Reads programs.json beside it:
{"programs": {"dot": "graphviz", "tool": ""}}. Setting (image env): CONTAINERIZE_PROGRAM_CHECK =
strict (default: exit 4 when a program whose package the build installed is missing: the image is
broken) | warn | off. A program no package is known for is only warned about: nothing could install it.
Usage: python3 program_check.py [COMMAND ...]  -> checks, then replaces itself with COMMAND.
"""

import json
import os
import shutil
import sys

EXIT_MISSING_PROGRAM = 4
PROGRAMS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs.json")


def missing():
    """(one sentence, fatal) per required program that is not on PATH."""
    try:
        with open(PROGRAMS_FILE) as fh:
            programs = json.load(fh).get("programs") or {}
    except (OSError, ValueError):
        return []
    found = []
    for name, package in sorted(programs.items()):
        if shutil.which(name):
            continue
        fix = (f"install the Debian package {package} (apt-get install {package})" if package
               else "install the package that provides it")
        found.append((f"the notebook runs `{name}`, which is not on PATH in this image: {fix}.", bool(package)))
    return found


def main(argv):
    mode = os.environ.get("CONTAINERIZE_PROGRAM_CHECK", "strict").lower()
    problems = [] if mode == "off" else missing()
    for line, _ in problems:
        sys.stderr.write("containerize: " + line + "\n")
    sys.stderr.flush()
    if any(fatal for _, fatal in problems) and mode == "strict":
        return EXIT_MISSING_PROGRAM
    if argv:
        os.execvp(argv[0], argv)  # noqa: S606 - replacing itself with the image's command is its job
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
