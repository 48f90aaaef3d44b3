"""Rendering the core's reply events in Slack: streamed into a conversation, posted for a
channel, or shown only to the person who asked.

Nothing is sent before the core's first event, so an event the core has already answered (a
Slack retry, a repeated id) produces no Slack call at all.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Sequence

from slack_sdk.errors import SlackApiError

from muse.bots.live import LiveMessage
from muse.bots.slack.out import CHANNEL_ACCESS_ERRORS, SlackOut, api_error
from muse.bots.slack.render import (
    THINKING,
    WORKING,
    Block,
    Message,
    done_messages,
    draft_message,
    error_messages,
    text_messages,
)
from muse.bots.view import ReplyView
from muse.core.messages import Done, Error, Lang, ReplyEvent

log = logging.getLogger(__name__)

# The lines above a reply ("who asked", "who pressed which button"), in the reply's language,
# which only the core's first event tells (a button answers in the language of its reply).
Head = Callable[[Lang], Sequence[Block]]


def no_head(lang: Lang) -> Sequence[Block]:
    """No lines above the reply."""
    return ()


class LiveReply(ReplyView):
    """One reply streamed into a conversation (a DM, a thread): the assistant status or a
    placeholder, then one message edited about once a second, then the final text — split
    over more messages when it is longer than one — with its buttons.

    Where the bot may not post (a channel it is not in), the reply goes through `response_url`
    for everyone to see, once it is complete.
    """

    def __init__(
        self,
        out: SlackOut,
        channel: str,
        thread_ts: str | None,
        *,
        head: Head = no_head,
        allowed_users: frozenset[str] = frozenset(),
        status_thread: str | None = None,
        response_url: str | None = None,
        interval: float = 1.0,
    ) -> None:
        self._out = out
        self._channel = channel
        self._thread_ts = thread_ts
        self._make_head = head
        self._head: tuple[Block, ...] = ()
        self._allowed = allowed_users
        self._status_thread = status_thread
        self._response_url = response_url
        self._interval = interval
        self._ts: str | None = None  # the message being edited
        self._live: LiveMessage | None = None
        self._detached = False  # posting is not allowed here: answer through response_url

    async def begin(self, lang: Lang) -> None:
        """The assistant panel's status where there is one, else a placeholder message."""
        self._set_head(lang)
        thread = self._status_thread
        if thread and await self._out.set_status(self._channel, thread, THINKING[lang]):
            return  # the message appears with the first text
        await self._post_first(text_messages(WORKING, self._head)[0])

    async def end(self, event: Done | Error) -> None:
        """The final text with its buttons, or the core's sentence."""
        self._set_head(event.language)
        if isinstance(event, Done):
            await self._end(done_messages(event, self._head, self._allowed))
        else:
            await self._end(error_messages(event, self._head))

    async def close(self, *, ended: bool) -> None:
        """A failure or cancellation leaves no edit behind."""
        if self._live is not None:
            self._live.cancel()

    def _set_head(self, lang: Lang) -> None:
        if not self._head:
            self._head = tuple(self._make_head(lang))

    async def draft(self, text: str) -> None:
        """The growing text, edited into the reply's message about once a second."""
        if self._detached:
            return
        if self._ts is None:
            await self._post_first(draft_message(text, self._head))
            return
        if self._live is None:
            self._live = LiveMessage(self._edit_draft, self._interval)
        self._live.update(text)

    async def _edit_draft(self, text: str) -> None:
        assert self._ts is not None
        await self._out.update(self._channel, self._ts, draft_message(text, self._head))

    async def _end(self, messages: list[Message]) -> None:
        if self._live is not None:
            await self._live.settle()
        first, rest = messages[0], messages[1:]
        if self._ts is not None:
            await self._out.update(self._channel, self._ts, first)
        else:
            await self._post_first(first)
        if self._detached:
            assert self._response_url is not None
            for message in messages:
                await self._out.respond(self._response_url, message, ephemeral=False)
            return
        for message in rest:
            await self._out.post(self._channel, self._thread_ts, message)

    async def _post_first(self, message: Message) -> None:
        if self._detached:
            return
        try:
            self._ts = await self._out.post(self._channel, self._thread_ts, message)
        except SlackApiError as exc:
            if api_error(exc) not in CHANNEL_ACCESS_ERRORS or self._response_url is None:
                raise
            log.info("cannot post here; answering through response_url")
            self._detached = True


async def answer_privately(
    out: SlackOut, events: AsyncIterator[ReplyEvent], response_url: str
) -> None:
    """Help, usage lines, reset/forget confirmations, votes and errors: only the caller sees."""
    async for event in events:
        if isinstance(event, Done):
            messages = done_messages(event)
        elif isinstance(event, Error):
            messages = error_messages(event)
        else:
            continue
        for message in messages:
            await out.respond(response_url, message, ephemeral=True)


async def answer_in_channel(
    out: SlackOut,
    events: AsyncIterator[ReplyEvent],
    *,
    channel: str,
    response_url: str,
    head: Head,
    allowed_users: frozenset[str] = frozenset(),
) -> None:
    """A slash command's result, posted for the channel under a line saying who asked;
    errors go only to the caller. Where the bot is not a member, response_url posts it."""
    async for event in events:
        if isinstance(event, Error):
            for message in error_messages(event):
                await out.respond(response_url, message, ephemeral=True)
        elif isinstance(event, Done):
            messages = done_messages(event, head(event.language), allowed_users)
            posted = 0
            try:
                for message in messages:
                    await out.post(channel, None, message)
                    posted += 1
            except SlackApiError as exc:
                if api_error(exc) not in CHANNEL_ACCESS_ERRORS:
                    raise
                log.info("cannot post here; answering through response_url")
                for message in messages[posted:]:
                    await out.respond(response_url, message, ephemeral=False)
