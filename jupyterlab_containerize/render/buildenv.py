"""The host's network settings the build needs: extra CA bundle, proxies, a custom package index.

They reach the builder stage only (a file in the context's build-only folder, or a build arg);
the final stage never copies them, so they are not in the image unless the user asks (keep_ca).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from ..ca_bundle import SYSTEM_CA_FILES, certificates_pem, detect_ca_bundle, is_file
from ..errors import InvalidRequest
from ..options import BuildOptions
from ..spec import Problem
from ..validate import safe_index_url, safe_index_urls, safe_path_text, single_line

# Docker's predefined proxy build args: usable without ARG, and kept out of `docker history`.
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy")
INDEX_ENV_VARS = ("UV_INDEX_URL", "PIP_INDEX_URL")
EXTRA_INDEX_ENV_VARS = ("UV_EXTRA_INDEX_URL", "PIP_EXTRA_INDEX_URL")


@dataclass
class BuildEnvironment:
    ca_bundle: Optional[Path] = None
    ca_pem: str = ""  # the bundle's certificates alone (ca_bundle.py): what the build gets
    keep_ca: bool = False
    build_args: dict[str, str] = field(default_factory=dict)
    index_url: Optional[str] = None
    extra_index_url: Optional[str] = None


def build_environment(
    options: BuildOptions, environ: Optional[Mapping[str, str]] = None
) -> BuildEnvironment:
    """Every value checked here: they reach build args and the files install.sh reads. `environ` None is
    this host: its variables and its system CA store; a mapping given (tests) is all there is."""
    system_ca = SYSTEM_CA_FILES if environ is None else ()
    environ = os.environ if environ is None else environ
    env = BuildEnvironment(keep_ca=options.keep_ca)
    if options.ca_bundle:
        env.ca_bundle = Path(safe_path_text(options.ca_bundle, "CA bundle path")).expanduser()
        if not is_file(env.ca_bundle):
            raise InvalidRequest(f"The CA bundle {options.ca_bundle} is not a file.",
                                 hint="Give the path of a PEM file, or leave it out to use the host's.")
    elif options.use_host_ca:
        env.ca_bundle = detect_ca_bundle(environ, system_ca)
    if env.ca_bundle is not None:
        env.ca_pem = certificates_pem(env.ca_bundle, options.ca_bundle or f"{env.ca_bundle} (the host's)")
    if options.proxy:  # a proxy URL may hold credentials: the messages never echo it
        env.build_args = {k: single_line(environ[k], f"host's {k}") for k in PROXY_VARS if environ.get(k)}
    index = options.index_url or _first(environ, INDEX_ENV_VARS)
    extra = options.extra_index_url or _first(environ, EXTRA_INDEX_ENV_VARS)
    env.index_url = safe_index_url(index) if index else None
    env.extra_index_url = safe_index_urls(extra) if extra else None
    return env


def _first(environ: Mapping[str, str], names: tuple[str, ...]) -> Optional[str]:
    return next((environ[n] for n in names if environ.get(n)), None)


# What a source build of a package with no wheel at all needs (inspect/as_of_pins.py reports each
# as `source-build`): in the build stage only, never in the image unless the notebook needs them.
SOURCE_BUILD_TOOLCHAIN = ("g++", "gcc", "libc6-dev", "make")


def build_stage_compilers(problems: list[Problem], apt_packages: list[str]) -> list[str]:
    """The compilers install.sh adds for source builds and removes after: none without a source build,
    and none the image keeps anyway (the notebook's own apt packages)."""
    if not any(p.kind == "source-build" for p in problems):
        return []
    return [name for name in SOURCE_BUILD_TOOLCHAIN if name not in apt_packages]
