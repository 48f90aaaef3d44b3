"""One reply, from the core's events to Telegram messages.

Started → "typing…": repeated while the reply is written in private chats; sent once in groups,
where every request counts against Telegram's limit of about 20 messages a minute per group
(Bot API FAQ, "My bot is hitting limits"). TextDelta → one message edited as the text grows,
through `LiveMessage`: about one edit a second in private chats, one every three seconds in
groups. Done → the final text in messages of ≤ 4,096 characters, the keyboard under the last.
Error → the core's sentence in place of the draft.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import InlineKeyboardMarkup

from muse.bots.live import LiveMessage
from muse.bots.view import ReplyView
from muse.core.messages import Done, Error, Lang

from .render import done_pieces, escape, interrupted, preview, reply_markup
from .send import ChatOutput

log = logging.getLogger(__name__)

TYPING_EVERY_S = 4.0  # sendChatAction shows for 5 s at most
PRIVATE_EDIT_INTERVAL_S = 1.0
GROUP_EDIT_INTERVAL_S = 3.0


class ReplyWriter(ReplyView):
    """Renders the events of one request into `output`."""

    def __init__(self, output: ChatOutput, group: bool) -> None:
        self._out = output
        self._group = group
        self._lang: Lang = "zh"  # the reply's language, from Started (drafts follow Started)
        interval = GROUP_EDIT_INTERVAL_S if group else PRIVATE_EDIT_INTERVAL_S
        self._live = LiveMessage(self._show, interval)
        self._message_id: int | None = None  # the message that shows the reply as it grows
        self._markup: InlineKeyboardMarkup | None = None  # goes on with the final text only
        self._so_far = ""
        self._drafting = False  # a draft is shown, or on its way
        self._typing: asyncio.Task[None] | None = None

    async def begin(self, lang: Lang) -> None:
        """Typing… in the reply's language (drafts follow Started)."""
        self._lang = lang
        self._typing = asyncio.create_task(self._keep_typing())

    async def draft(self, text: str) -> None:
        """The growing text, edited into one message."""
        self._so_far, self._drafting = text, True
        self._live.update(preview(text, self._lang))

    async def end(self, event: Done | Error) -> None:
        """The final text with its keyboard, or the core's sentence in place of the draft."""
        await self._stop_typing()
        if isinstance(event, Done):
            await self._finish(event)
        else:
            await self._live.finish(escape(event.message))

    async def close(self, *, ended: bool) -> None:
        """No more typing; a draft the reply never finished says it was interrupted."""
        await self._stop_typing()
        if not ended and self._drafting:
            await self._mark_interrupted()

    async def _finish(self, done: Done) -> None:
        """The final text: the first piece replaces the draft, the rest follow as new messages."""
        pieces = done_pieces(done)
        markup = reply_markup(done)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            if index == 0:
                self._markup = markup if last else None
                await self._live.finish(piece)
            else:
                await self._out.send(piece, markup if last else None)

    async def _show(self, marked: str) -> None:
        """LiveMessage's edit: the first call sends the message, later calls edit it.

        LiveMessage never overlaps two calls (finish waits for an edit in flight), so the
        message is sent once and the final text is the last to land."""
        if self._message_id is None:
            self._message_id = await self._out.send(marked, self._markup)
        else:
            self._message_id = await self._out.edit(self._message_id, marked, self._markup)

    async def _keep_typing(self) -> None:
        while True:
            try:
                await self._out.typing()
            except Exception:  # the indicator is a courtesy; the reply itself must go on
                log.warning("typing indicator failed", exc_info=True)
            if self._group:
                return
            await asyncio.sleep(TYPING_EVERY_S)

    async def _stop_typing(self) -> None:
        if self._typing is not None:
            self._typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._typing
            self._typing = None

    async def _mark_interrupted(self) -> None:
        """The request stopped half-way (cancelled, Telegram unreachable): say so on the draft;
        this also ends LiveMessage's pending edit, so nothing is sent after the request ends."""
        try:
            await self._live.finish(interrupted(self._so_far, self._lang))
        except Exception:
            log.warning("could not mark an interrupted reply", exc_info=True)
            self._live.cancel()
