"""The calls Muse makes to Slack: Web API methods through one client, and `response_url` posts.

Both go through slack_sdk with its retry handlers, so HTTP 429 waits for `Retry-After` and tries
again (https://docs.slack.dev/apis/web-api/rate-limits), as do dropped connections.
"""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from muse.bots.slack.render import Message

log = logging.getLogger(__name__)

# Errors of chat.postMessage that mean "the bot may not post here" (a channel it was never
# invited to, a DM between two other people): the command's response_url still can.
CHANNEL_ACCESS_ERRORS = frozenset({"not_in_channel", "channel_not_found"})
# Errors of assistant.threads.setStatus that mean the app or workspace has no assistant
# feature; after one, Muse stops asking and shows a placeholder message instead.
_NO_ASSISTANT_ERRORS = frozenset(
    {"missing_scope", "not_allowed_token_type", "unknown_method", "feature_not_enabled"}
)


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retry on 429 (honouring Retry-After, up to 3 times), 500/503 and dropped connections."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
        AsyncServerErrorRetryHandler(max_retry_count=1),
    ]


def api_error(exc: SlackApiError) -> str:
    """The `error` string of a failed Web API call ("not_in_channel", "ratelimited", …)."""
    return str(exc.response.get("error", "")) if exc.response is not None else ""


class ResponseUrlError(Exception):
    """A response_url post was refused (expired, used too often, malformed)."""


class SlackOut:
    """Posting, editing and responding, for every listener of one app."""

    def __init__(self, client: AsyncWebClient, session: aiohttp.ClientSession) -> None:
        self.client = client
        self._session = session
        self._status_supported = True

    async def post(self, channel: str, thread_ts: str | None, message: Message) -> str:
        """chat.postMessage; returns the new message's ts."""
        response = await self.client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=message.text,
            blocks=list(message.blocks),
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response["ts"])

    async def update(self, channel: str, ts: str, message: Message) -> None:
        """chat.update of a message Muse posted."""
        await self.client.chat_update(
            channel=channel, ts=ts, text=message.text, blocks=list(message.blocks)
        )

    async def respond(self, response_url: str, message: Message, *, ephemeral: bool) -> None:
        """Post through a command's or button's response_url: only to the caller, or to all."""
        webhook = AsyncWebhookClient(
            response_url, session=self._session, retry_handlers=retry_handlers()
        )
        response = await webhook.send(
            text=message.text,
            blocks=list(message.blocks),
            response_type="ephemeral" if ephemeral else "in_channel",
            replace_original=False,
        )
        if response.status_code != 200:
            raise ResponseUrlError(f"response_url answered {response.status_code}")

    async def set_status(self, channel: str, thread_ts: str, status: str) -> bool:
        """The assistant "thinking" status on a thread; False where the workspace lacks it."""
        if not self._status_supported:
            return False
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=channel, thread_ts=thread_ts, status=status
            )
        except SlackApiError as exc:
            error = api_error(exc)
            if error in _NO_ASSISTANT_ERRORS:
                self._status_supported = False
                log.info("assistant status unavailable; using placeholders", extra={"error": error})
            else:
                log.warning("assistant status failed", extra={"error": error})
            return False
        return True
