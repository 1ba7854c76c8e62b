"""The environment image: install.sh run in a throw-away container of the base, then committed.

Compared with a multi-stage build this writes the venv once instead of twice (the classic
builder's cost is per file), and the CA bundle, proxies and index credentials are put into the
container, never into any image. The image is named by a hash of what decides it, so a rebuild
with the same lock and base reuses it; with `--env reuse` an image that holds more than the lock
(a project's) is reused too, and one that holds most of it is extended (environment_reuse.py).
The engine's package cache volume, when given, is mounted while uv installs (package_cache.py);
a commit never includes it.

The system packages (install-user.sh) are installed while uv installs the lock's wheels
(install.sh waits for them before anything that may build from source). Then normalise_layer.py
gives what the run added fixed times and drops build-time caches and logs, so the same lock on the
same base commits the same layer (docs/build.md, "Reproducible layers").
"""

from __future__ import annotations

import collections
import hashlib
import platform
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ..errors import BuildCancelled
from ..layout import (
    APT_STATUS_ENV,
    BUILD_ONLY,
    CONTEXT_FOLDER,
    IMAGE_FILES,
    SBOM_PATH,
    SOURCE_DATE_EPOCH,
    STEP_MARK,
    VENV,
)
from ..uv_compile import uv_binary
from .engine import READY_TO_COMMIT, BuildContext, Engine
from .environment_check import (
    REPORT_PATH,
    check_failure,
    check_files,
    check_labels,
    check_lines,
    first_trusted,
    programs_needed,
    trusted,
)
from .environment_labels import environment_annotations
from .environment_reuse import (
    APT_LABEL,
    ENV_LABEL,
    REPOSITORY,
    EnvironmentNeeds,
    Extendable,
    environment_labels,
    find_extendable,
    find_reusable,
    needs_of,
    sbom_pins,
)
from .logparse import classify_failure
from .package_cache import PackageCache, volume_labels

# Transport settings change how packages are fetched, not what is installed.
NOT_IN_KEY = {"ca.pem", "env.sh"}
LAYER_TOOLS = "/tmp/containerize-layer"  # the normaliser and its lists; deleted by it
# the cache and log folders whose files the base had: emptied, not deleted (normalise_layer.py)
JUNK_DIRS = "/var/log /var/cache/apt /var/lib/apt/lists /var/cache/ldconfig /var/cache/debconf /root/.cache"
Emit = Callable[..., None]


@dataclass
class EnvironmentChoice:
    image: str
    # "built" | "up to date" (the same lock) | "reused" (an image holding more) | "extended" (the
    # lock installed on top of an image holding most of it)
    how: str
    extra: int = 0  # distributions a reused image holds beyond the lock
    parent: Optional[str] = None  # the image an extended one was made on
    sbom: Optional[bytes] = None  # its SBOM file, when this build made it (read before the commit)

    def to_dict(self) -> dict[str, object]:
        return {"image": self.image, "how": self.how, "extra": self.extra, "parent": self.parent}


def choose_environment(engine: Engine, context: BuildContext, emit: Emit, cancel: threading.Event,
                       reuse: bool, rebuild: bool = False,
                       cache: Optional[PackageCache] = None) -> EnvironmentChoice:
    """The image this lock's exact environment already is; else, with `reuse`, the smallest one
    holding it, or a new one on top of the one holding most of it; else a new one on the base."""
    base_id = engine.image_info(context.base_image).id
    folder = context.directory / CONTEXT_FOLDER
    tag = f"{REPOSITORY}:{environment_key(folder, base_id)}"
    programs = programs_needed(context.directory, context.apt_packages)
    if not rebuild and _exists(engine, tag) and trusted(engine, tag, emit, programs):
        emit("log", f"Environment image {tag} is up to date")
        return EnvironmentChoice(tag, "up to date")
    needs = needs_of(folder, context.apt_packages, context.plan.keep_ca)
    collected: dict[str, bytes] = {}  # what a new image's container held: no container made again to read it
    if reuse and not rebuild:
        found = first_trusted(lambda: find_reusable(engine, needs, base_id), engine, emit, programs)
        if found is not None:
            emit("log", f"Reusing the environment image {found.tag}: it holds every pin of this lock "
                        f"and {found.extra} more distributions (the minimal environment option builds this lock alone)")
            return EnvironmentChoice(found.tag, "reused", found.extra)
        parent = first_trusted(lambda: find_extendable(engine, needs, base_id), engine, emit, [])
        if parent is not None:
            emit("log", f"Extending the environment image {parent.tag}: it holds {parent.covered} of the "
                        f"{len(needs.requirements)} pins of this lock; only the others are installed")
            built = ensure_environment_image(engine, context, emit, cancel, cache=cache, needs=needs,
                                             parent=parent, collected=collected)
            return EnvironmentChoice(built, "extended", parent=parent.tag, sbom=collected.get(SBOM_PATH))
    built = ensure_environment_image(engine, context, emit, cancel, rebuild=rebuild, cache=cache,
                                     needs=needs, collected=collected)
    return EnvironmentChoice(built, "built", sbom=collected.get(SBOM_PATH))


def environment_key(folder: Path, base_id: str) -> str:
    digest = hashlib.sha256(base_id.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name in NOT_IN_KEY or name.startswith("proxy-"):
            continue
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def ensure_environment_image(engine: Engine, context: BuildContext, emit: Emit,
                             cancel: threading.Event, rebuild: bool = False,
                             cache: Optional[PackageCache] = None,
                             needs: Optional[EnvironmentNeeds] = None,
                             parent: Optional[Extendable] = None,
                             collected: Optional[dict[str, bytes]] = None) -> str:
    """The lock installed on the base, or on `parent` (an environment image of that base); the files
    read from the container before its commit (the SBOM, the check's report) go into `collected`."""
    base_info = engine.image_info(context.base_image)
    base_id, base_digest = base_info.id, base_info.digest
    folder = context.directory / CONTEXT_FOLDER
    # an extended image is named apart: the lock's own name stays for the lock alone (--env minimal)
    key = environment_key(folder, f"{base_id} + {parent.image_id}" if parent else base_id)
    tag = f"{REPOSITORY}:{key}"
    programs = programs_needed(context.directory, [*context.apt_packages, *(parent.labels.get(APT_LABEL, "").split()
                                                                           if parent else [])])
    if not rebuild and _exists(engine, tag) and trusted(engine, tag, emit, programs):
        emit("log", f"Environment image {tag} is up to date")
        return tag
    start = parent.tag if parent else context.base_image
    emit("log", f"Creating the environment image {tag} from {start}")
    # copied in through the engine's API: the engine need not see this machine's files
    files: dict[str, Path] = {BUILD_ONLY: folder,
                              f"{LAYER_TOOLS}/normalise_layer.py": IMAGE_FILES / "normalise_layer.py"}
    uv = host_uv()
    if uv is not None:
        files[f"{BUILD_ONLY}/uv"] = uv
    tail: collections.deque[str] = collections.deque(maxlen=80)
    phase: dict[str, Any] = {"step": "", "n": 0, "last": time.monotonic()}
    # each phase of the scripts echoes a marker: they are the environment's "step n of m"
    total = sum(line.startswith(f'echo "{STEP_MARK}')  # indented markers are conditional: not counted
                for name in ("install-user.sh", "install.sh") for line in (folder / name).read_text().splitlines())

    def on_line(line: dict[str, Any]) -> None:
        phase["last"] = time.monotonic()
        text = str(line.get("stream", "")).rstrip()
        if text.startswith(STEP_MARK):
            phase["step"] = text[len(STEP_MARK):].strip()
            phase["n"] = min(phase["n"] + 1, total)
            emit("step", f"environment: {phase['step']}", step=phase["n"], total=total)
        elif text:
            tail.append(text)
            emit("log", text)

    needs = needs or needs_of(folder, context.apt_packages, context.plan.keep_ca)
    use_cache = f"{cache.script_env()} " if cache else ""  # on the command line: not in the image's Env
    if cache is not None:
        engine.ensure_volume(cache.volume, volume_labels())
    orphans: list[str] = getattr(engine, "remove_orphaned_installs", lambda: [])()
    if orphans:
        emit("log", f"Removed {len(orphans)} install container(s) left by a build whose process was killed")
    apt = sorted({*needs.apt, *(parent.labels.get(APT_LABEL, "").split() if parent else [])})

    def labels_of(out: dict[str, bytes]) -> dict[str, str]:  # what it holds, its check, the OCI annotations
        if collected is not None:
            collected.update(out)
        pins = len(sbom_pins(out.get(SBOM_PATH, b"")))
        return {**environment_labels(needs, base_id, out, parent), **check_labels(out, key),
                **environment_annotations(context.base_image, base_digest, key, pins)}

    with tempfile.TemporaryDirectory(prefix="containerize-check-") as tmp:
        # checked in the container before the commit: a check that fails leaves no image, no label
        files.update(check_files(Path(tmp), apt, dict(needs.requirements), programs))
        code, image_id = engine.run_and_commit(
            start, ["/bin/sh", "-c", "\n".join(creation_script(use_cache))], files, on_line, cancel,
            REPOSITORY, key, (ENV_LABEL, key),
            labels_of=labels_of, files_out=[SBOM_PATH, REPORT_PATH], volumes=cache.volumes() if cache else None,
        )
    if cancel.is_set():
        raise BuildCancelled("The build was cancelled.")
    if code == 0:  # from the container's last line to the image: what the commit costs
        emit("log", f"Environment image committed in {time.monotonic() - phase['last']:.1f} s")
    failed = check_failure(list(tail)) if code != 0 else None
    if failed is not None:
        raise failed
    if code != 0:
        lock = (folder / "requirements.txt").read_text().split()
        step = phase["step"]
        raise classify_failure(f"install.sh exited with code {code} ({step})", list(tail),
                               f"RUN {step}", lock)
    return tag


COMMIT_WAIT_S = 60  # from the line to the commit takes a second; an exited container commits too, only slower


def creation_command(cache_env: str = "") -> list[str]:
    """The install container's command: both scripts (apt beside uv), then the check, then the layer
    normalised, then the line it is committed at; one command a line under `set -e`, so any failure
    stops it before the commit."""
    return ["/bin/sh", "-c", "\n".join(creation_script(cache_env))]


def creation_script(cache_env: str = "") -> list[str]:
    """The install container's command, one command a line under `set -e`: apt beside uv (its exit
    code in a file install.sh waits for), the environment's check, then the layer normalised (it
    fixes the times of whatever the steps before it wrote), then the line the engine commits at."""
    status = f"{LAYER_TOOLS}/apt-status"
    return [
        "set -e",
        f'for d in {JUNK_DIRS}; do if [ -e "$d" ]; then find "$d" -xdev; fi; done > {LAYER_TOOLS}/before',
        f'( set +e; sh {BUILD_ONLY}/install-user.sh; echo "$?" > {status} ) &',
        f"{APT_STATUS_ENV}={status} {cache_env}sh {BUILD_ONLY}/install.sh",
        "wait",
        f'[ "$(cat {status})" = 0 ]',
        *check_lines(),
        f"SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH} {VENV}/bin/python -I -B {LAYER_TOOLS}/normalise_layer.py "
        f"{LAYER_TOOLS}/before",
        # committed while it waits: no unmount flushing the layer to disk first
        f'echo "{READY_TO_COMMIT}"',
        f"sleep {COMMIT_WAIT_S}",
    ]


def host_uv() -> Optional[Path]:
    """This host's uv binary, tried first in the container: no download when it runs there."""
    if platform.system() != "Linux":
        return None
    found = uv_binary()
    return Path(found) if found and Path(found).is_file() else None


def _exists(engine: Engine, tag: str) -> bool:
    try:
        engine.image_info(tag)
    except Exception:  # the engine's own not-found error; anything else shows on the next call
        return False
    return True
