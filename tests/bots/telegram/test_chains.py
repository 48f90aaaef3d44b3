"""Reply chains: every message of a chain maps to its root; memory is bounded."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from muse.bots.telegram.chains import ReplyChains
from muse.bots.telegram.incoming import BotIdentity
from tests.bots.telegram.fake_bot_api import chat
from tests.bots.telegram.updates import BOB, GROUP, XIAOHONG

ME = BotIdentity(123456789, "MuseTestBot")
BOT_USER = {"id": ME.id, "is_bot": True, "first_name": "Muse", "username": ME.username}


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


def test_a_chain_keeps_its_root_through_replies_to_muse_and_to_people() -> None:
    chains = ReplyChains()
    mention = msg(10, XIAOHONG)
    assert chains.root_for(mention, ME) == 10  # a mention outside a chain starts one
    chains.remember(GROUP, 10, 10)
    chains.remember(GROUP, 11, 10)  # Muse's answer
    assert chains.root_for(msg(12, BOB, reply_to=raw(11, BOT_USER)), ME) == 10
    chains.remember(GROUP, 12, 10)
    assert chains.root_for(msg(13, XIAOHONG, reply_to=raw(12, BOB)), ME) == 10
    assert chains.root_of(GROUP, 11) == 10


def test_unknown_messages_root_their_own_chain() -> None:
    chains = ReplyChains()
    # After a restart: a reply to Muse's older message continues from that message.
    assert chains.root_for(msg(21, BOB, reply_to=raw(20, BOT_USER)), ME) == 20
    # A mention replying to someone else's message starts at the mention.
    assert chains.root_for(msg(23, BOB, reply_to=raw(22, XIAOHONG)), ME) == 23
    assert chains.root_of(GROUP, 30) == 30


def test_memory_is_bounded_least_recently_used_first() -> None:
    chains = ReplyChains(capacity=2)
    chains.remember(GROUP, 1, 100)
    chains.remember(GROUP, 2, 100)
    assert chains.root_of(GROUP, 1) == 100  # touched: 2 is now the least recently used
    chains.remember(GROUP, 3, 100)
    assert chains.root_of(GROUP, 2) == 2  # forgotten: roots its own chain
    assert chains.root_of(GROUP, 1) == chains.root_of(GROUP, 3) == 100
    assert chains.root_of(-5, 1) == 1  # ids are per chat
