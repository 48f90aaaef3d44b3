"""Keep one platform message in step with a reply that is still being written.

Platforms rate-limit edits (Slack `chat.update` and Telegram `editMessageText` both tolerate
about one per second per conversation), so a `LiveMessage` coalesces text updates: it edits at
most once per `interval`, always with the newest text, and `finish` makes sure the final text
lands even when updates were skipped, after (never before) an edit already on its way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Edit = Callable[[str], Awaitable[None]]


class LiveMessage:
    """Coalescing editor for one message: `update()` often, then `finish()` or `settle()` once."""

    def __init__(self, edit: Edit, interval: float = 1.0) -> None:
        self._edit = edit
        self._interval = interval
        self._latest: str | None = None  # newest text not yet sent
        self._shown: str | None = None  # text the platform shows now
        self._last_edit = float("-inf")
        self._task: asyncio.Task[None] | None = None
        self._sending = False  # the task is inside an edit call, not waiting for its turn

    def update(self, text: str) -> None:
        """Record the newest text; an edit goes out when the interval allows."""
        self._latest = text
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush_later())

    async def finish(self, text: str) -> None:
        """Show `text` as the final state, after any edit already in flight."""
        await self.settle()
        self._latest = text
        await self._send()

    async def settle(self) -> None:
        """Drop the edit waiting for its turn and wait for one already being sent.

        Afterwards no edit of this object is pending, so the caller may put the final state
        on the message itself without an older text landing after it.
        """
        task, self._task = self._task, None
        if task is None:
            return
        if not self._sending:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def cancel(self) -> None:
        """Abandon every edit, even one in flight (the reply was cancelled or failed)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _flush_later(self) -> None:
        wait = self._last_edit + self._interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._sending = True
        try:
            await self._send()
        except Exception:  # a failed intermediate edit is not fatal: the next or final one retries
            log.warning("live edit failed", exc_info=True)
        finally:
            self._sending = False

    async def _send(self) -> None:
        text, self._latest = self._latest, None
        if text is None or text == self._shown:
            return
        self._last_edit = time.monotonic()
        await self._edit(text)
        self._shown = text
