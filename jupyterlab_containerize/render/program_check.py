"""The start check for required programs: programs.json and its script, for images whose notebook
runs programs (spec.programs). Every name is validated as a whole before it reaches the image."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..errors import UnsafeValue
from ..safe_write import copy_file, make_dirs, write_text
from ..spec import EnvironmentSpec
from ..validate import safe_apt_package
from .build_only import FILES_DIR

PROGRAM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


def write_program_check(spec: EnvironmentSpec, folder: Path) -> bool:
    """Writes program_check.py and programs.json into `folder` when the notebook runs programs."""
    if not spec.programs:
        return False
    programs: dict[str, str] = {}
    for name, package in sorted(spec.programs.items()):
        if not isinstance(name, str) or not PROGRAM_NAME.fullmatch(name):
            raise UnsafeValue(f"{name!r} is not a program name that can go into an image.")
        programs[name] = safe_apt_package(package) if package else ""
    make_dirs(folder)
    copy_file(FILES_DIR / "program_check.py", folder / "program_check.py")
    write_text(folder / "programs.json", json.dumps({"programs": programs}, indent=1))
    return True
