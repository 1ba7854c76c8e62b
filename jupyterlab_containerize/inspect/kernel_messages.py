"""Silent requests to a live kernel: `user_expressions` on an execute request with silent=True, no
history and no execution count, the one way the probe and the touch record talk to a kernel."""

from __future__ import annotations

import asyncio
import queue
from typing import Any

from ..defaults import PROBE_TIMEOUT
from ..errors import ProbeFailed


async def kernel_user_expressions(
    kernel_manager: Any, expressions: dict[str, str], timeout: float = PROBE_TIMEOUT
) -> dict[str, Any]:
    """Evaluate expressions in a live kernel with silent=True, no history and no execution count."""
    from jupyter_client.asynchronous import AsyncKernelClient

    client = AsyncKernelClient()
    client.load_connection_info(kernel_manager.get_connection_info(session=False))
    client.session.key = kernel_manager.session.key
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute("", silent=True, store_history=False, user_expressions=expressions)
        reply = await await_reply(client, msg_id, timeout)
    finally:
        client.stop_channels()
    if reply.get("status") != "ok":
        raise ProbeFailed(f"The kernel refused the probe: {reply.get('ename')}: {reply.get('evalue')}")
    return dict(reply.get("user_expressions") or {})


async def await_reply(client: Any, msg_id: str, timeout: float) -> dict[str, Any]:
    """The shell reply to `msg_id`; ProbeFailed when none comes within `timeout` s or the channel fails."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise ProbeFailed(
                f"The kernel did not answer the probe within {timeout:.0f} s (it may be busy running a cell).",
                hint="Wait for the running cell to finish or interrupt it; static analysis was used meanwhile.",
            )
        try:
            msg = await client.get_shell_msg(timeout=remaining)
        except (queue.Empty, TimeoutError, asyncio.TimeoutError):
            continue  # the poll can wake a hair before the deadline: the loop's check decides
        except Exception as err:
            raise ProbeFailed(f"Lost contact with the kernel: {type(err).__name__}: {err}") from err
        if msg.get("parent_header", {}).get("msg_id") == msg_id:
            return dict(msg["content"])
