"""The pool of warm kernels: one request per kernel, a bounded wait, and repair after faults."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, AsyncIterator, Callable

from .errors import NotReady, QueueFull, SetupFailed
from .worker import BUSY, FAILED, IDLE, RECOVERING, STARTING, KernelWorker

log = logging.getLogger("containerize.serve")

WorkerFactory = Callable[[int], KernelWorker]
RESTART_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


class KernelPool:
    def __init__(self, size: int, queue_size: int, factory: WorkerFactory,
                 interrupt_grace_s: float = 5.0) -> None:
        self.workers = [factory(i) for i in range(size)]
        self.queue_size = queue_size
        self.interrupt_grace_s = interrupt_grace_s
        self.idle: asyncio.Queue[KernelWorker] = asyncio.Queue()
        self.waiting = 0
        self.warm = False  # every kernel finished its first setup
        self.draining = False  # shutting down: finish what runs, take nothing new
        self.restarts = 0
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        """Start every kernel at once; SetupFailed if the notebook's setup fails in any."""
        results = await asyncio.gather(*(w.start() for w in self.workers), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            raise SetupFailed(str(failures[0])) from failures[0]
        for worker in self.workers:
            self.idle.put_nowait(worker)
        self.warm = True

    @contextlib.asynccontextmanager
    async def acquire(self) -> AsyncIterator[KernelWorker]:
        """A kernel for one request; QueueFull at once when queue_size requests already wait."""
        if not self.warm or self.draining:
            state = "shutting down" if self.draining else "still starting its kernels"
            raise NotReady(f"The service is {state}.", name="NotReady")
        if self.idle.empty() and self.waiting >= self.queue_size:
            raise QueueFull(f"All {len(self.workers)} kernels are busy and {self.waiting} requests "
                            "are waiting; retry later.", name="QueueFull")
        self.waiting += 1
        try:
            worker = await self._next_alive()
        finally:
            self.waiting -= 1
        worker.state = BUSY
        try:
            yield worker
        finally:
            self._release(worker)

    async def _next_alive(self) -> KernelWorker:
        """The next idle kernel; one that died while idle is replaced instead of failing a request."""
        while True:
            worker = await self.idle.get()
            if await worker.alive():
                return worker
            log.warning("kernel %d died while idle; replacing it", worker.ident)
            self._spawn(self._replace(worker))

    def mark_interrupted(self, worker: KernelWorker) -> None:
        """The request timed out: interrupt (or replace) the kernel before it serves again."""
        worker.state = RECOVERING

    def mark_dead(self, worker: KernelWorker) -> None:
        worker.state = STARTING

    def counts(self) -> dict[str, int]:
        states = {STARTING: 0, IDLE: 0, BUSY: 0, RECOVERING: 0, FAILED: 0}
        for worker in self.workers:
            states[worker.state] = states.get(worker.state, 0) + 1
        return states

    @property
    def ready(self) -> bool:
        return self.warm and not self.draining and any(w.state in (IDLE, BUSY) for w in self.workers)

    @property
    def broken(self) -> bool:
        """Every kernel gave up restarting: only a new process (pod) can help."""
        return self.warm and all(w.state == FAILED for w in self.workers)

    async def drain(self, timeout_s: float) -> None:
        """Stop taking requests and wait (at most timeout_s) for the running ones to answer."""
        self.draining = True
        deadline = asyncio.get_running_loop().time() + timeout_s
        while any(w.state == BUSY for w in self.workers) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*(w.stop() for w in self.workers), return_exceptions=True)

    def _release(self, worker: KernelWorker) -> None:
        if worker.state == BUSY:
            worker.state = IDLE
            self.idle.put_nowait(worker)
        elif worker.state == RECOVERING:
            self._spawn(self._recover(worker))
        else:
            self._spawn(self._replace(worker))

    async def _recover(self, worker: KernelWorker) -> None:
        if await worker.interrupt(self.interrupt_grace_s):
            worker.state = IDLE
            self.idle.put_nowait(worker)
            return
        await self._replace(worker)

    async def _replace(self, worker: KernelWorker) -> None:
        """A fresh kernel with the setup run again; retried with backoff if that fails."""
        worker.state = STARTING
        self.restarts += 1
        await worker.stop()
        for delay in (0.0, *RESTART_BACKOFF_S):
            await asyncio.sleep(delay)
            try:
                await worker.start()
            except Exception as err:
                log.error("restarting kernel %d failed: %s", worker.ident, err)
                await worker.stop()
                continue
            worker.state = IDLE
            self.idle.put_nowait(worker)
            return
        worker.state = FAILED
        log.error("kernel %d could not be restarted; the pool is smaller by one", worker.ident)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
