"""Which updates are Muse's to answer, and how they become the core's `Incoming` (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from muse.bots.telegram.callbackdata import Press
from muse.bots.telegram.incoming import (
    BotIdentity,
    Place,
    callback_incoming,
    callback_place,
    core_text,
    message_incoming,
    message_place,
    route,
    wants_hint,
)
from muse.core.messages import Action, Kind
from tests.bots.telegram.fake_bot_api import chat
from tests.bots.telegram.updates import BOB, GROUP, XIAOHONG, entities

ME = BotIdentity(123456789, "MuseTestBot")
BOT_USER = {"id": ME.id, "is_bot": True, "first_name": "Muse", "username": ME.username}
OTHER_BOT = {"id": 999, "is_bot": True, "first_name": "Other", "username": "OtherBot"}


def update(body: str | None, chat_id: int = GROUP, **extra: Any) -> Update:
    """A message update; `body` gets the entities Telegram would attach."""
    message: dict[str, Any] = {
        "message_id": 77,
        "date": 0,
        "chat": chat(chat_id),
        "from": XIAOHONG,
        **extra,
    }
    if body is not None:
        message["text"] = body
        message["entities"] = entities(body)
    return Update.de_json({"update_id": 9001, "message": message}, None)


def kind(text: str, chat_id: int = GROUP, **extra: Any) -> Kind | None:
    message = update(text, chat_id, **extra).message
    assert message is not None
    return route(message, ME)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ad@MuseTestBot 新款服装", Kind.COMMAND),
        ("/ad@musetestbot 新款服装", Kind.COMMAND),  # usernames are case-insensitive
        ("/ad 新款服装", Kind.COMMAND),
        ("/start", Kind.COMMAND),
        ("/ad@OtherBot 新款服装", None),  # another bot's command
        ("/weather 北京", None),  # a bare command Muse does not have: likely another bot's
        ("/weather@MuseTestBot", Kind.COMMAND),  # addressed to Muse: the core explains
        ("@MuseTestBot 给秋季新品写几条广告语", Kind.MENTION),
        ("大家看看 @MuseTestBot 怎么说", Kind.MENTION),
        ("@SomeoneElse 你好", None),
        ("今天开会吗？", None),  # privacy mode off: ordinary chatter is not for Muse
    ],
)
def test_group_routing(text: str, expected: Kind | None) -> None:
    assert kind(text) is expected


def test_replies_to_muse_are_mentions_and_replies_to_others_are_not() -> None:
    from_bot = {"message_id": 70, "date": 0, "chat": chat(GROUP), "from": BOT_USER, "text": "x"}
    from_bob = {"message_id": 71, "date": 0, "chat": chat(GROUP), "from": BOB, "text": "x"}
    assert kind("再短一点", reply_to_message=from_bot) is Kind.MENTION
    assert kind("再短一点", reply_to_message=from_bob) is None
    assert kind("/ad@OtherBot x", reply_to_message=from_bot) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("/ad 新款服装", Kind.DIRECT), ("随便聊聊", Kind.DIRECT), ("/ad@OtherBot x", None)],
)
def test_everything_in_a_private_chat_is_direct(text: str, expected: Kind | None) -> None:
    assert kind(text, XIAOHONG["id"]) is expected


def test_mentions_are_removed_at_utf16_offsets() -> None:
    # 🎉 is two UTF-16 units: cutting by Python indices would eat the wrong characters.
    message = update("🎉🎉 @MuseTestBot /tagline 山野咖啡 @SomeoneElse").message
    assert message is not None
    assert core_text(message, ME) == "🎉🎉  /tagline 山野咖啡 @SomeoneElse"
    first = update("@MuseTestBot /ad 新款").message
    assert first is not None and core_text(first, ME) == "/ad 新款"


def test_a_text_mention_of_muse_counts_as_a_mention() -> None:
    text_mention = {"type": "text_mention", "offset": 0, "length": 4, "user": BOT_USER}
    message = update(None, text="Muse 写广告语", entities=[text_mention]).message
    assert message is not None
    assert route(message, ME) is Kind.MENTION
    assert core_text(message, ME) == "写广告语"


def test_message_incoming_carries_ids_thread_language_and_a_per_bot_event_id() -> None:
    upd = update("@MuseTestBot 写广告语")
    incoming = message_incoming(upd, ME, Kind.MENTION, thread_id="70")
    assert (incoming.platform, incoming.workspace_id, incoming.channel_id) == (
        "telegram",
        str(ME.id),
        str(GROUP),
    )
    assert (incoming.user_id, incoming.user_name, incoming.language) == ("501", "小红", "zh-hans")
    assert (incoming.text, incoming.kind, incoming.thread_id) == ("写广告语", Kind.MENTION, "70")
    assert (incoming.event_id, incoming.message_id) == (f"{ME.id}:9001", "77")
    command = message_incoming(update("/ad x"), ME, Kind.COMMAND, thread_id="70")
    assert command.thread_id is None  # commands are keyed by channel and user


def test_places_quote_the_message_in_groups_only_and_keep_forum_topics() -> None:
    group = update("/ad x", is_topic_message=True, message_thread_id=5).message
    private = update("/ad x", XIAOHONG["id"]).message
    assert group is not None and private is not None
    assert message_place(group) == Place(GROUP, group=True, reply_to=77, topic=5)
    assert message_place(private) == Place(XIAOHONG["id"], group=False)


def test_button_presses_become_actions_on_the_reply() -> None:
    bot_message = {"message_id": 80, "date": 0, "chat": chat(GROUP), "from": BOT_USER, "text": "x"}
    query = {
        "id": "q1",
        "from": BOB,
        "chat_instance": "1",
        "data": "m1:like:7",
        "message": bot_message,
    }
    upd = Update.de_json({"update_id": 9002, "callback_query": query}, None)
    incoming = callback_incoming(upd, ME, Press(Action.LIKE, 7))
    assert (incoming.kind, incoming.action, incoming.target_message_id) == (
        Kind.ACTION,
        Action.LIKE,
        7,
    )
    assert (incoming.user_id, incoming.language, incoming.event_id) == (
        "502",
        "en",
        f"{ME.id}:9002",
    )
    assert upd.callback_query is not None
    assert callback_place(upd.callback_query) == Place(GROUP, group=True, reply_to=80)


def test_non_text_gets_a_hint_in_private_or_when_meant_for_muse_in_a_group() -> None:
    from_bot = {"message_id": 70, "date": 0, "chat": chat(GROUP), "from": BOT_USER, "text": "x"}
    mention = [{"type": "mention", "offset": 0, "length": 12}]

    def hinted(chat_id: int, **extra: Any) -> bool:
        message = update(None, chat_id, **extra).message
        assert message is not None
        return wants_hint(message, ME)

    assert hinted(XIAOHONG["id"])
    assert not hinted(GROUP)
    assert hinted(GROUP, reply_to_message=from_bot)
    assert hinted(GROUP, caption="@MuseTestBot 看图", caption_entities=mention)
