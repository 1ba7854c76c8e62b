"""An environment image is labelled only after it was checked against its own labels (issue 23).

At creation the install container runs render/files/environment_check.py after install.sh: every
apt package installed (dpkg-query), every pin present at its version with the files its RECORD
lists, every program the notebook needs (from one of those apt packages) on PATH. A check that
fails exits non-zero, so the container is not committed: no image, no label. One that passes
writes a report of the installed set; its sha256 becomes a label. Before an image is trusted again
(up to date, reused, extended) the check runs in it once more, with no network, and must give
the same report: an image that fails is untagged, recorded as broken, and never offered again.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

from ..errors import ContainerizeError, EnvironmentCheckFailed
from ..layout import IMAGE_FILES, SCRIPTS, VENV
from ..safe_write import write_text
from .engine import Engine
from .environment_labels import APT_LABEL, ENV_LABEL, PINS_LABEL, parse_pins
from .user_cache import read_record, write_record

CHECK_LABEL = f"{ENV_LABEL}.check.sha256"  # sha256 of the check's report at creation
# the environment key the check was made for: an image committed FROM a checked one by code that
# does not check inherits its labels, and must not pass for checked (nor be called broken)
CHECK_KEY_LABEL = f"{ENV_LABEL}.check.key"
REPORT_PATH = f"{SCRIPTS}/environment-check.txt"
CHECK_DIR = "/tmp/containerize-check"  # the script and what it expects: never committed
CHECK_MARK = "containerize-check:"
CHECK_TIMEOUT = 120  # seconds for a re-check; it reads metadata and stats files, nothing more
MAX_CANDIDATES = 8
Emit = Callable[..., None]
Found = TypeVar("Found", bound=Any)  # a candidate with a .tag (Reusable, Extendable)

_verified: set[str] = set()  # image ids that passed in this process: an id names its content
_broken: set[str] = set()
BROKEN_RECORD = "broken-environments.json"  # image id -> why: never offered again on this machine
_lock = threading.Lock()


def check_lines() -> list[str]:
    """The check's part of the command, after both scripts ended."""
    return [f"{VENV}/bin/python -I {CHECK_DIR}/environment_check.py {CHECK_DIR}/expected.json {REPORT_PATH}",
            f"rm -rf {CHECK_DIR}"]


def check_files(folder: Path, apt: list[str], pins: dict[str, Optional[str]],
                programs: list[str]) -> dict[str, Path]:
    """The check script and its expectations, as files_in of a container (written into `folder`)."""
    expected = folder / "expected.json"
    write_text(expected, json.dumps({"apt": sorted(set(apt)), "pins": pins, "programs": sorted(set(programs))}))
    return {f"{CHECK_DIR}/environment_check.py": IMAGE_FILES / "environment_check.py",
            f"{CHECK_DIR}/expected.json": expected}


def check_labels(files: dict[str, bytes], key: str) -> dict[str, str]:
    """The labels that record the check's result; the container left its report in `files`."""
    report = files.get(REPORT_PATH)
    if not report:
        raise EnvironmentCheckFailed("The environment was installed but its check left no report: "
                                     "it is not committed.")
    return {CHECK_LABEL: hashlib.sha256(report).hexdigest(), CHECK_KEY_LABEL: key}


def was_checked(labels: dict[str, str]) -> bool:
    """Whether the image's own creation was checked (not only an image it was made on)."""
    return bool(labels.get(CHECK_LABEL)) and labels.get(CHECK_KEY_LABEL) == labels.get(ENV_LABEL)


def check_failure(lines: list[str]) -> Optional[EnvironmentCheckFailed]:
    """The check's own one-line verdict among the container's last lines, if it failed."""
    for line in reversed(lines):
        if line.startswith(f"{CHECK_MARK} FAILED:"):
            reason = line[len(f"{CHECK_MARK} FAILED:"):].strip()
            return EnvironmentCheckFailed(f"The environment does not hold what it would be labelled with: "
                                          f"{reason}. Nothing was committed or labelled.",
                                          detail="\n".join(lines[-40:]))
    return None


def programs_needed(context_dir: Path, apt: list[str]) -> list[str]:
    """The notebook's programs that one of the environment's apt packages provides."""
    try:
        programs = json.loads((context_dir / "containerize" / "programs.json").read_text())["programs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    held = set(apt)
    return sorted(name for name, package in programs.items() if package and package in held)


def trusted(engine: Engine, tag: str, emit: Emit, programs: Optional[list[str]] = None) -> bool:
    """Whether the environment image `tag` still passes the check it passed at creation. One that
    does not is untagged and recorded as broken (never offered again), and the user is told."""
    info = engine.image_info(tag)
    recorded = info.labels.get(CHECK_LABEL, "")
    held = set(info.labels.get(APT_LABEL, "").split())
    wanted = [p for p in programs or [] if p]
    with _lock:
        if info.id in _broken:
            return False
        if info.id in _verified and not wanted:
            return True
    if not was_checked(info.labels):  # made without a check: nothing says what it should hold
        return False
    with tempfile.TemporaryDirectory(prefix="containerize-check-") as tmp:
        files = check_files(Path(tmp), sorted(held), dict(parse_pins(info.labels.get(PINS_LABEL, ""))), wanted)
        result = engine.run(tag, ["-I", f"{CHECK_DIR}/environment_check.py", f"{CHECK_DIR}/expected.json",
                                  REPORT_PATH],
                            entrypoint=[f"{VENV}/bin/python"], files_in=files, files_out=[REPORT_PATH],
                            network=False, timeout=CHECK_TIMEOUT)
    report = result.files.get(REPORT_PATH, b"")
    if result.exit_code == 0 and report and hashlib.sha256(report).hexdigest() == recorded:
        with _lock:
            _verified.add(info.id)
        return True
    reason = _reason(result.logs, result.exit_code, bool(report))
    mark_broken(engine, tag, info.id, reason)
    emit("log", f"The environment image {tag} is broken: {reason}. It was untagged and will not be "
                f"reused; the environment is installed again.")
    return False


def first_trusted(find: Callable[[], Optional[Found]], engine: Engine, emit: Emit,
                  programs: list[str]) -> Optional[Found]:
    """The first candidate `find` offers that passes its check; a broken one is not offered again.
    Bounded: an engine whose tags move meanwhile cannot keep it looking."""
    for _ in range(MAX_CANDIDATES):
        found = find()
        if found is None or trusted(engine, found.tag, emit, programs):
            return found
    return None


def is_broken(image_id: str) -> bool:
    with _lock:
        if image_id in _broken:
            return True
    return image_id in read_record(BROKEN_RECORD)


def mark_broken(engine: Engine, tag: str, image_id: str, reason: str) -> None:
    """Never offered again: recorded here (this machine) and untagged (every client of the engine)."""
    with _lock:
        _broken.add(image_id)
        _verified.discard(image_id)
    record = read_record(BROKEN_RECORD)
    record[image_id] = f"{tag}: {reason}"
    write_record(BROKEN_RECORD, record)  # where it cannot be, the in-process record and the untag still hold
    try:
        engine.untag(tag)
    except (ContainerizeError, OSError):
        pass  # still recorded as broken here


def _reason(logs: str, code: int, has_report: bool) -> str:
    said = [line.split(CHECK_MARK, 1)[1].strip() for line in logs.splitlines() if CHECK_MARK in line]
    failed = [s for s in said if s.startswith("FAILED:")]
    if failed:
        return failed[-1][len("FAILED:"):].strip()
    if code != 0:
        return f"its check exited with code {code}" + (f" ({logs.strip().splitlines()[-1][:200]})"
                                                      if logs.strip() else "")
    if not has_report:
        return "its check left no report"
    return "what it holds is not what was checked when it was made"


