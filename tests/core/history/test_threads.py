"""Thread links (threads.py): message → chain root, kept across restarts for the idle window."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from muse.core.history.db import Database
from muse.core.history.models import ThreadLink
from muse.core.history.threads import SqlThreadLinks

IDLE = timedelta(minutes=180)  # the settings' default idle window


async def test_a_link_is_found_again_by_a_restarted_store(database: Database) -> None:
    await SqlThreadLinks(database, IDLE).link("telegram", "-100", "11", "10")
    restarted = SqlThreadLinks(database, IDLE)
    assert await restarted.root("telegram", "-100", "11") == "10"
    assert await restarted.root("telegram", "-100", "12") is None
    assert await restarted.root("telegram", "-200", "11") is None  # ids are per chat
    assert await restarted.root("slack", "-100", "11") is None


async def test_linking_again_moves_a_message_to_the_newer_root(database: Database) -> None:
    links = SqlThreadLinks(database, IDLE)
    await asyncio.gather(*(links.link("telegram", "-100", "11", str(r)) for r in (10, 10, 10)))
    await links.link("telegram", "-100", "11", "20")
    assert await links.root("telegram", "-100", "11") == "20"
    async with database.sessionmaker() as session:
        rows = (await session.execute(select(ThreadLink.root))).scalars().all()
    assert rows == ["20"]


async def test_links_past_the_idle_window_are_not_used_and_are_pruned(database: Database) -> None:
    links = SqlThreadLinks(database, IDLE)
    await links.link("telegram", "-100", "1", "1")
    await links.link("telegram", "-100", "2", "1")
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(ThreadLink)
            .where(ThreadLink.message_id == "1")
            .values(created_at=datetime.now(UTC) - IDLE - timedelta(minutes=1))
        )
    assert await links.root("telegram", "-100", "1") is None  # expired, even before pruning
    await SqlThreadLinks(database, IDLE).link("telegram", "-100", "3", "1")  # first link prunes
    async with database.sessionmaker() as session:
        kept = (await session.execute(select(ThreadLink.message_id))).scalars().all()
    assert sorted(kept) == ["2", "3"]
