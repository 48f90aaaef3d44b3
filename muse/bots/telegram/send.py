"""Sending and editing messages in one chat, as HTML with a plain-text fallback.

Bot API, "Formatting options": a message whose markup Telegram cannot parse is refused with
400 "can't parse entities"; the same words are then sent without parse_mode, so people always
get the text. Link previews are off: ad copy often names sites, and a preview card under every
variant would bury the copy.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from .incoming import Place
from .render import plain_text

log = logging.getLogger(__name__)

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup_rejected(exc: BadRequest) -> bool:
    """Telegram could not parse the HTML."""
    return "can't parse entities" in exc.message.lower()


def _not_modified(exc: BadRequest) -> bool:
    """The edit would not change the message (Telegram refuses such edits)."""
    return "message is not modified" in exc.message.lower()


def _gone(exc: BadRequest) -> bool:
    """The message to edit was deleted."""
    return "message to edit not found" in exc.message.lower()


class ChatOutput:
    """Messages Muse sends to one place; `on_sent` learns each new message id."""

    def __init__(self, bot: Bot, place: Place, on_sent: Callable[[int], Awaitable[None]]) -> None:
        self._bot = bot
        self._place = place
        self._on_sent = on_sent

    async def send(self, marked: str, markup: InlineKeyboardMarkup | None = None) -> int:
        """Send the HTML `marked` as a new message; returns its id."""
        try:
            sent = await self._post(marked, ParseMode.HTML, markup)
        except BadRequest as exc:
            if not markup_rejected(exc):
                raise
            log.warning(
                "markup rejected, sending plain text", extra={"chat_id": self._place.chat_id}
            )
            sent = await self._post(plain_text(marked), None, markup)
        await self._on_sent(sent.message_id)
        return sent.message_id

    async def edit(
        self, message_id: int, marked: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        """Replace the text of `message_id`; returns the id now showing it (a new message when
        the old one was deleted)."""
        try:
            await self._replace(message_id, marked, ParseMode.HTML, markup)
        except BadRequest as exc:
            if _not_modified(exc):
                return message_id
            if _gone(exc):
                return await self.send(marked, markup)
            if not markup_rejected(exc):
                raise
            log.warning("markup rejected, editing as plain text", extra={"message_id": message_id})
            await self._replace(message_id, plain_text(marked), None, markup)
        return message_id

    async def typing(self) -> None:
        """Show "typing…" (Bot API sendChatAction: for 5 s or until a message is sent)."""
        await self._bot.send_chat_action(
            self._place.chat_id, ChatAction.TYPING, message_thread_id=self._place.topic
        )

    async def _post(
        self, text: str, parse_mode: str | None, markup: InlineKeyboardMarkup | None
    ) -> Message:
        place = self._place
        return await self._bot.send_message(
            chat_id=place.chat_id,
            text=text,
            parse_mode=parse_mode,
            reply_markup=markup,
            # allow_sending_without_reply: the answer still arrives if the request was deleted.
            reply_parameters=ReplyParameters(place.reply_to, allow_sending_without_reply=True)
            if place.reply_to is not None
            else None,
            message_thread_id=place.topic,
            link_preview_options=_NO_PREVIEW,
        )

    async def _replace(
        self,
        message_id: int,
        text: str,
        parse_mode: str | None,
        markup: InlineKeyboardMarkup | None,
    ) -> None:
        await self._bot.edit_message_text(
            text=text,
            chat_id=self._place.chat_id,
            message_id=message_id,
            parse_mode=parse_mode,
            reply_markup=markup,
            link_preview_options=_NO_PREVIEW,
        )
