"""Turn a failed build's log into an error that says what went wrong and what to do."""

from __future__ import annotations

import re
from typing import Optional

from ..errors import BaseImageNotFound, BuildFailed, ContainerizeError, DiskFull, IndexNotTrusted, PinInstallFailed

_STEP = re.compile(r"Step (\d+)/(\d+) : (.*)")
_DISK_FULL = ("no space left on device", "disk quota exceeded")
_PULL_FAILED = ("pull access denied", "manifest unknown", "repository does not exist")
# uv (rustls), pip and curl (OpenSSL) saying that no CA they trust signed the server's certificate
_NOT_TRUSTED = ("invalid peer certificate", "certificate verify failed", "certificate_verify_failed",
                "self-signed certificate in certificate chain", "self signed certificate in certificate chain")


def parse_step(line: str) -> Optional[tuple[int, int, str]]:
    match = _STEP.fullmatch(line.strip())
    return (int(match[1]), int(match[2]), match[3]) if match else None


def classify_failure(
    error: str, log_tail: list[str], current_step: str, lock: list[str]
) -> ContainerizeError:
    """`lock` holds the requirement lines (name==version) so the failing pin can be named."""
    text = "\n".join(log_tail + [error])
    lowered = text.lower()
    if any(marker in lowered for marker in _DISK_FULL):
        return DiskFull("The engine ran out of disk space during the build.", detail=text[-4000:])
    if current_step.startswith("FROM") and any(m in lowered for m in _PULL_FAILED):
        image = current_step.split()[1] if len(current_step.split()) > 1 else "?"
        return BaseImageNotFound(
            f"The base image {image} could not be pulled.", detail=text[-4000:]
        )
    if any(marker in lowered for marker in _NOT_TRUSTED):
        return IndexNotTrusted(
            "The build's installer did not trust the package index's TLS certificate: no CA it was given "
            "signed it. The installer said:\n" + installer_words(text), detail=text[-4000:])
    if "uv pip install" in current_step:
        return pin_failure(text, lock)
    return BuildFailed(f"The build failed at `{current_step[:120]}`: {error.strip()[:500]}",
                       detail=text[-4000:])


def pin_failure(text: str, lock: list[str]) -> PinInstallFailed:
    """Name the pins uv complained about, with uv's own words."""
    words = installer_words(text)
    names = [line for line in lock if "==" in line and not line.startswith("-") and _mentions(words, line)]
    which = ", ".join(names) if names else "a pin of the lock"
    if "hash mismatch" in text.lower():
        return PinInstallFailed(
            f"The file the index gave for {which} does not match the lock's hash; nothing was installed. "
            "The installer said:\n" + words,
            hint="If the index is the one the lock was made from, the file changed: find out why. Else make "
            "the lock again against this index (`jupyter containerize lock NOTEBOOK`).",
            detail=text[-4000:])
    return PinInstallFailed(
        f"Installing {which} into the image failed. The installer said:\n{words}",
        hint="Pin a version that exists for the image's platform and Python (edit the lock or "
        "re-inspect), or pick a base image whose Python the pin accepts.",
        cli_hint="Pin a version that exists for the image's platform and Python (edit the lock or "
        "re-inspect), or pick a base whose Python the pin accepts (--base).",
        detail=text[-4000:],
    )


def installer_words(text: str) -> str:
    """uv's error block: from its first `error:` / `×` line to the end."""
    lines = [line for line in text.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("×", "error:", "ERROR:")):
            return "\n".join(lines[i:i + 25])
    return "\n".join(lines[-15:])


def _mentions(text: str, requirement: str) -> bool:
    name, _, version = requirement.partition("==")
    pattern = re.escape(name).replace(r"\-", "[-_.]")
    if version:
        return re.search(rf"\b{pattern}(==|\s+)v?{re.escape(version)}\b", text, re.I) is not None
    return re.search(rf"\b{pattern}\b", text, re.I) is not None
