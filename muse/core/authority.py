"""Who may change a shared setting: the `Authority` protocol each platform implements.

The core asks it only for a change that affects others (a channel's or a workspace's brand
voice); a person's own private chat is always theirs, and `MUSE_ADMINS` may change anything.
Slack answers from users.info and conversations.info, Telegram from getChatMember
(muse/bots/*/authority.py).
"""

from __future__ import annotations

from typing import Protocol

from muse.core.messages import Incoming
from muse.core.voice import Level


class Authority(Protocol):
    """The platform's own idea of an admin."""

    async def may_change(self, msg: Incoming, level: Level) -> bool:
        """Whether the sender of `msg` may change what holds for `level` where `msg` was sent
        (Level.CHANNEL: that channel or group; Level.WORKSPACE: the whole workspace)."""
        ...
