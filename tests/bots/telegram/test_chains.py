"""Reply chains: every message of a chain maps to its root, kept in the database behind a
bounded cache."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Message, Update

from muse.bots.telegram.chains import ReplyChains
from muse.bots.telegram.incoming import BotIdentity
from muse.core.history.db import Database
from muse.core.history.threads import SqlThreadLinks
from tests.bots.telegram.fake_bot_api import chat
from tests.bots.telegram.updates import BOB, GROUP, XIAOHONG

ME = BotIdentity(123456789, "MuseTestBot")
BOT_USER = {"id": ME.id, "is_bot": True, "first_name": "Muse", "username": ME.username}


@pytest.fixture
async def links(tmp_path: Path) -> AsyncIterator[SqlThreadLinks]:
    async with Database(f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}") as db:
        yield SqlThreadLinks(db, timedelta(hours=3))


def msg(message_id: int, sender: dict[str, Any], reply_to: dict[str, Any] | None = None) -> Message:
    data: dict[str, Any] = {
        "message_id": message_id,
        "date": 0,
        "chat": chat(GROUP),
        "from": sender,
        "text": "…",
    }
    if reply_to is not None:
        data["reply_to_message"] = reply_to
    message = Update.de_json({"update_id": 1, "message": data}, None).message
    assert message is not None
    return message


def raw(message_id: int, sender: dict[str, Any]) -> dict[str, Any]:
    return {"message_id": message_id, "date": 0, "chat": chat(GROUP), "from": sender, "text": "…"}


async def test_a_chain_keeps_its_root_through_replies_to_muse_and_to_people(links) -> None:
    chains = ReplyChains(links)
    mention = msg(10, XIAOHONG)
    assert await chains.root_for(mention, ME) == 10  # a mention outside a chain starts one
    await chains.remember(GROUP, 10, 10)
    await chains.remember(GROUP, 11, 10)  # Muse's answer
    assert await chains.root_for(msg(12, BOB, reply_to=raw(11, BOT_USER)), ME) == 10
    await chains.remember(GROUP, 12, 10)
    assert await chains.root_for(msg(13, XIAOHONG, reply_to=raw(12, BOB)), ME) == 10
    assert await chains.root_of(GROUP, 11) == 10


async def test_unknown_messages_root_their_own_chain(links) -> None:
    chains = ReplyChains(links)
    # A reply to a Muse message no chain recorded continues from that message.
    assert await chains.root_for(msg(21, BOB, reply_to=raw(20, BOT_USER)), ME) == 20
    # A mention replying to someone else's message starts at the mention.
    assert await chains.root_for(msg(23, BOB, reply_to=raw(22, XIAOHONG)), ME) == 23
    assert await chains.root_of(GROUP, 30) == 30


async def test_a_restart_finds_the_chain_in_the_database(links) -> None:
    await ReplyChains(links).remember(GROUP, 12, 10)  # Bob's reply, before the restart
    restarted = ReplyChains(links)
    assert await restarted.root_for(msg(13, XIAOHONG, reply_to=raw(12, BOB)), ME) == 10


async def test_the_cache_is_bounded_least_recently_used_first(links) -> None:
    chains = ReplyChains(links, capacity=2)
    for message_id in (1, 2, 3):
        await chains.remember(GROUP, message_id, 100)
    assert list(chains._roots) == [(GROUP, 2), (GROUP, 3)]
    assert await chains.root_of(GROUP, 1) == 100  # evicted from the cache, found in the database
    assert list(chains._roots) == [(GROUP, 3), (GROUP, 1)]
    assert await chains.root_of(-5, 1) == 1  # ids are per chat
