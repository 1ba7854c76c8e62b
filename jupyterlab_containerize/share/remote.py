"""A git remote URL (https, ssh or scp-like; any host) -> where Binder can clone it from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import RemoteNotSupported
from ..validate import single_line

# scp-like syntax: [user@]host:path, with no "//" after the colon.
_SCP = re.compile(r"(?:[^@/]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>.+)")
_NETWORK_SCHEMES = {"https", "http", "ssh", "git", "git+ssh", "ssh+git"}


@dataclass(frozen=True)
class Remote:
    host: str  # lower-case host name, no user, no port
    path: str  # the repository's path on the host, without ".git" and slashes at the ends
    clone_url: str  # an https (or http) URL Binder can clone, without credentials

    @property
    def parts(self) -> list[str]:
        return self.path.split("/")


def parse_remote(url: str) -> Remote:
    """Parse a remote's URL; credentials are dropped, ssh forms become the host's https URL."""
    single_line(url, "remote URL")
    if "://" in url:
        return _parse_url(url)
    match = _SCP.fullmatch(url)
    if match and not url.startswith(("/", ".")):
        return _remote("https", match["host"], None, match["path"])
    raise RemoteNotSupported(f"The remote {url!r} is a path on this machine; Binder cannot clone it.")


def _parse_url(url: str) -> Remote:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file" or scheme not in _NETWORK_SCHEMES or not parts.hostname:
        raise RemoteNotSupported(f"The remote {_without_credentials(url)!r} is not a URL Binder can clone.")
    if scheme in ("https", "http"):
        # An https port is part of where to clone from; an ssh port is not.
        return _remote(scheme, parts.hostname, parts.port, parts.path)
    return _remote("https", parts.hostname, None, parts.path)


def _remote(scheme: str, host: str, port: object, path: str) -> Remote:
    path = path.strip("/")
    if path.startswith("~"):
        raise RemoteNotSupported(f"The remote path {path!r} is relative to a user's home over ssh.")
    clean = path[:-4] if path.endswith(".git") else path
    if not clean or ".." in clean.split("/"):
        raise RemoteNotSupported(f"The remote's path {path!r} names no repository.")
    netloc = host.lower() + (f":{port}" if port else "")
    return Remote(host=host.lower(), path=clean, clone_url=f"{scheme}://{netloc}/{path}")


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.password or parts.username:
        return parts._replace(netloc=parts.hostname or "").geturl()
    return url
