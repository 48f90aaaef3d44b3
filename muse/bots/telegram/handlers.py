"""The update handlers: from a Telegram update to the core, and the core's reply back.

Each handler is small: route with the pure functions of `incoming`, hand the `Incoming` to the
core, render with `ReplyWriter`. Edited messages match no handler (filters.UpdateType.MESSAGE),
so an edit never starts a second generation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from muse.bots.tasks import BackgroundTasks
from muse.bots.telegram.authority import TelegramAuthority
from muse.core.access import CHAT_NOT_ALLOWED
from muse.core.language import detect_language
from muse.core.messages import Done, Error, Incoming, Kind
from muse.core.service import MuseCore

from . import callbackdata
from .chains import ReplyChains
from .incoming import (
    BotIdentity,
    Place,
    callback_incoming,
    callback_place,
    language_code,
    message_incoming,
    message_place,
    route,
    wants_hint,
)
from .render import escape, toast
from .reply import ReplyWriter
from .send import ChatOutput
from .texts import text

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE


class Handlers:
    """PTB callbacks bound to one core and one bot identity."""

    def __init__(
        self, core: MuseCore, me: BotIdentity, inflight: BackgroundTasks, chains: ReplyChains
    ) -> None:
        self._core = core
        self._me = me
        self._inflight = inflight
        self._chains = chains

    def all(self) -> list[BaseHandler[Update, Context, None]]:
        """The handlers to register, in order."""
        new_message = filters.UpdateType.MESSAGE
        return [
            MessageHandler(new_message & filters.TEXT, self.on_text),
            MessageHandler(new_message & ~filters.TEXT & ~filters.StatusUpdate.ALL, self.on_other),
            CallbackQueryHandler(self.on_callback),
        ]

    async def on_text(self, update: Update, context: Context) -> None:
        """A text message: answer it if it is addressed to Muse."""
        message = update.message
        if message is None:
            return
        kind = route(message, self._me)
        if kind is None:
            return
        with self._inflight.track():
            place = message_place(message)
            thread: str | None = None
            remember: Callable[[int], Awaitable[None]] = _ignore
            if kind is Kind.MENTION:
                root = await self._chains.root_for(message, self._me)
                await self._chains.remember(place.chat_id, message.message_id, root)
                thread, remember = str(root), self._chain_recorder(place.chat_id, root)
            incoming = message_incoming(update, self._me, kind, thread)
            await self._reply(context, place, incoming, remember)

    async def on_other(self, update: Update, context: Context) -> None:
        """A sticker, photo, voice note…: one line saying Muse reads text."""
        message = update.message
        if message is None or not wants_hint(message, self._me):
            return
        with self._inflight.track():
            lang = detect_language("", language_code(update))
            output = ChatOutput(context.bot, message_place(message), _ignore)
            await output.send(escape(text("text_only", lang)))

    async def on_callback(self, update: Update, context: Context) -> None:
        """A button under a reply; every press is answered (Bot API answerCallbackQuery)."""
        query = update.callback_query
        if query is None:
            return
        with self._inflight.track():
            lang = detect_language("", language_code(update))
            press = callbackdata.decode(query.data)
            place = callback_place(query)
            if press is None or place is None:
                await _answer(query, text("stale_button", lang), alert=True)
                return
            incoming = callback_incoming(update, self._me, press)
            if press.action.vote:
                await self._vote(query, incoming)
                return
            await _answer(query, text("rewriting", lang))
            remember: Callable[[int], Awaitable[None]] = _ignore
            if place.group and place.reply_to is not None:
                root = await self._chains.root_of(place.chat_id, place.reply_to)
                remember = self._chain_recorder(place.chat_id, root)
            await self._reply(context, place, incoming, remember)

    async def on_error(self, update: object, context: Context) -> None:
        """Log a failed update without its content; the bot keeps serving."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.warning(
            "telegram update failed",
            exc_info=context.error,
            extra={"update_id": update_id, "error": type(context.error).__name__},
        )

    async def _reply(
        self,
        context: Context,
        place: Place,
        incoming: Incoming,
        remember: Callable[[int], Awaitable[None]],
    ) -> None:
        output = ChatOutput(context.bot, place, remember)
        writer = ReplyWriter(output, place.group)
        last = await writer.play(
            self._core.assistant.handle(incoming, TelegramAuthority(context.bot))
        )
        if place.group and isinstance(last, Error) and last.code == CHAT_NOT_ALLOWED:
            # A group outside MUSE_TELEGRAM_CHATS hears why once, then Muse leaves it.
            log.info("left a group that is not allowed", extra={"chat_id": place.chat_id})
            await context.bot.leave_chat(place.chat_id)

    async def _vote(self, query: CallbackQuery, incoming: Incoming) -> None:
        """👍/👎: stored by the core; its thanks is the callback answer, not a chat message."""
        outcome: Done | Error | None = None
        try:
            async for event in self._core.assistant.handle(incoming):
                if isinstance(event, Done | Error):
                    outcome = event
        finally:
            if isinstance(outcome, Done):
                await _answer(query, outcome.text)
            elif isinstance(outcome, Error):
                await _answer(query, outcome.message, alert=True)
            else:
                await _answer(query, None)  # a repeated press the core already answered

    def _chain_recorder(self, chat_id: int, root: int) -> Callable[[int], Awaitable[None]]:
        """Records each message Muse sends as part of the chain rooted at `root`."""
        return lambda message_id: self._chains.remember(chat_id, message_id, root)


async def _answer(query: CallbackQuery, note: str | None, alert: bool = False) -> None:
    """Answer a press (the client shows a spinner until then). Telegram refuses answers to
    presses older than about 15 s, e.g. ones queued while Muse restarted; the work goes on."""
    try:
        await query.answer(toast(note) if note else None, show_alert=alert)
    except BadRequest as exc:
        log.info("callback answer refused", extra={"reason": exc.message})


async def _ignore(message_id: int) -> None:
    """Messages outside a reply chain need no record."""
