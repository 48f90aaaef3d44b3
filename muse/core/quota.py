"""Quotas and the global limit on generations in flight.

Per person: model requests per minute (`MUSE_USER_RPM`) and reply tokens per day
(`MUSE_USER_DAILY_TOKENS`); per workspace: reply tokens per day (`MUSE_SCOPE_DAILY_TOKENS`).
0 turns a limit off. They are counted from the stored turns (`UsageCounter`), so they hold
across replicas that share a database; days are UTC days. Over a limit the person is told
which one and when it resets, and nothing is generated (the event id is still claimed, so a
redelivery is not answered twice).

At most `MUSE_MAX_CONCURRENT` generations run at once in a process; a request beyond that waits
up to `MUSE_QUEUE_WAIT_S` for a slot and is then told Muse is busy — never a platform timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from muse.core.config import Settings
from muse.core.history.store import UsageCounter
from muse.core.messages import Incoming


class Busy(Exception):
    """No generation slot came free in time."""


async def over_quota(
    usage: UsageCounter, settings: Settings, msg: Incoming, now: datetime | None = None
) -> str | None:
    """The texts.py key of the limit `msg` is over ("quota_rpm", "quota_user_day",
    "quota_scope_day"), or None. `MUSE_ADMINS` have no quota."""
    if settings.is_admin(msg.platform, msg.user_id):
        return None
    now = now or datetime.now(UTC)
    where = (msg.platform, msg.workspace_id)
    if settings.user_rpm:
        asked = await usage.requests_since(*where, msg.user_id, now - timedelta(minutes=1))
        if asked >= settings.user_rpm:
            return "quota_rpm"
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for limit, who, key in (
        (settings.user_daily_tokens, msg.user_id, "quota_user_day"),
        (settings.scope_daily_tokens, None, "quota_scope_day"),
    ):
        if limit and await usage.tokens_since(*where, who, midnight) >= limit:
            return key
    return None


class Slots:
    """At most `size` holders at once; a new one waits at most `wait_s`, then raises Busy."""

    def __init__(self, size: int, wait_s: float) -> None:
        self._semaphore = asyncio.Semaphore(size)
        self._wait_s = wait_s

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        """Hold a slot for the body."""
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self._wait_s)
        except TimeoutError as exc:
            raise Busy from exc
        try:
            yield
        finally:
            self._semaphore.release()
