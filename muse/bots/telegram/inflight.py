"""The requests being answered right now, so that stopping can wait for them, within limits.

python-telegram-bot runs each update in its own task (concurrent_updates) and `Application.stop`
waits for all of them. A generation stuck on an unreachable model would hold shutdown forever,
so `drain` waits a grace period and then cancels what is left; the core marks a cancelled turn
failed, and the reply writer marks its draft as interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

from muse.bots.tasks import finish_or_cancel


class InFlight:
    """Tasks currently handling an update."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count the current task as in flight for the duration of the block."""
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("track() needs a running task")
        self._tasks.add(task)
        try:
            yield
        finally:
            self._tasks.discard(task)

    async def drain(self, grace: float) -> int:
        """Wait up to `grace` seconds for the tracked tasks; cancel the rest. Returns how many
        had to be cancelled."""
        return await finish_or_cancel(self._tasks, grace)
