"""Background work of an adapter, tracked from start to end.

Platforms want an answer fast (Slack: inside 3 seconds), so adapters acknowledge at once and
answer in a task. Those tasks live in a `BackgroundTasks`: a failure is logged the moment it
happens (never lost as an unretrieved exception), and `close()` lets work in flight finish for
a grace period, then cancels the rest, so nothing outlives the adapter that started it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterable
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    """A set of running tasks: `spawn()` while open, `join()` to wait, `close()` to end."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        """Run `work` in the background; refused (and closed unstarted) after `close()`."""
        if self._closed:
            work.close()
            raise RuntimeError("BackgroundTasks is closed")
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background task failed", exc_info=exc, extra={"task": task.get_name()})

    async def join(self) -> None:
        """Wait until no task is running, including tasks spawned while waiting."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self, grace: float) -> None:
        """Take no more work; give running tasks `grace` seconds, then cancel what is left."""
        self._closed = True
        if cancelled := await finish_or_cancel(self._tasks, grace):
            log.warning("cancelled unfinished background work", extra={"tasks": cancelled})


async def finish_or_cancel(tasks: Iterable[asyncio.Task[Any]], grace: float) -> int:
    """Give `tasks` `grace` seconds to finish, cancel the rest and wait until they have ended.

    Returns how many had to be cancelled. Shared by every adapter's shutdown.
    """
    running = set(tasks)
    if not running:
        return 0
    _, pending = await asyncio.wait(running, timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return len(pending)
