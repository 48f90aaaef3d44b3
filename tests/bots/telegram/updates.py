"""Updates as the Bot API delivers them, for tests: people, messages with `bot_command` and
`mention` entities at UTF-16 offsets, replies, button presses, stickers and edits.

Messages get their ids from the fake server, so people's and the bot's ids share one sequence
per chat, as in Telegram.
"""

from __future__ import annotations

import re
import time
from typing import Any

from muse.bots.textsplit import utf16_length
from tests.bots.telegram.fake_bot_api import FakeBotApi, chat

XIAOHONG = {"id": 501, "is_bot": False, "first_name": "小红", "language_code": "zh-hans"}
BOB = {"id": 502, "is_bot": False, "first_name": "Bob", "language_code": "en"}
GROUP = -1001234567890

_COMMAND = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")


def entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram attaches: a leading bot_command, and @mentions, in UTF-16 units."""
    found: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": utf16_length(command[0])})
    for mention in _MENTION.finditer(text):
        if command and mention.start() < command.end():
            continue
        offset = utf16_length(text[: mention.start()])
        found.append({"type": "mention", "offset": offset, "length": utf16_length(mention[0])})
    return found


def message(
    api: FakeBotApi,
    chat_id: int,
    sender: dict[str, Any],
    text: str | None = None,
    reply_to: dict[str, Any] | None = None,
    **content: Any,
) -> dict[str, Any]:
    """A new message from `sender` in `chat_id`."""
    msg: dict[str, Any] = {
        "message_id": api.new_message_id(chat_id),
        "date": int(time.time()),
        "chat": chat(chat_id),
        "from": sender,
    }
    if text is not None:
        msg["text"] = text
        if found := entities(text):
            msg["entities"] = found
    if reply_to is not None:
        msg["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
    msg.update(content)
    return msg


async def say(
    api: FakeBotApi,
    chat_id: int,
    sender: dict[str, Any],
    text: str,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Deliver a text message; returns the update."""
    return await api.push({"message": message(api, chat_id, sender, text, reply_to)})


async def sticker(
    api: FakeBotApi,
    chat_id: int,
    sender: dict[str, Any],
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Deliver a sticker."""
    content = {
        "sticker": {
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADcQ",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    }
    return await api.push({"message": message(api, chat_id, sender, None, reply_to, **content)})


async def edit(api: FakeBotApi, original: dict[str, Any], text: str) -> dict[str, Any]:
    """Deliver an edit of an earlier message."""
    edited = dict(original, text=text, edit_date=int(time.time()), entities=entities(text))
    return await api.push({"edited_message": edited})


async def press(
    api: FakeBotApi, sender: dict[str, Any], bot_message: dict[str, Any], data: str
) -> dict[str, Any]:
    """Deliver a button press on `bot_message`."""
    query = {
        "id": f"q{len(api.calls)}",
        "from": sender,
        "chat_instance": "-42",
        "data": data,
        "message": {k: v for k, v in bot_message.items() if k != "edits"},
    }
    return await api.push({"callback_query": query})


def buttons(bot_message: dict[str, Any]) -> list[dict[str, Any]]:
    """The inline buttons under a bot message, row by row flattened."""
    rows = bot_message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def keyboard_labels(bot_message: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The keyboard of a reply with variants: its per-variant 👍 labels ("👍 1", …) and the
    shared row's labels."""
    labels = [b["text"] for b in buttons(bot_message)]
    likes = [label for label in labels if label.startswith("👍 ")]
    return likes, labels[len(likes) :]


SHARED_ROW = ["🔄 重新生成", "✂️ 短一点", "📝 长一点", "🎭 换个语气", "👎"]


def finished(api: FakeBotApi, chat_id: int, count: int = 1) -> bool:
    """True once `count` of the bot's messages in the chat carry a keyboard (finished replies)."""
    return sum(1 for m in api.bot_messages(chat_id) if buttons(m)) >= count


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    """The visible text of the bot's messages in a chat, oldest first."""
    return [m["text"] for m in api.bot_messages(chat_id)]
