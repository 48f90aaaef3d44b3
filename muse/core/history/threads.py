"""`SqlThreadLinks`: the `ThreadLinks` protocol on SQLAlchemy.

A link only matters while the conversation it leads to can still continue: a thread silent for
the idle window starts a fresh conversation whatever its key. So links older than `retention`
(Muse passes the idle window) are deleted, at most hourly, by a later `link`; each `link`
refreshes its row, so a chain in use keeps its links.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import ColumnElement, and_, delete, select
from sqlalchemy.exc import IntegrityError

from muse.core.history.db import Database
from muse.core.history.models import ThreadLink, utcnow
from muse.core.history.repository import NO_SYNC, PRUNE_EVERY


class SqlThreadLinks:
    """Message → thread root on a started `Database`."""

    def __init__(self, db: Database, retention: timedelta) -> None:
        self._db = db
        self._retention = retention
        self._next_prune = utcnow()  # the first link prunes what earlier runs left

    async def link(self, platform: str, channel_id: str, message_id: str, root: str) -> None:
        """Record (or refresh) that `message_id` belongs to the thread rooted at `root`."""
        try:
            await self._link_once(platform, channel_id, message_id, root)
        except IntegrityError:
            # A concurrent link of the same message inserted first; this pass replaces it.
            await self._link_once(platform, channel_id, message_id, root)

    async def root(self, platform: str, channel_id: str, message_id: str) -> str | None:
        """The root recorded for `message_id` within the retention, or None."""
        async with self._db.sessionmaker() as session:
            return await session.scalar(
                select(ThreadLink.root).where(
                    _matches(platform, channel_id, message_id),
                    ThreadLink.created_at >= utcnow() - self._retention,
                )
            )

    async def _link_once(self, platform: str, channel_id: str, message_id: str, root: str) -> None:
        now = utcnow()
        prune = now >= self._next_prune
        async with self._db.sessionmaker() as session, session.begin():
            await session.execute(
                delete(ThreadLink)
                .where(_matches(platform, channel_id, message_id))
                .execution_options(**NO_SYNC)
            )
            session.add(
                ThreadLink(
                    platform=platform,
                    channel_id=channel_id,
                    message_id=message_id,
                    root=root,
                    created_at=now,
                )
            )
            if prune:
                await session.execute(
                    delete(ThreadLink)
                    .where(ThreadLink.created_at < now - self._retention)
                    .execution_options(**NO_SYNC)
                )
        if prune:
            self._next_prune = now + PRUNE_EVERY


def _matches(platform: str, channel_id: str, message_id: str) -> ColumnElement[bool]:
    return and_(
        ThreadLink.platform == platform,
        ThreadLink.channel_id == channel_id,
        ThreadLink.message_id == message_id,
    )
