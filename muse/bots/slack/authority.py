"""Slack's admins for settings that affect others: workspace admins and owners (users.info)
may change a channel's or the workspace's brand voice, a channel's creator (conversations.info)
that channel's. Needs the `users:read`, `channels:read` and `groups:read` scopes
(manifest.yml); without them, or when Slack fails, the answer is no.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from muse.bots.slack.out import api_error
from muse.core.messages import Incoming
from muse.core.voice import Level

log = logging.getLogger(__name__)


class SlackAuthority:
    """`Authority` (core/authority.py) from the Slack Web API."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def may_change(self, msg: Incoming, level: Level) -> bool:
        """Workspace admins and owners anywhere; a channel's creator in that channel."""
        try:
            user = (await self._client.users_info(user=msg.user_id)).get("user") or {}
            if user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"):
                return True
            if level is not Level.CHANNEL:
                return False
            info = await self._client.conversations_info(channel=msg.channel_id)
            return bool((info.get("channel") or {}).get("creator") == msg.user_id)
        except SlackApiError as exc:
            log.warning("slack admin check failed", extra={"error": api_error(exc)})
            return False
