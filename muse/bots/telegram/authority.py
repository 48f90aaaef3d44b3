"""Telegram's admins for settings that affect others: a group's administrators and its creator
(getChatMember) may change the group's brand voice. No Telegram user administers every chat
of the bot, so a workspace-wide voice is for `MUSE_ADMINS` alone.
"""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember
from telegram.error import TelegramError

from muse.core.messages import Incoming
from muse.core.voice import Level

log = logging.getLogger(__name__)

_ADMIN_STATUSES = frozenset({ChatMember.ADMINISTRATOR, ChatMember.OWNER})


class TelegramAuthority:
    """`Authority` (core/authority.py) from the Bot API."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def may_change(self, msg: Incoming, level: Level) -> bool:
        """A group's administrators and creator, for that group."""
        if level is not Level.CHANNEL:
            return False
        try:
            member = await self._bot.get_chat_member(int(msg.channel_id), int(msg.user_id))
        except (TelegramError, ValueError) as exc:
            log.warning("telegram admin check failed", extra={"error": type(exc).__name__})
            return False
        return member.status in _ADMIN_STATUSES
