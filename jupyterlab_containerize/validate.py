"""Validation of every value that reaches a Dockerfile, a shell script, a requirements file, a tag,
a label or a path in a build context.

Each check looks at the WHOLE string (`re.fullmatch`, never `re.match` with `$`, which accepts a
trailing newline) and raises UnsafeValue with what to do. How a valid value is then written into
each kind of file is render/quoting.py's concern.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional
from urllib.parse import urlsplit

from packaging.markers import InvalidMarker, Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .errors import UnsafeValue
from .redact import redact

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?")  # PEP 508 names and extras
# The characters a PEP 440 version may hold; Version() then checks the form.
_VERSION_CHARS = re.compile(r"[A-Za-z0-9.!+_-]{1,128}")
# A Docker image reference: [registry[:port]/]path[:tag][@digest], lower-case path components.
_IMAGE_REF = re.compile(
    r"(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-]+[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?"
)
_APT_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+(?:=[A-Za-z0-9.+~:-]+)?")
_ENV_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_LABEL_KEY = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?")  # reverse-DNS, as OCI keys are
_KERNEL_NAME = re.compile(r"[A-Za-z0-9._-]{1,64}")
_PYTHON_VERSION = re.compile(r"[0-9]{1,2}\.[0-9]{1,3}(?:\.[0-9]{1,3})?")
_HASH = re.compile(r"sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}")
_VCS_REF = re.compile(r"[A-Za-z0-9._/-]{1,255}")
# RFC 3986's characters: no space, quote, backslash or brace, so one word that no file format re-reads.
_URL_CHARS = re.compile(r"[A-Za-z0-9._~:/?#@!$&'()*+,;=%\[\]-]{1,2048}")
# Characters a COPY source would read as a glob: the classic builder cannot escape them.
_GLOB = re.compile(r"[*?\[\]]")
# Unicode categories that break or hide a line: controls (Cc, with \n \r \t NUL), format (Cf:
# bidi overrides, zero-width), surrogates, private use, unassigned, line and paragraph separators.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
VCS_SCHEMES = ("git", "hg", "svn", "bzr")


def is_single_line(value: object) -> bool:
    """A string with nothing that ends a line anywhere (str.splitlines, shells, Docker) or hides text."""
    return isinstance(value, str) and not any(
        unicodedata.category(ch) in _UNSAFE_CATEGORIES for ch in value)


def single_line(value: object, what: str) -> str:
    if not isinstance(value, str) or not is_single_line(value):
        raise UnsafeValue(f"The {what} contains a newline, a control character or is not text.",
                          hint=f"Give the {what} on one line, with printable characters only.")
    return value


def _shown(value: object) -> str:
    """A refused value as the message quotes it: repr (escapes shown), cut, credentials out."""
    text = repr(value)
    return redact(text if len(text) <= 80 else text[:77] + "...")


def _whole(pattern: re.Pattern[str], value: object, message: str, hint: Optional[str] = None) -> str:
    """The value when the pattern matches all of it; UnsafeValue with `message` otherwise."""
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise UnsafeValue(message.format(_shown(value)), hint=hint)
    return value


def safe_package_name(name: object) -> str:
    """A distribution name as PyPI accepts it, canonicalised (PEP 503)."""
    return canonicalize_name(_whole(_NAME, name, "{} is not a valid Python package name."))


def safe_extra(extra: object) -> str:
    """An extra (`pkg[extra]`), normalised as PEP 685 says."""
    return canonicalize_name(_whole(_NAME, extra, "{} is not a valid extra name."))


def safe_hash(value: object) -> str:
    """A file hash as a lock and `--hash=` hold it: sha256:<64 hex> (or sha384, sha512)."""
    return _whole(_HASH, value, "{} is not a file hash (sha256:<64 hex digits>).")


def safe_version(version: object) -> str:
    """A PEP 440 version, normalised."""
    message = "{} is not a valid Python package version."
    text = _whole(_VERSION_CHARS, version, message)
    try:
        return str(Version(text))
    except InvalidVersion as err:
        raise UnsafeValue(message.format(_shown(text))) from err


def safe_python_version(version: object) -> str:
    """X.Y or X.Y.Z, the form uv and the python images take."""
    return _whole(_PYTHON_VERSION, version, "{} is not a Python version (X.Y or X.Y.Z).")


def safe_marker(marker: object) -> str:
    """An environment marker (`; python_version < "3.12"`), as packaging writes it back."""
    text = single_line(marker, "environment marker")
    try:
        return str(Marker(text))
    except InvalidMarker as err:
        raise UnsafeValue(f"{_shown(text)} is not a valid environment marker.") from err


def safe_requirement(line: object) -> str:
    """One requirements-file line: a PEP 508 requirement and nothing else (no option, no comment,
    no second line); every part of it checked as a whole."""
    text = single_line(line, "requirement")
    # an option (-r, --index-url), a comment or a continuation backslash is not a requirement
    if not text or text != text.strip() or text.startswith("-") or " #" in text or text.endswith("\\"):
        raise UnsafeValue(f"{_shown(text)} is not a requirement line.")
    try:
        requirement = Requirement(text)
    except InvalidRequirement as err:
        raise UnsafeValue(f"{_shown(text)} is not a valid requirement: {err}") from err
    safe_package_name(requirement.name)
    for extra in requirement.extras:
        safe_extra(extra)
    for spec in requirement.specifier:
        safe_version(spec.version.removesuffix(".*"))
    if requirement.marker is not None:
        safe_marker(str(requirement.marker))
    if requirement.url:
        vcs, plus, rest = requirement.url.partition("+")
        safe_requirement_url(rest if plus and vcs in VCS_SCHEMES else requirement.url)
    return text


def safe_requirement_url(url: object) -> str:
    """A direct URL a requirements file can hold: http(s) or git+..., one word."""
    message = "{} is not a URL a requirements file can hold."
    text = _whole(_URL_CHARS, url, message)
    if text.startswith("file:"):
        raise UnsafeValue(f"{_shown(text)} is on the kernel's disk; it cannot be installed in an image.")
    if not text.startswith(("https://", "http://", "git+")):
        raise UnsafeValue(message.format(_shown(text)))
    return text


def safe_vcs(vcs: object) -> str:
    if not isinstance(vcs, str) or vcs not in VCS_SCHEMES:
        raise UnsafeValue(f"{_shown(vcs)} is not a version control system pip knows.")
    return vcs


def safe_vcs_ref(ref: object) -> str:
    """A commit, tag or branch name after `@` in a VCS requirement."""
    message = "{} is not a commit or tag name."
    text = _whole(_VCS_REF, ref, message)
    if text.startswith("-"):
        raise UnsafeValue(message.format(_shown(text)))
    return text


def safe_index_url(url: object, what: str = "index URL") -> str:
    """A package index: http(s) with a host, one word. It may hold credentials: never echoed."""
    text = _whole(_URL_CHARS, url, f"The {what} {{}} must be one URL with no space or control character.")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UnsafeValue(f"The {what} must start with http(s):// and name a host: {_shown(text)}")
    return text


def safe_index_urls(urls: object, what: str = "extra index URL") -> str:
    """Several indexes, space-separated as pip and uv read them."""
    words = single_line(urls, what).split()
    if not words:
        raise UnsafeValue(f"The {what} is empty.")
    return " ".join(safe_index_url(w, what) for w in words)


def safe_image_ref(ref: object, what: str = "image") -> str:
    hint = "Use the form [registry/]name[:tag], lower-case, e.g. myorg/analysis:1.0."
    text = _whole(_IMAGE_REF, ref, f"{{}} is not a valid {what} reference.", hint)
    if len(text) > 255:
        raise UnsafeValue(f"The {what} reference is longer than 255 characters.", hint=hint)
    return text


def safe_apt_package(name: object) -> str:
    return _whole(_APT_NAME, name, "{} is not a valid Debian package name.")


def safe_env_key(key: object) -> str:
    return _whole(_ENV_KEY, key, "{} is not a valid environment variable name.")


def safe_label_key(key: object) -> str:
    return _whole(_LABEL_KEY, key, "{} is not a valid image label key.")


def safe_kernel_name(name: object) -> Optional[str]:
    """A kernelspec name: also a folder name in the context, so never `.` or `..`."""
    if name is None:
        return None
    text = _whole(_KERNEL_NAME, name, "{} is not a valid kernel name.")
    if text in (".", ".."):
        raise UnsafeValue(f"{text!r} is not a valid kernel name.")
    return text


def safe_file_name(name: object) -> str:
    """A single path component that a Dockerfile COPY names (so no glob character either)."""
    if (not isinstance(name, str) or not is_single_line(name) or name in ("", ".", "..")
            or any(c in name for c in "/\\") or _GLOB.search(name)):
        raise UnsafeValue(f"{_shown(name)} is not a file name that can go into an image.",
                          hint="Rename it without / \\ * ? [ ] or control characters.")
    return name


def safe_path_text(path: object, what: str = "path") -> str:
    """A path as text (a data file, a module, --include): one line, no NUL; confinement is
    confine.py's concern."""
    text = single_line(path, what)
    if not text:
        raise UnsafeValue(f"The {what} is empty.")
    return text
