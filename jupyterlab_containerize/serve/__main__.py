"""`python -m jupyterlab_containerize.serve NOTEBOOK --port 8080` (in the image: the bundled copy)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from typing import Optional

from .app import ServeState, make_app
from .config import ServeConfig, load_config, parse_args
from .errors import SetupFailed
from .notebook import load_plan
from .openapi import openapi_document
from .pool import KernelPool
from .token_source import forbid_inspection, reexec_without_token
from .worker import KernelWorker, OwnPythonSpecs, choose_kernel, current_environment

log = logging.getLogger("containerize.serve")
DRAIN_S = 20.0  # within Kubernetes' default 30 s grace period after SIGTERM


def build_state(config: ServeConfig) -> ServeState:
    plan = load_plan(config.notebook)
    specs = OwnPythonSpecs()
    kernel = choose_kernel(config.kernel or plan.kernel_name, specs)
    env = current_environment()

    def factory(ident: int) -> KernelWorker:
        return KernelWorker(ident, plan, kernel, specs, env)

    pool = KernelPool(config.pool_size, config.queue_size, factory, config.interrupt_grace_s)
    doc = openapi_document(plan, title=plan.path.stem, auth=bool(config.token))
    return ServeState(config=config, plan=plan, pool=pool, openapi=doc)


async def serve(config: ServeConfig) -> int:
    started = time.monotonic()
    state = build_state(config)
    server = make_app(state).listen(config.port, config.host, max_body_size=64 << 20)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    log.info("listening on http://%s:%d; starting %d kernel(s) for %s", config.host, config.port,
             config.pool_size, config.notebook.name)
    code = 0
    try:
        if await start_or_stop(state, config, stop):
            log.info("ready: %d kernel(s) warm in %.2f s", config.pool_size, time.monotonic() - started)
            await stop.wait()
            log.info("stopping: letting running requests finish (at most %g s)", DRAIN_S)
            await state.pool.drain(DRAIN_S)
    except (SetupFailed, asyncio.TimeoutError) as err:
        log.error("the notebook's setup failed, so the service cannot start: %s", err or "timeout")
        code = 1
    finally:
        server.stop()
        await state.pool.close()
    return code


async def start_or_stop(state: ServeState, config: ServeConfig, stop: asyncio.Event) -> bool:
    """Warm the pool; False when a stop signal comes first (a pod deleted during its setup)."""
    starting = asyncio.ensure_future(asyncio.wait_for(state.pool.start(), config.setup_timeout_s))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if starting.done():
        stopping.cancel()
        starting.result()  # raises SetupFailed / TimeoutError
        return True
    starting.cancel()
    return False


def main(argv: Optional[list[str]] = None) -> int:
    if argv is None:  # a real start: first of all, get the token out of the environment
        reexec_without_token()
    hidden = forbid_inspection()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = load_config(parse_args(argv), os.environ)
    if not config.token:
        log.warning("no token configured: anyone who reaches port %d may POST /run", config.port)
    elif not hidden:
        log.warning("this platform cannot make the server non-dumpable: kernels may read its memory")
    return asyncio.run(serve(config))


if __name__ == "__main__":
    sys.exit(main())
