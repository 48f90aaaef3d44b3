"""Slack payloads as the core's Incoming, and which events Muse answers."""

from __future__ import annotations

from typing import Any

import pytest

from muse.bots.slack.convert import (
    action_incoming,
    command_incoming,
    is_user_dm,
    is_user_mention,
    mention_incoming,
    mentioned_users,
    plain_text,
    reply_thread,
)
from muse.core.commands import Command, read
from muse.core.messages import Action, Kind

BOT = "UMUSEBOT"


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@UMUSEBOT> 给新品写三句口号", "给新品写三句口号"),
        ("问问 <@UCAROL|carol> 的意见", "问问 <@UCAROL> 的意见"),
        ("发到 <#C123|marketing>", "发到 #marketing"),
        ("<!here> 今晚上线", "@here 今晚上线"),
        ("<!subteam^S1|@design> 看看", "@design 看看"),
        ("见 <https://example.com/a?b=1&amp;c=2|官网>", "见 官网 (https://example.com/a?b=1&c=2)"),
        ("<mailto:hi@example.com|hi@example.com>", "hi@example.com"),
        ("A &amp; B &lt;3 &gt;", "A & B <3 >"),
    ],
)
def test_plain_text(slack: str, plain: str) -> None:
    assert plain_text(slack, BOT) == plain


def test_mentioned_users() -> None:
    assert mentioned_users("<@UMUSEBOT> 和 <@UCAROL|carol> <!here>") == {"UMUSEBOT", "UCAROL"}


@pytest.mark.parametrize(
    ("command", "text", "name", "argument", "private"),
    [
        ("/ad", "新款风衣", "ad", "新款风衣", False),
        ("/ad", "  ", "ad", "", True),
        ("/muse", "help", "help", "", True),
        ("/muse", "reset", "reset", "", True),
        ("/muse", " forget ", "forget", "", True),
        ("/muse", "", "help", "", True),
        ("/muse", "nonsense", "unknown", "/nonsense", True),
        ("/muse", "slogan 社区咖啡馆", "tagline", "社区咖啡馆", False),
        ("/muse", "ideas\n中秋活动\n预算五千", "brainstorm", "中秋活动\n预算五千", False),
        ("/analyze", "轻薄防风", "analyze", "轻薄防风", False),
    ],
)
def test_commands(command: str, text: str, name: str, argument: str, private: bool) -> None:
    body = {**command_body("C1"), "command": command, "text": text}
    msg = command_incoming(body)
    assert read(msg) == Command(name, argument)
    assert read(msg).personal is private


def test_a_slash_commands_text_is_never_parsed_as_a_command_again() -> None:
    msg = command_incoming({**command_body("C1"), "command": "/ad", "text": "/reset 的包装"})
    assert read(msg) == Command("ad", "/reset 的包装")


def command_body(channel: str) -> dict[str, Any]:
    return {
        "command": "/tagline",
        "text": "咖啡 &amp; 早午餐",
        "team_id": "T1",
        "channel_id": channel,
        "user_id": "UALICE",
        "user_name": "alice",
        "trigger_id": "1.2.abc",
    }


def test_a_command_in_a_channel_is_keyed_by_channel_and_user() -> None:
    msg = command_incoming(command_body("C1"))
    assert msg.kind is Kind.COMMAND and (msg.command, msg.text) == ("tagline", "咖啡 & 早午餐")
    assert msg.event_id == "command:1.2.abc" and msg.user_name == "alice"


def test_a_command_in_a_direct_message_continues_the_dm_conversation() -> None:
    assert command_incoming(command_body("D1")).kind is Kind.DIRECT


def dm(**fields: Any) -> dict[str, Any]:
    return {"type": "message", "channel_type": "im", "user": "UALICE", "text": "hi", **fields}


@pytest.mark.parametrize(
    "event",
    [
        dm(user=BOT),
        dm(bot_id="B999", subtype="bot_message"),
        dm(bot_id="B999"),
        dm(subtype="message_changed"),
        dm(subtype="message_deleted"),
        dm(subtype="channel_join"),
        dm(channel_type="channel"),
        {"type": "message", "channel_type": "im", "subtype": "message_deleted"},
    ],
)
def test_only_new_messages_from_people_in_dms_are_answered(event: dict[str, Any]) -> None:
    assert not is_user_dm(event, BOT)


def test_a_person_writing_a_dm_is_answered() -> None:
    assert is_user_dm(dm(), BOT)


def test_bots_mentioning_muse_are_not_answered() -> None:
    assert is_user_mention({"user": "UALICE", "text": "x"}, BOT)
    assert not is_user_mention({"user": "UOTHER", "bot_id": "B2", "text": "x"}, BOT)
    assert not is_user_mention({"user": BOT, "text": "x"}, BOT)


def test_a_mention_outside_a_thread_starts_one_at_itself() -> None:
    body = {
        "team_id": "T1",
        "event_id": "Ev1",
        "event": {"user": "UALICE", "text": "<@UMUSEBOT> 口号", "channel": "C1", "ts": "5.1"},
    }
    msg = mention_incoming(body, BOT)
    assert (msg.kind, msg.thread_id, msg.text) == (Kind.MENTION, "5.1", "口号")
    body["event"]["thread_ts"] = "4.0"
    assert mention_incoming(body, BOT).thread_id == "4.0"


def action_body(action_id: str, value: str, channel: str = "C1", **message: Any) -> dict[str, Any]:
    return {
        "team": {"id": "T1"},
        "user": {"id": "UBOB", "team_id": "T1"},
        "channel": {"id": channel},
        "trigger_id": "9.9.xyz",
        "message": {"ts": "7.7", **message},
        "actions": [{"action_id": action_id, "value": value}],
    }


def test_a_button_targets_the_stored_reply() -> None:
    msg = action_incoming(action_body("muse_shorter", "42:en"))
    assert msg is not None
    assert (msg.kind, msg.action, msg.target_message_id) == (Kind.ACTION, Action.SHORTER, 42)
    assert msg.language == "en" and msg.event_id == "action:9.9.xyz"


@pytest.mark.parametrize(
    ("action_id", "value"), [("muse_explode", "1:zh"), ("other_app", "1:zh"), ("muse_like", "x")]
)
def test_foreign_or_malformed_buttons_are_ignored(action_id: str, value: str) -> None:
    assert action_incoming(action_body(action_id, value)) is None


def test_button_replies_go_to_the_thread_or_under_the_message() -> None:
    assert reply_thread(action_body("muse_tone", "1:zh")) == "7.7"
    assert reply_thread(action_body("muse_tone", "1:zh", thread_ts="6.0")) == "6.0"
    assert reply_thread(action_body("muse_tone", "1:zh", channel="D1")) is None
