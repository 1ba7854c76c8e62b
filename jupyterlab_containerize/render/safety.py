"""Validation of every value that reaches a Dockerfile, a requirements file or a command line."""

from __future__ import annotations

import json
import re
from typing import Optional

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..errors import UnsafeValue

_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")
# A Docker image reference: [registry[:port]/]path[:tag][@digest], lower-case path components.
_IMAGE_REF = re.compile(
    r"^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)
_APT_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+(?:=[A-Za-z0-9.+~:-]+)?$")
_ENV_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KERNEL_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_package_name(name: str) -> str:
    """A distribution name as PyPI accepts it, canonicalised (PEP 503)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise UnsafeValue(f"{name!r} is not a valid Python package name.")
    return canonicalize_name(name)


def safe_version(version: str) -> str:
    """A PEP 440 version, normalised."""
    try:
        return str(Version(version))
    except (InvalidVersion, TypeError) as err:
        raise UnsafeValue(f"{version!r} is not a valid Python package version.") from err


def safe_image_ref(ref: str, what: str = "image") -> str:
    if not isinstance(ref, str) or len(ref) > 255 or not _IMAGE_REF.match(ref):
        raise UnsafeValue(
            f"{ref!r} is not a valid {what} reference.",
            hint="Use the form [registry/]name[:tag], lower-case, e.g. myorg/analysis:1.0.",
        )
    return ref


def safe_apt_package(name: str) -> str:
    if not isinstance(name, str) or not _APT_NAME.match(name):
        raise UnsafeValue(f"{name!r} is not a valid Debian package name.")
    return name


def safe_env_key(key: str) -> str:
    if not isinstance(key, str) or not _ENV_KEY.match(key):
        raise UnsafeValue(f"{key!r} is not a valid environment variable name.")
    return key


def safe_kernel_name(name: Optional[str]) -> Optional[str]:
    if name is None:
        return None
    if not _KERNEL_NAME.match(name):
        raise UnsafeValue(f"{name!r} is not a valid kernel name.")
    return name


def safe_file_name(name: str) -> str:
    """A single path component that may appear quoted in a Dockerfile."""
    if not name or "/" in name or "\\" in name or name in (".", "..") or _CONTROL.search(name):
        raise UnsafeValue(f"{name!r} is not a file name that can go into an image.")
    return name


def no_control_chars(value: str, what: str) -> str:
    if not isinstance(value, str) or _CONTROL.search(value):
        raise UnsafeValue(f"The {what} contains a newline or control character.")
    return value


def dockerfile_string(value: str) -> str:
    """A double-quoted Dockerfile string (ENV/LABEL): JSON escaping, and `$` kept literal."""
    no_control_chars(value, "value")
    return json.dumps(value).replace("$", "\\$")


def dockerfile_json_array(items: list[str]) -> str:
    """The exec/JSON form used by COPY, CMD and ENTRYPOINT (no shell involved)."""
    for item in items:
        no_control_chars(item, "path or argument")
    return json.dumps(items)
