"""Slack payloads as the core's `Incoming`, and which events deserve an answer. Pure functions.

Slack message text is mrkdwn with escaped `&`, `<`, `>` and `<…>` tokens for mentions and links
(https://docs.slack.dev/messaging/formatting-message-text); the core gets plain text, with user
mentions kept as `<@U…>` so a reply may address the same people.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from muse.bots.slack.render import ACTION_PREFIX
from muse.core.commands import ARGUMENT_COMMANDS
from muse.core.messages import Action, Incoming, Kind
from muse.core.sanitize import clean_text

PLATFORM = "slack"
# Slash commands Muse registers: one per core command that takes an argument, and /muse for
# help|reset|forget (manifest.py writes the same list into manifest.yml).
SKILL_COMMANDS = tuple(f"/{name}" for name in ARGUMENT_COMMANDS)
MUSE_COMMAND = "/muse"
COMMANDS = (*SKILL_COMMANDS, MUSE_COMMAND)

_TOKEN = re.compile(r"<([^<>]*)>")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>")
_ACTION_ID = re.compile(re.escape(ACTION_PREFIX) + r"([a-z]+)")
_ACTIONS = frozenset(action.value for action in Action)

Payload = Mapping[str, Any]


def plain_text(text: str, bot_user_id: str | None = None) -> str:
    """Slack mrkdwn as plain text: links, channels and special mentions spelled out,
    entities decoded, user mentions kept as `<@U…>` except the bot's own, which is removed;
    lone surrogates and control characters cleaned (core/sanitize.py)."""

    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            return "" if user == bot_user_id else f"<@{user}>"
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            # <!here>, <!channel>, <!everyone>, <!subteam^S1|@team>, <!date^…|fallback>
            return label or "@" + target[1:].split("^")[0]
        url = target.removeprefix("mailto:")
        return url if not label or label == url else f"{label} ({url})"

    text = _TOKEN.sub(token, clean_text(text))
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def mentioned_users(text: str) -> frozenset[str]:
    """User ids the person mentioned in raw Slack text (the only mentions a reply may keep)."""
    return frozenset(_USER_MENTION.findall(text))


def slash_command(command: str, text: str) -> tuple[str, str]:
    """The core's command name and argument for a Slack slash command: ("/ad", "新款服装") is
    ("ad", "新款服装"); /muse's first word names the command ("/muse reset"), bare /muse is help."""
    if command != MUSE_COMMAND:
        return command.removeprefix("/"), text
    words = text.split(maxsplit=1)  # any whitespace, a newline too, ends the name
    return (words[0], words[1] if len(words) > 1 else "") if words else ("help", "")


def command_incoming(body: Payload) -> Incoming:
    """A slash command. In a direct message it continues the person's own conversation."""
    channel = body["channel_id"]
    name, argument = slash_command(body["command"], body.get("text", ""))
    return Incoming(
        platform=PLATFORM,
        workspace_id=body["team_id"],
        channel_id=channel,
        user_id=body["user_id"],
        text=plain_text(argument),
        command=name,
        kind=Kind.DIRECT if channel.startswith("D") else Kind.COMMAND,
        event_id=f"command:{body['trigger_id']}",
        user_name=clean_text(body["user_name"]) if body.get("user_name") else None,
    )


def is_user_dm(event: Payload, bot_user_id: str | None) -> bool:
    """A new direct message written by a person: not an edit, a deletion, a join or a bot."""
    return (
        event.get("channel_type") == "im"
        and "subtype" not in event
        and "bot_id" not in event
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def is_user_mention(event: Payload, bot_user_id: str | None) -> bool:
    """An @mention written by a person (bots mentioning Muse are not answered)."""
    return (
        "bot_id" not in event
        and "subtype" not in event
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def message_incoming(body: Payload, bot_user_id: str | None) -> Incoming:
    """A direct message: the person's running conversation with Muse."""
    event = body["event"]
    return Incoming(
        platform=PLATFORM,
        workspace_id=_team(body),
        channel_id=event["channel"],
        user_id=event["user"],
        text=plain_text(event.get("text", ""), bot_user_id),
        kind=Kind.DIRECT,
        thread_id=event.get("thread_ts"),
        event_id=body["event_id"],
        message_id=event["ts"],
    )


def mention_incoming(body: Payload, bot_user_id: str | None) -> Incoming:
    """An @mention in a channel: the thread it starts or belongs to is the conversation."""
    event = body["event"]
    return Incoming(
        platform=PLATFORM,
        workspace_id=_team(body),
        channel_id=event["channel"],
        user_id=event["user"],
        text=plain_text(event.get("text", ""), bot_user_id),
        kind=Kind.MENTION,
        thread_id=event.get("thread_ts") or event["ts"],
        event_id=body["event_id"],
        message_id=event["ts"],
    )


def action_incoming(body: Payload) -> Incoming | None:
    """A Muse button under a reply; None for anything that is not one."""
    action = body["actions"][0]
    match = _ACTION_ID.fullmatch(action.get("action_id", ""))
    # value: "<reply id>:<lang>", with ":<variant>" on a 👍 beside one variant.
    message_id, lang, variant = [*action.get("value", "").split(":", 2), "", ""][:3]
    if match is None or match[1] not in _ACTIONS or not message_id.isdigit():
        return None
    return Incoming(
        platform=PLATFORM,
        workspace_id=_team(body),
        channel_id=body["channel"]["id"],
        user_id=body["user"]["id"],
        text="",
        kind=Kind.ACTION,
        event_id=f"action:{body['trigger_id']}",
        language=lang or None,
        action=Action(match[1]),
        target_message_id=int(message_id),
        variant=int(variant) if variant.isascii() and variant.isdigit() else None,
    )


def reply_thread(body: Payload) -> str | None:
    """Where the answer to a button goes: the pressed message's thread; in a channel, a new
    thread under that message; in a direct message, the conversation itself."""
    message = body.get("message") or {}
    if thread := message.get("thread_ts"):
        return str(thread)
    if body["channel"]["id"].startswith("D"):
        return None
    return message.get("ts") or body.get("container", {}).get("message_ts")


def _team(body: Payload) -> str:
    """The workspace id of an event or interaction payload."""
    team = body.get("team_id") or body.get("team") or body.get("user", {}).get("team_id")
    if isinstance(team, Mapping):
        team = team.get("id")
    return str(team or "")
