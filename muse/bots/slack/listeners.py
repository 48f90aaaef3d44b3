"""The AsyncApp's listeners: acknowledge at once, answer in a tracked background task.

Slack wants every request acknowledged within 3 seconds
(https://docs.slack.dev/interactivity/handling-user-interaction#acknowledgment_response). The
app runs with `process_before_response=True`, so bolt awaits these listeners before it answers
the HTTP request and starts no task of its own; each listener only acks and hands the work to
`BackgroundTasks`, which logs failures and is drained or cancelled when the adapter stops.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from muse.bots.slack import convert
from muse.bots.slack.authority import SlackAuthority
from muse.bots.slack.out import SlackOut
from muse.bots.slack.render import WORKING, Message, asked_by, pressed_by, text_messages
from muse.bots.slack.reply import LiveReply, answer_in_channel, answer_privately
from muse.bots.tasks import BackgroundTasks
from muse.core.commands import read
from muse.core.language import detect_language
from muse.core.messages import Incoming
from muse.core.service import MuseCore
from muse.core.texts import text

log = logging.getLogger(__name__)


class SlackListeners:
    """What Muse does for each kind of Slack request."""

    def __init__(
        self, core: MuseCore, out: SlackOut, tasks: BackgroundTasks, edit_interval: float = 1.0
    ) -> None:
        self._core = core
        self._out = out
        self._tasks = tasks
        self._interval = edit_interval
        self._authority = SlackAuthority(out.client)

    def register(self, app: AsyncApp) -> None:
        """Attach the listeners to `app`."""
        for command in convert.COMMANDS:
            app.command(command)(self.on_command)
        app.event("message")(self.on_message)
        app.event("app_mention")(self.on_mention)
        app.action(re.compile("^" + re.escape(convert.ACTION_PREFIX)))(self.on_action)

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A slash command: "Working on it" for the caller now, the answer afterwards."""
        command, argument = body["command"], body.get("text", "")
        msg = convert.command_incoming(body)
        private = read(msg).personal
        await (ack() if private else ack(WORKING))
        url = body["response_url"]
        events = self._core.assistant.handle(msg, self._authority)
        if private:
            work = answer_privately(self._out, events, url)
        else:
            work = answer_in_channel(
                self._out,
                events,
                channel=msg.channel_id,
                response_url=url,
                head=lambda lang: [asked_by(msg.user_id, f"{command} {msg.text}".strip(), lang)],
                allowed_users=convert.mentioned_users(argument),
            )
        self._spawn(work, msg, url, f"slack {command}")

    async def on_message(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """A direct message: streamed into the conversation (bolt acks events itself)."""
        event = body["event"]
        if not convert.is_user_dm(event, context.bot_user_id):
            return  # edits, deletions, joins, bots and the bot itself
        msg = convert.message_incoming(body, context.bot_user_id)
        thread = event.get("thread_ts")
        reply = LiveReply(
            self._out,
            msg.channel_id,
            thread,
            allowed_users=convert.mentioned_users(event.get("text", "")),
            status_thread=thread,
            interval=self._interval,
        )
        self._spawn(
            reply.play(self._core.assistant.handle(msg, self._authority)), msg, None, "slack dm"
        )

    async def on_mention(self, body: dict[str, Any], context: AsyncBoltContext) -> None:
        """An @mention in a channel: answered in its thread."""
        event = body["event"]
        if not convert.is_user_mention(event, context.bot_user_id):
            return
        msg = convert.mention_incoming(body, context.bot_user_id)
        reply = LiveReply(
            self._out,
            msg.channel_id,
            msg.thread_id,
            allowed_users=convert.mentioned_users(event.get("text", "")),
            interval=self._interval,
        )
        self._spawn(
            reply.play(self._core.assistant.handle(msg, self._authority)),
            msg,
            None,
            "slack mention",
        )

    async def on_action(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        """A button under a reply: a vote is confirmed privately, the others write again."""
        await ack()
        msg = convert.action_incoming(body)
        if msg is None or msg.action is None:
            return
        action, user = msg.action, msg.user_id
        url = body.get("response_url")
        events = self._core.assistant.handle(msg, self._authority)
        if action.vote and url:
            self._spawn(answer_privately(self._out, events, url), msg, url, "slack vote")
            return
        thread = convert.reply_thread(body)
        reply = LiveReply(
            self._out,
            msg.channel_id,
            thread,
            head=lambda lang: [pressed_by(user, action, lang)],
            status_thread=thread if msg.channel_id.startswith("D") else None,
            response_url=url,
            interval=self._interval,
        )
        self._spawn(reply.play(events), msg, url, f"slack {action}")

    def _spawn(
        self, work: Awaitable[None], msg: Incoming, response_url: str | None, name: str
    ) -> None:
        self._tasks.spawn(self._guarded(work, msg, response_url), name)

    async def _guarded(
        self, work: Awaitable[None], msg: Incoming, response_url: str | None
    ) -> None:
        """Run `work`; if Slack or a bug breaks it, log and tell the person where possible."""
        try:
            await work
        except Exception:
            log.exception("slack reply failed", extra={"kind": msg.kind.value})
            if response_url:
                lang = detect_language(msg.text, msg.language)
                await self._tell(response_url, text_messages(text("internal", lang))[0])

    async def _tell(self, response_url: str, message: Message) -> None:
        try:
            await self._out.respond(response_url, message, ephemeral=True)
        except Exception:
            log.warning("could not report the failure to the user", exc_info=True)
