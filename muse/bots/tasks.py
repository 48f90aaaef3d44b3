"""An adapter's work in flight, tracked from start to end, and ended within limits on stop.

Platforms want an answer fast (Slack: inside 3 seconds), so the Slack adapter acknowledges at
once and answers in a task it `spawn`s; python-telegram-bot runs each update in a task of its
own (concurrent_updates), which the Telegram adapter `track`s. Either way a failure is logged
the moment it happens (never lost as an unretrieved exception), and `close()` lets work in
flight finish for a grace period, then cancels the rest: a generation stuck on an unreachable
model cannot hold shutdown forever, and nothing outlives the adapter that started it. The core
marks a cancelled turn failed; the reply view marks its draft as interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterable, Iterator
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    """A set of running tasks: `spawn()` or `track()` while open, `join()` to wait, `close()`
    to end."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
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

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count the running task (one its framework started) as in flight for the block."""
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("track() needs a running task")
        self._tasks.add(task)
        try:
            yield
        finally:
            self._tasks.discard(task)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background task failed", exc_info=exc, extra={"task": task.get_name()})

    async def join(self) -> None:
        """Wait until no task is running, including tasks spawned while waiting."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self, grace: float) -> int:
        """Take no more work; give running tasks `grace` seconds, then cancel what is left.
        Returns how many had to be cancelled (and logs it)."""
        self._closed = True
        if cancelled := await _finish_or_cancel(self._tasks, grace):
            log.warning("cancelled unfinished work at stop", extra={"tasks": cancelled})
        return cancelled


async def _finish_or_cancel(tasks: Iterable[asyncio.Task[Any]], grace: float) -> int:
    """Give `tasks` `grace` seconds to finish, cancel the rest and wait until they have ended;
    how many had to be cancelled."""
    running = set(tasks)
    if not running:
        return 0
    _, pending = await asyncio.wait(running, timeout=grace)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    return len(pending)
