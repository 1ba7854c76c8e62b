"""The host's uv as a resolver: `uv pip compile` on validated requirement lines, never a shell.

Used to re-pin for a base's Python (render/repin.py), to pin a kernel-less notebook as of its date
(inspect/as_of_pins.py) and to hash a lock (inspect/notebook_lock.py).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

from packaging.utils import canonicalize_name

from .ca_bundle import CA_ENV_VARS

# uv trusts only its own bundled roots unless told otherwise; the system store is where a
# TLS-inspecting proxy's CA goes, and what the host's other tools trust (newer uv, older uv)
SYSTEM_CERTS_VARS = ("UV_SYSTEM_CERTS", "UV_NATIVE_TLS")


def uv_binary() -> Optional[str]:
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


@dataclass
class Compiled:
    pins: dict[str, str] = field(default_factory=dict)  # canonical name -> version
    hashes: dict[str, list[str]] = field(default_factory=dict)  # canonical name -> ["sha256:..."]
    error: Optional[str] = None  # uv's own last words when it failed


def uv_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The host's environment for its uv, trusting what the host trusts: a fresh shell or a service
    names no CA bundle, and uv would then refuse an inspected index (UnknownIssuer)."""
    env = dict(environ)
    if not any(env.get(name) for name in (*CA_ENV_VARS, "SSL_CERT_DIR", *SYSTEM_CERTS_VARS)):
        env.update(dict.fromkeys(SYSTEM_CERTS_VARS, "1"))
    return env


def linux_platform() -> str:
    """The image's platform for uv: Linux on this machine's architecture (images run on Linux)."""
    machine = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(machine, machine or "x86_64")
    return f"{arch}-manylinux_2_28"


def compile_pins(requirements: list[str], python_version: str, *, exclude_newer: Optional[str] = None,
                 no_deps: bool = False, hashes: bool = False, target_linux: bool = False,
                 only_binary: Union[bool, Sequence[str]] = False,
                 exclude_newer_packages: Optional[Mapping[str, str]] = None, timeout: float = 120) -> Compiled:
    """Pins (and hashes) uv resolves for these lines. Every line must already be validated.
    `only_binary`: True for every package, or the names that must come as wheels;
    `exclude_newer_packages`: {name: time} later cut-offs for single packages (their moves)."""
    uv = uv_binary()
    if not uv:
        return Compiled(error="uv is not installed next to this extension")
    if not requirements:
        return Compiled()
    command = [uv, "pip", "compile", "-", "--python-version", python_version,
               "--no-header", "--no-annotate", "--quiet"]
    if exclude_newer:
        command += ["--exclude-newer", exclude_newer]
    for name, stamp in sorted((exclude_newer_packages or {}).items()):
        command += ["--exclude-newer-package", f"{canonicalize_name(name)}={stamp}"]
    if no_deps:
        command.append("--no-deps")
    if hashes:
        command.append("--generate-hashes")
    if target_linux:
        command += ["--python-platform", linux_platform()]
    if only_binary is True:  # no sdist builds while resolving: faster, and what installs fast in the image
        command += ["--only-binary", ":all:"]
    elif only_binary:
        for name in sorted(only_binary):
            command += ["--only-binary", canonicalize_name(name)]
    try:
        done = subprocess.run(command, input="\n".join(requirements) + "\n", capture_output=True,  # noqa: S603
                              text=True, timeout=timeout, check=False, env=uv_environment(os.environ))
    except subprocess.TimeoutExpired:
        return Compiled(error=f"uv did not finish resolving within {timeout:.0f} s")
    except OSError as err:
        return Compiled(error=f"uv could not run: {err}")
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines()
                 if line.strip() and not line.startswith("warning:") and "dns error" not in line]
        return Compiled(error=" ".join(lines[-6:])[:800] or f"uv exited with {done.returncode}")
    return _parse(done.stdout)


def _parse(text: str) -> Compiled:
    result = Compiled()
    current: Optional[str] = None
    for raw in text.splitlines():
        line = raw.strip().rstrip("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash="):
            if current:
                result.hashes.setdefault(current, []).append(line.split("=", 1)[1])
            continue
        name, sep, version = line.partition("==")
        if sep:
            current = canonicalize_name(name.split("[")[0].strip())
            result.pins[current] = version.split(";")[0].split()[0].strip()
    return result
