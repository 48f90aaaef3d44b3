"""Telegram updates as the core's `Incoming`, and which messages are Muse's to answer.

Private chats: everything is a direct message, commands too, so /ad shares the private
conversation. Groups: commands (kind=COMMAND), and replies to Muse's messages or @mentions of it
(kind=MENTION; one conversation per reply chain). With privacy mode on Telegram delivers little
else (Bot API, "Privacy mode"); with it off, everything else is ignored here. Entity offsets are
UTF-16 code units (Bot API, MessageEntity), so spans are cut on the UTF-16 encoding.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import CallbackQuery, Message, MessageEntity, Update
from telegram.constants import ChatType

from muse.core.messages import Incoming, Kind
from muse.core.sanitize import clean_text

from .callbackdata import Press
from .texts import MENU_NAMES

PLATFORM = "telegram"


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who Muse is on Telegram (from getMe)."""

    id: int
    username: str


@dataclass(frozen=True, slots=True)
class Place:
    """Where a reply goes: the chat, the message it answers (groups) and the forum topic."""

    chat_id: int
    group: bool
    reply_to: int | None = None
    topic: int | None = None


def route(message: Message, bot: BotIdentity) -> Kind | None:
    """The kind of a text message for the core, or None when it is not addressed to Muse."""
    private = message.chat.type == ChatType.PRIVATE
    command = leading_command(message)
    if command is not None:
        name, addressee = command
        if addressee is not None and addressee.lower() != bot.username.lower():
            return None  # "/ad@OtherBot" belongs to another bot
        if private:
            return Kind.DIRECT
        # A bare "/cmd" in a group may be meant for another bot: answer only Muse's own.
        if addressee is None and name.lower() not in MENU_NAMES:
            return None
        return Kind.COMMAND
    if private:
        return Kind.DIRECT
    if replies_to_bot(message, bot) or mention_spans(message, bot):
        return Kind.MENTION
    return None


def wants_hint(message: Message, bot: BotIdentity) -> bool:
    """True for a non-text message (sticker, photo…) that was meant for Muse."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    return replies_to_bot(message, bot) or bool(mention_spans(message, bot, caption=True))


def leading_command(message: Message) -> tuple[str, str | None] | None:
    """("ad", "SomeBot") for "/ad@SomeBot …", ("ad", None) for "/ad …", None for other text."""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            name, _, addressee = message.parse_entity(entity)[1:].partition("@")
            return name, addressee or None
    return None


def replies_to_bot(message: Message, bot: BotIdentity) -> bool:
    """True when `message` answers one of Muse's own messages."""
    original = message.reply_to_message
    author = original.from_user if original is not None else None
    return author is not None and author.id == bot.id


def mention_spans(message: Message, bot: BotIdentity, caption: bool = False) -> list[MessageEntity]:
    """The entities in the text (or caption) that mention Muse: "@username" or a text mention."""
    found = message.parse_caption_entities() if caption else message.parse_entities()
    return [
        entity
        for entity, value in found.items()
        if (entity.type == MessageEntity.MENTION and value[1:].lower() == bot.username.lower())
        or (
            entity.type == MessageEntity.TEXT_MENTION
            and entity.user is not None
            and entity.user.id == bot.id
        )
    ]


def core_text(message: Message, bot: BotIdentity) -> str:
    """The text for the core: Muse's own @mentions removed, so "@Muse /ad …" is a command;
    lone surrogates and control characters cleaned (core/sanitize.py)."""
    raw = message.text or ""
    # Entity offsets count UTF-16 units; "surrogatepass" keeps a lone surrogate as its one unit
    # until the text is cleaned.
    units = raw.encode("utf-16-le", "surrogatepass")
    kept, position = bytearray(), 0
    for entity in sorted(mention_spans(message, bot), key=lambda e: e.offset):
        kept += units[2 * position : 2 * entity.offset]
        position = entity.offset + entity.length
    kept += units[2 * position :]
    return clean_text(kept.decode("utf-16-le", "surrogatepass")).strip()


def event_id(bot: BotIdentity, update: Update) -> str:
    """The core's dedup key: update ids are unique per bot, so the bot id is part of it."""
    return f"{bot.id}:{update.update_id}"


def message_incoming(
    update: Update, bot: BotIdentity, kind: Kind, thread_id: str | None = None
) -> Incoming:
    """A text message (already routed to `kind`) for the core."""
    message = update.message
    if message is None:
        raise ValueError("not a message update")
    user = message.from_user
    return Incoming(
        platform=PLATFORM,
        workspace_id=str(bot.id),
        channel_id=str(message.chat.id),
        user_id=_sender_id(message),
        text=core_text(message, bot),
        kind=kind,
        thread_id=thread_id if kind is Kind.MENTION else None,
        event_id=event_id(bot, update),
        message_id=str(message.message_id),
        user_name=clean_text(user.full_name) if user else None,
        language=user.language_code if user else None,
    )


def callback_incoming(update: Update, bot: BotIdentity, press: Press) -> Incoming:
    """A button press for the core: an action on the reply the button sits under."""
    query = update.callback_query
    if query is None or query.message is None:
        raise ValueError("not a callback query on a message")
    return Incoming(
        platform=PLATFORM,
        workspace_id=str(bot.id),
        channel_id=str(query.message.chat.id),
        user_id=str(query.from_user.id),
        text="",
        kind=Kind.ACTION,
        event_id=event_id(bot, update),
        user_name=clean_text(query.from_user.full_name),
        language=query.from_user.language_code,
        action=press.action,
        target_message_id=press.target_message_id,
        variant=press.variant,
    )


def message_place(message: Message) -> Place:
    """Replies in groups quote the message they answer, which also builds the reply chain."""
    group = message.chat.type != ChatType.PRIVATE
    return Place(
        chat_id=message.chat.id,
        group=group,
        reply_to=message.message_id if group else None,
        topic=message.message_thread_id if message.is_topic_message else None,
    )


def callback_place(query: CallbackQuery) -> Place | None:
    """Where the reply to a button press goes: under the message that carried the button."""
    message = query.message
    if message is None:
        return None  # a button on an inline-mode message, which Muse never sends
    group = message.chat.type != ChatType.PRIVATE
    topic = None
    if isinstance(message, Message) and message.is_topic_message:
        topic = message.message_thread_id  # older than 48 h, the message is InaccessibleMessage
    return Place(
        chat_id=message.chat.id,
        group=group,
        reply_to=message.message_id if group else None,
        topic=topic,
    )


def language_code(update: Update) -> str | None:
    """The sender's Telegram language code ("zh-hans", "en"), if the client sent one."""
    user = update.effective_user
    return user.language_code if user else None


def _sender_id(message: Message) -> str:
    """The person, or the chat a message was sent on behalf of (anonymous group admins)."""
    if message.sender_chat is not None:
        return str(message.sender_chat.id)
    if message.from_user is not None:
        return str(message.from_user.id)
    return str(message.chat.id)
