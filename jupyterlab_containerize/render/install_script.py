"""The one script that makes the image's environment, run as root on the base image.

It runs either in a throw-away container whose result is committed (engine builds: the CA bundle,
proxies and index credentials are put into the container, never into an image) or in the builder
stage of the portable Dockerfile. Every value in it is a fixed path or a validated name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UnsafeValue
from ..layout import (
    APT_STATUS_ENV,
    BUILD_ONLY,
    HOME,
    KEPT_CA_PATH,
    MANAGED_PYTHON,
    OUT,
    SCRIPTS,
    SOURCE_DATE_EPOCH,
    STEP_MARK,
    USER_UID,
    VENV,
    WORK,
)
from ..validate import safe_apt_package, safe_file_name, safe_package_name, safe_python_version, safe_requirement
from .quoting import shell_dquote, shell_word

UV_TMP = "/tmp/containerize-uv"
MARK = STEP_MARK
# checked-hash .pyc of what is new, tests/ left out, in parallel (files/compile_bytecode.py)
COMPILE = f"{VENV}/bin/python -I -B {BUILD_ONLY}/compile_bytecode.py {VENV}/lib"
# what this run downloaded (changed after the running script was copied in), not the base's files:
# deleting those would leave whiteouts, timed when deleted, in the layer
NEW_APT_FILES_DELETED = 'find /var/lib/apt/lists /var/cache/apt/archives -xdev -type f -cnewer "$0" -delete'
BESIDE_APT = "INSTALLED_BESIDE_APT"  # set when the lock's wheels all went in while apt ran
# Error-Mode=any: a source that could not be fetched is an error, not a warning (older apt ignores
# it); Languages=none: no package description translations, a third of the lists' bytes, never used
APT_UPDATE = "apt-get -o APT::Update::Error-Mode=any -o Acquire::Languages=none update"


@dataclass
class InstallPlan:
    uv_requirement: str = "uv"
    requirement_files: list[tuple[str, str]] = field(default_factory=list)  # (flag, file name)
    kernel_name: bool = False
    keep_ca: bool = False
    has_ca: bool = False
    python_version: str = ""  # installed with uv when the base has no python3 (CUDA runtime bases)
    local_sources: list[str] = field(default_factory=list)  # canonical names under local/
    build_apt_packages: list[str] = field(default_factory=list)  # compilers for source builds, removed after
    hashed_requirements: str = ""  # a file of the lock's pins with hashes: installed first, hash-checked

def render_user_script(apt_packages: list[str]) -> str:
    """install-user.sh: the uid 1000 user and the system packages, in the final image."""
    lines = [
        "#!/bin/sh",
        "# Written by jupyterlab-containerize; run as root on the base image.",
        "set -eu",
        f"export SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}",
        f"if [ -f {BUILD_ONLY}/env.sh ]; then . {BUILD_ONLY}/env.sh; fi",
        _echo("user jovyan (uid 1000)"),
        *_user(),
    ]
    headers = PYTHON_HEADERS in apt_packages
    apt_packages = [p for p in apt_packages if p != PYTHON_HEADERS]
    if apt_packages or headers:
        names = [safe_apt_package(p) for p in sorted(apt_packages)]
        lines += [
            _echo(f"apt-get install {' '.join(names)}"),
            "export DEBIAN_FRONTEND=noninteractive",
            # one command a line: under `set -e` a failure inside an `a && b` list is ignored, and a
            # failed update then installed nothing yet went on (issue 23)
            APT_UPDATE,
            *([f"apt-get install -y --no-install-recommends {_words(names)}"] if names else []),
            *(_python_headers() if headers else []),
            NEW_APT_FILES_DELETED,
        ]
    return "\n".join(lines) + "\n"


PYTHON_HEADERS = "python3-dev"  # inspect/toolchains.py: wanted only where the base's Python lacks Python.h


def _build_compilers(names: list[str]) -> list[str]:
    """A package with no wheel at all is built from source: compilers (and the base python3's headers
    where it lacks them) for the build only; removed again before the environment is kept."""
    if not names:
        return []
    safe = [safe_apt_package(p) for p in sorted(names)]
    return [_echo(f"compilers for source builds (build only): {' '.join(safe)}"),
            "export DEBIAN_FRONTEND=noninteractive",
            APT_UPDATE,  # one command a line (issue 23)
            f"apt-get install -y --no-install-recommends {_words(safe)}",
            *_python_headers("BUILD_HEADERS")]


def _remove_build_compilers(names: list[str]) -> list[str]:
    if not names:
        return []
    safe = _words([safe_apt_package(p) for p in sorted(names)])
    return [f'apt-get purge -y --auto-remove {safe} ${{BUILD_HEADERS:-}} >/dev/null',
            NEW_APT_FILES_DELETED]


def _python_headers(record: str = "") -> list[str]:
    """Python.h of the base's own python3: python:X-slim has it in /usr/local/include; a Debian
    python3 (dpkg knows its file) gets Debian's python3-dev; any other says so and goes on."""
    has = ("python3 -c 'import os, sys, sysconfig; "
           "sys.exit(not os.path.isfile(os.path.join(sysconfig.get_paths()[\"include\"], \"Python.h\")))'")
    return [
        f"if ! {has}; then",
        '  if dpkg -S "$(readlink -f "$(command -v python3)")" >/dev/null 2>&1; then',
        f"    {_echo('apt-get install python3-dev (the base python3 has no headers)')}",
        "    apt-get install -y --no-install-recommends python3-dev",
        *([f"    {record}=python3-dev"] if record else []),
        "  else",
        '    echo "warning: the base\'s python3 has no Python.h and is not Debian\'s: C extensions will not build"',
        "  fi",
        "fi",
    ]


def render_install_script(plan: InstallPlan) -> str:
    """install.sh: the venv from the base's own python3, filled by uv from the lock."""
    lines = [
        "#!/bin/sh",
        "# Written by jupyterlab-containerize; run as root on the base image.",
        "set -eu",
        f"export SOURCE_DATE_EPOCH={SOURCE_DATE_EPOCH}  # source builds of local packages",
        f". {BUILD_ONLY}/env.sh",
        *_package_cache(),
        *_wait_for_apt(),
        _echo("uv"),
        *_uv(plan.uv_requirement),
        'if ! command -v python3 >/dev/null 2>&1; then wait_for_apt; fi  # apt may bring python3',
        *_python(plan.python_version),
        f'"$PY" -m venv --without-pip {VENV}',
        f"mkdir -p {MANAGED_PYTHON}",
    ]
    if plan.hashed_requirements:  # a wrong hash stops here, naming the pin (builder/logparse.py)
        lines.append(_echo("uv pip install --require-hashes: the lock's hashed pins"))
        lines.append("wait_for_apt")  # a hashed pin may be built from source, with apt's compilers or headers
        lines.append(f'"$UV" pip install --python {VENV}/bin/python --require-hashes '
                     f"--no-deps -r {BUILD_ONLY}/{safe_file_name(plan.hashed_requirements)}")
    if plan.requirement_files:
        args = _words([part for flag, name in plan.requirement_files
                       for part in (_flag(flag), f"{BUILD_ONLY}/{safe_file_name(name)}")])
        # apt-get once at a time: install-user.sh's apt runs beside this script until then
        lines += ["wait_for_apt", *_build_compilers(plan.build_apt_packages)] if plan.build_apt_packages else []
        lines.append(_echo("uv pip install: the lock and the runtime"))
        install = f'"$UV" pip install --python {VENV}/bin/python {args}'
        lines += [
            # beside apt, wheels only: a source build may need apt's compilers and headers, so
            # then the lock is installed after apt; its bytecode is compiled while apt still runs
            f'if [ -n "${{{APT_STATUS_ENV}:-}}" ] && [ ! -s "${APT_STATUS_ENV}" ]; then',
            f"  if {install.replace(' pip install ', ' pip install --only-binary :all: ', 1)}; then",
            f"    {COMPILE}",
            f"    {BESIDE_APT}=1",
            "  else",
            f"    echo {shell_dquote('a distribution is built from source: installed after the system packages')}",
            "  fi",
            "fi",
            "wait_for_apt",
            f'if [ -z "${{{BESIDE_APT}:-}}" ]; then {install}; fi',
        ]
    for name in plan.local_sources:  # the kernel's own `pip install -e .` packages, from their source
        # --no-cache: the user's own code never goes into the engine's shared package cache
        safe = safe_package_name(name)
        lines.append(_echo(f"{safe} from its source folder"))
        lines.append(f'"$UV" pip install --python {VENV}/bin/python --no-cache --no-deps '
                     f"{shell_word(f'{BUILD_ONLY}/local/{safe}')}")
    lines += _remove_build_compilers(plan.build_apt_packages)
    # what went in after the compile beside apt; nothing when every wheel did and no local source
    lines.append(COMPILE if plan.local_sources else f'if [ -z "${{{BESIDE_APT}:-}}" ]; then {COMPILE}; fi')
    if plan.kernel_name:
        lines.append(f"mkdir -p {VENV}/share/jupyter/kernels")
        lines.append(f"cp -R {BUILD_ONLY}/kernels/. {VENV}/share/jupyter/kernels/")
    lines.append(f"mkdir -p {SCRIPTS}")
    lines.append(f"{VENV}/bin/python {BUILD_ONLY}/sbom.py {SCRIPTS}/sbom.cdx.json")
    if plan.keep_ca and plan.has_ca:
        lines.append(f"cp {BUILD_ONLY}/ca.pem {KEPT_CA_PATH}")
    lines.append("wait_for_apt")
    lines += _prune_package_cache()
    lines.append("# nothing of the build stays: uv, the CA bundle, credentials, caches")
    lines.append(f"rm -rf {BUILD_ONLY} {UV_TMP} /root/.cache")
    return "\n".join(lines) + "\n"


def _package_cache() -> list[str]:
    """No cache in a throw-away container, unless the engine's cache volume is mounted (its path
    given on install.sh's command line, builder/package_cache.py); copies, never links into it."""
    return [
        "export UV_NO_CACHE=1",
        'if [ -n "${CONTAINERIZE_UV_CACHE:-}" ]; then',
        '  unset UV_NO_CACHE',
        '  export UV_CACHE_DIR="$CONTAINERIZE_UV_CACHE" UV_LINK_MODE=copy',
        "fi",
    ]


def _wait_for_apt() -> list[str]:
    """When install-user.sh runs beside this script, its exit code lands in $CONTAINERIZE_APT_STATUS."""
    return [
        "wait_for_apt() {",
        f'  [ -n "${{{APT_STATUS_ENV}:-}}" ] || return 0',
        f'  while [ ! -s "${APT_STATUS_ENV}" ]; do sleep 0.2; done',
        f'  if [ "$(cat "${APT_STATUS_ENV}")" != 0 ]; then',
        # a phase marker of its own: the failure is apt's, not the Python install's (builder/logparse.py)
        f"    {_echo('apt-get install: the system packages failed (install-user.sh)')}",
        "    exit 1",
        "  fi",
        "}",
    ]


def _prune_package_cache() -> list[str]:
    """Past its size limit the cache is cleared, after this install (uv locks it while it does)."""
    return [
        'if [ -n "${CONTAINERIZE_UV_CACHE:-}" ] && [ -n "${CONTAINERIZE_UV_CACHE_MAX_MB:-}" ]; then',
        '  CACHE_MB="$(du -sm "$UV_CACHE_DIR" 2>/dev/null | cut -f1)"',
        '  if [ "${CACHE_MB:-0}" -gt "$CONTAINERIZE_UV_CACHE_MAX_MB" ]; then',
        f'    echo "{MARK} package cache: ${{CACHE_MB}} MB, over ${{CONTAINERIZE_UV_CACHE_MAX_MB}} MB: cleared"',
        '    "$UV" cache clean',
        "  fi",
        "fi",
    ]


def _user() -> list[str]:
    """uid 1000 named jovyan, as Binder and docker-stacks expect; kept if the base has a uid 1000."""
    return [
        f"if ! id -u {USER_UID} >/dev/null 2>&1; then",
        "  if command -v useradd >/dev/null 2>&1; then",
        f"    useradd -m -u {USER_UID} -s /bin/bash jovyan",
        "  else",
        f"    adduser -D -u {USER_UID} jovyan",
        "  fi",
        "fi",
        f"mkdir -p {WORK} {OUT}",
        f"chown -R {USER_UID}:{USER_UID} {HOME}",
    ]


def _python(version: str) -> list[str]:
    """The kernel's exact Python from uv, for bases without one (nvidia/cuda runtime images)."""
    try:
        version = safe_python_version(version)
    except UnsafeValue:  # unknown or odd: the base's own python3, as without a version
        return ["PY=python3"]
    word = shell_word(version)
    return [
        "PY=python3",
        "if ! command -v python3 >/dev/null 2>&1; then",
        f"  {_echo(f'python {version} (uv)')}",
        f'  export UV_PYTHON_INSTALL_DIR={MANAGED_PYTHON}',
        f'  "$UV" python install {word}',
        f'  PY="$("$UV" python find {word})"  # the real path: the venv points at it',
        "fi",
    ]


def _uv(requirement: str) -> list[str]:
    """The host's uv binary when it runs here (no download), else uv from the index with pip."""
    return [
        f'UV={BUILD_ONLY}/uv',
        'if ! "$UV" --version >/dev/null 2>&1; then',
        f"  python3 -m venv {UV_TMP}",
        f"  {UV_TMP}/bin/python -m pip install --no-cache-dir --disable-pip-version-check "
        f"--quiet {shell_word(safe_requirement(requirement))}",
        f"  UV={UV_TMP}/bin/uv",
        "fi",
    ]


def _echo(message: str) -> str:
    """A phase marker: builder/environment_image.py counts the lines that start `echo "MARK`."""
    return f"echo {shell_dquote(f'{MARK} {message}')}"


def _words(values: list[str]) -> str:
    return " ".join(shell_word(v) for v in values)


def _flag(flag: str) -> str:
    if flag not in ("-r", "-c"):
        raise UnsafeValue(f"{flag!r} is not a requirements file flag.")
    return flag
