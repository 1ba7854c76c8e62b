"""The launch link: `<binderhub>/v2/<provider>/<spec>/<sha>?urlpath=lab/tree/<path>`, and badges."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import quote, urlsplit

from ..defaults import BINDERHUB_URL
from ..errors import InvalidRequest, RemoteNotSupported
from ..validate import single_line
from .remote import Remote

DEFAULT_BINDERHUB = BINDERHUB_URL  # the admin's c.Containerize.binderhub_url starts from it
PROVIDERS = ("gh", "gl", "git", "gist")
_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")  # SHA-1 or SHA-256 object names


@dataclass
class ProviderChoice:
    provider: str
    spec: str
    warnings: list[str]


def binderhub_base(url: Optional[str]) -> str:
    """A BinderHub's base URL, checked: http(s), a host, no query; no trailing slash."""
    url = (url or DEFAULT_BINDERHUB).strip()
    single_line(url, "BinderHub URL")
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise InvalidRequest(f"{url!r} is not a BinderHub URL.",
                             hint="Give its base URL, e.g. https://mybinder.org.")
    return url.rstrip("/")


def default_provider(remote: Remote) -> str:
    if remote.host == "gist.github.com":
        return "gist"
    if remote.host in ("github.com", "www.github.com"):
        return "gh"
    if remote.host == "gitlab.com":
        return "gl"
    return "git"


def choose_provider(remote: Remote, requested: Optional[str] = None) -> ProviderChoice:
    """The provider and its repository spec; a provider the remote cannot use falls back or fails."""
    if requested is not None and requested not in PROVIDERS:
        raise InvalidRequest(f"{requested!r} is not a provider.", hint=f"Use one of {', '.join(PROVIDERS)}.")
    provider = requested or default_provider(remote)
    warnings: list[str] = []
    if provider in ("gh", "gl") and default_provider(remote) != provider:
        host = "github.com" if provider == "gh" else "gitlab.com"
        warnings.append(f"The remote is on {remote.host}, not {host}: the BinderHub must be "
                        f"configured for that host, or use --provider git.")
    if provider == "gist" and len(remote.parts) != 2:
        if requested == "gist":
            raise RemoteNotSupported(
                f"The gist remote {remote.clone_url} does not name the gist's owner.",
                hint="Set the remote to https://gist.github.com/USER/GIST_ID.git, or use --provider git.")
        provider = "git"
        warnings.append("The gist remote does not name its owner; the link uses the git provider.")
    return ProviderChoice(provider=provider, spec=provider_spec(provider, remote), warnings=warnings)


def provider_spec(provider: str, remote: Remote) -> str:
    """The repository part of a BinderHub URL, encoded as each provider expects."""
    if provider == "gh":
        if len(remote.parts) != 2:
            raise RemoteNotSupported(f"{remote.clone_url} is not a GitHub owner/repository URL.",
                                     hint="Use --provider git for this remote.")
        return f"{quote(remote.parts[0], safe='')}/{quote(remote.parts[1], safe='')}"
    if provider == "gl":
        return quote(remote.path, safe="")  # group%2Fsubgroup%2Frepo
    if provider == "gist":
        return f"{quote(remote.parts[0], safe='')}/{quote(remote.parts[1], safe='')}"
    if provider == "git":
        return quote(remote.clone_url, safe="")
    raise InvalidRequest(f"{provider!r} is not a provider.", hint=f"Use one of {', '.join(PROVIDERS)}.")


def launch_url(base: str, provider: str, spec: str, commit: str, notebook_path: str) -> str:
    """The link, pinned to a commit SHA (a branch would move)."""
    if not isinstance(commit, str) or not _SHA.fullmatch(commit):
        raise InvalidRequest(f"{commit!r} is not a full commit SHA.")
    single_line(notebook_path, "notebook path")
    urlpath = quote(f"lab/tree/{notebook_path}", safe="/")
    return f"{base}/v2/{provider}/{spec}/{commit}?urlpath={urlpath}"


def badge_markdown(base: str, url: str) -> str:
    return f"[![Binder]({base}/badge_logo.svg)]({url})"


def badge_rst(base: str, url: str) -> str:
    return f".. image:: {base}/badge_logo.svg\n   :target: {url}\n   :alt: Binder"
