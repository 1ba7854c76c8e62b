"""Settings from the command line and CONTAINERIZE_* environment variables (the image's knobs)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import MutableMapping, Optional

from .request_json import JSONLimits
from .token_source import load_token


@dataclass
class ServeConfig:
    notebook: Path
    host: str = "127.0.0.1"
    port: int = 8080
    pool_size: int = 1
    queue_size: int = 16  # requests that may wait for a kernel before 503
    timeout_s: float = 60.0  # per request, then interrupt and 504
    setup_timeout_s: float = 600.0  # per kernel's setup at start
    max_body_bytes: int = 1 << 20
    max_depth: int = JSONLimits.max_depth  # of the body's JSON; deeper is a 400
    max_items: int = JSONLimits.max_items  # values in the body's JSON; more is a 400
    token: Optional[str] = None
    debug: bool = False
    kernel: Optional[str] = None
    interrupt_grace_s: float = 5.0  # after an interrupt, then the kernel is restarted

    @property
    def json_limits(self) -> JSONLimits:
        return JSONLimits(max_depth=self.max_depth, max_items=self.max_items)


ENV_VARS = {
    "pool_size": ("CONTAINERIZE_POOL_SIZE", int),
    "queue_size": ("CONTAINERIZE_QUEUE_SIZE", int),
    "timeout_s": ("CONTAINERIZE_TIMEOUT", float),
    "setup_timeout_s": ("CONTAINERIZE_SETUP_TIMEOUT", float),
    "max_body_bytes": ("CONTAINERIZE_MAX_BODY_BYTES", int),
    "max_depth": ("CONTAINERIZE_MAX_DEPTH", int),
    "max_items": ("CONTAINERIZE_MAX_ITEMS", int),
    "kernel": ("CONTAINERIZE_KERNEL", str),
    "interrupt_grace_s": ("CONTAINERIZE_INTERRUPT_GRACE", float),
}


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m jupyterlab_containerize.serve",
        description="Serve a notebook over HTTP with a pool of warm kernels.")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--pool-size", type=int, help="kernels (default: CONTAINERIZE_POOL_SIZE or 1)")
    parser.add_argument("--token-file", type=Path, metavar="PATH",
                        help="file holding the bearer token (default: CONTAINERIZE_TOKEN_FILE, else "
                        "/run/secrets/serve-token if it exists, else CONTAINERIZE_TOKEN; none: no auth)")
    return parser.parse_args(argv)


def load_config(args: argparse.Namespace, environ: MutableMapping[str, str]) -> ServeConfig:
    """Command-line flags win over the environment, which wins over the defaults.

    The token is read here, once; `environ` loses the variable that located the token's pipe.
    """
    config = ServeConfig(notebook=args.notebook, host=args.host, port=args.port)
    for attr, (name, kind) in ENV_VARS.items():
        raw = environ.get(name, "").strip()
        if raw:
            try:
                setattr(config, attr, kind(raw))
            except ValueError:
                raise SystemExit(f"serve: {name}={raw!r} is not a valid {kind.__name__}") from None
    if args.pool_size is not None:
        config.pool_size = args.pool_size
    config.token = load_token(args.token_file, environ)
    config.debug = environ.get("CONTAINERIZE_DEBUG", "") in ("1", "true", "yes")
    if config.pool_size < 1 or config.queue_size < 0 or config.timeout_s <= 0:
        raise SystemExit("serve: pool size must be >= 1, queue size >= 0 and the timeout > 0")
    if config.max_depth < 1 or config.max_items < 1:
        raise SystemExit("serve: CONTAINERIZE_MAX_DEPTH and CONTAINERIZE_MAX_ITEMS must be >= 1")
    return config
