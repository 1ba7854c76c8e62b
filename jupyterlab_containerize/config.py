"""What a server admin sets, as traitlets: `c.Containerize.<name> = ...` in jupyter_server_config.py.

Defaults give a single-user laptop set-up; docs/config.md shows a JupyterHub one.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit

from traitlets import Bool, Float, Int, List, TraitError, Unicode, default, validate
from traitlets.config import Configurable

from . import secret_files
from .defaults import BINDERHUB_URL, PROBE_TIMEOUT
from .errors import HostNotAllowed


class Containerize(Configurable):
    """Server-side settings of jupyterlab-containerize."""

    builds_dir = Unicode(
        help="Folder for build records (one JSON file a build). Default: <jupyter data dir>/containerize/builds.",
    ).tag(config=True)

    max_concurrent_builds = Int(
        2, help="Builds that run at once; more wait in a queue. Each holds a container engine build.",
    ).tag(config=True)

    inspect_timeout = Float(
        PROBE_TIMEOUT, help="Seconds the kernel probe may take before inspect falls back to static analysis.",
    ).tag(config=True)

    max_inspect_timeout = Float(
        120.0, help="The largest probe timeout a REST request may ask for, in seconds.",
    ).tag(config=True)

    default_base_image = Unicode(
        "", help="Base image for builds that name none. Empty: python:X.Y-slim of the kernel's Python.",
    ).tag(config=True)

    binderhub_url = Unicode(
        BINDERHUB_URL, help="The BinderHub that launch links and badges point at, unless a request names one.",
    ).tag(config=True)

    engine_url = Unicode(
        "",
        help="The container engine's API address, e.g. unix:///run/user/1000/podman/podman.sock, "
        "tcp://build-host:2376 or ssh://user@build-host. Empty: DOCKER_HOST, else the local socket.",
    ).tag(config=True)

    engine_tls_verify = Bool(
        False, help="Verify the engine's TLS certificate (like DOCKER_TLS_VERIFY=1) for a tcp:// engine_url.",
    ).tag(config=True)

    engine_cert_path = Unicode(
        "", help="Folder with ca.pem, cert.pem and key.pem for a TLS engine_url (like DOCKER_CERT_PATH).",
    ).tag(config=True)

    engine_timeout = Int(600, help="Seconds one engine API call may take.").tag(config=True)

    engine_class = Unicode(
        "docker", help="The container engine builds run on, by its name in the entry-point group "
        "jupyterlab_containerize.engines ('docker': docker-py, which Podman's Docker API serves too).",
    ).tag(config=True)

    allowed_interpreters = List(
        Unicode(),
        help="Absolute paths of Python interpreters a REST build may name in options.python, besides "
        "those of the installed kernel specs. Anything else is refused (docs/security.md).",
    ).tag(config=True)

    extra_secret_patterns = List(
        Unicode(),
        help="More file patterns that never go into an image, e.g. ['*.vault', 'corp/token'], added "
        "to the built-in secret list (docs/security.md).",
    ).tag(config=True)

    @validate("extra_secret_patterns")
    def _check_secret_patterns(self, proposal: Any) -> list[str]:
        try:
            return [secret_files.check_pattern(p) for p in proposal["value"]]
        except ValueError as err:
            raise TraitError(f"c.Containerize.extra_secret_patterns: {err}") from err

    allowed_hosts = List(
        Unicode(),
        help="Hosts the server may send requests to for a user: the BinderHubs (and API-only build hubs) a "
        "REST request names. Entries: 'hub.example.org', 'hub.example.org:8443', '*.example.org', or '*' "
        "for any. Empty (the default): only binderhub_url's host, so a user cannot make the server call "
        "an internal address (a cloud metadata service, an admin port).",
    ).tag(config=True)

    def check_host(self, url: str, what: str = "BinderHub") -> None:
        """HostNotAllowed (403) unless `url`'s host is on allowed_hosts (default: binderhub_url's)."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        try:
            port = parts.port
        except ValueError:
            port = None
        allowed = self.allowed_hosts or [urlsplit(self.binderhub_url).netloc.rsplit("@", 1)[-1]]
        for entry in (e.strip().lower() for e in allowed):
            name, _, wanted_port = entry.partition(":") if not entry.startswith("[") else (entry, "", "")
            if entry == "*" or (fnmatchcase(host, name) and (not wanted_port or str(port) == wanted_port)):
                return
        raise HostNotAllowed(f"The server may not send requests to {host or url!r} ({what}).")

    package_cache_max_gb = Float(
        10.0, help="The engine's package cache (a named volume of uv's cache, shared by every build on that engine) "
        "is cleared once it grows past this many GB. 0: no cache, every build downloads its packages.",
    ).tag(config=True)

    signing_key = Unicode(
        "", help="A PEM private key (Ed25519 or ECDSA P-256, unencrypted) that signs each build's provenance "
        "(a DSSE envelope, also attached to pushed images). Empty: the provenance is not signed.",
    ).tag(config=True)

    environment_images_max_gb = Float(
        0.0, help="Environment images (localhost/containerize-env:*) the builds leave on the engine are pruned, "
        "least recently used first, once together they pass this many GB; one a tagged image still needs is "
        "never removed. 0: never pruned automatically (`jupyter containerize prune` does it on demand).",
    ).tag(config=True)

    @default("builds_dir")
    def _default_builds_dir(self) -> str:
        from jupyter_core.paths import jupyter_data_dir

        return str(Path(jupyter_data_dir()) / "containerize" / "builds")

    def engine_kwargs(self) -> dict[str, Any]:
        """The engine's own settings (builder/engines.py); no address: the environment (DOCKER_HOST...) decides."""
        kwargs: dict[str, Any] = {"timeout": self.engine_timeout}
        if self.engine_url:
            kwargs["base_url"] = self.engine_url
            kwargs["tls_cert_path"] = self.engine_cert_path or None
            kwargs["tls_verify"] = self.engine_tls_verify
        return kwargs

    def base_image_for(self, requested: Optional[str]) -> Optional[str]:
        return requested or self.default_base_image or None
