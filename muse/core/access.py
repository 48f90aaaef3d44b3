"""Who may use Muse: the operator's allowlists (`MUSE_SLACK_TEAMS`, `MUSE_SLACK_CHANNELS`,
`MUSE_TELEGRAM_CHATS`, `MUSE_TELEGRAM_USERS`), each optional — unset lets everyone in.

A Slack workspace outside its list is refused everywhere; a Slack channel outside its list is
refused (private chats with Muse are not channels and stay open to the workspace). On Telegram a
group outside its list is refused (and the adapter leaves it), and a person outside theirs is
refused in private chats and groups alike. `MUSE_ADMINS` are never refused. Refusals happen
before anything reaches the model.
"""

from __future__ import annotations

from muse.core.config import Settings
from muse.core.messages import Incoming, Kind

CHAT_NOT_ALLOWED = "chat_not_allowed"  # a place outside the lists (Telegram: Muse leaves it)
USER_NOT_ALLOWED = "user_not_allowed"  # a person outside the lists


def ids(value: str) -> frozenset[str]:
    """The ids of a comma-separated setting (empty: no list)."""
    return frozenset(v.strip() for v in value.split(",") if v.strip())


def private(msg: Incoming) -> bool:
    """Whether `msg` comes from a private chat with Muse (a button press says so only through
    its chat: a Slack "D…" channel, a Telegram chat whose id is the person's)."""
    if msg.kind is Kind.DIRECT:
        return True
    return msg.kind is Kind.ACTION and (
        msg.channel_id.startswith("D") if msg.platform == "slack" else msg.channel_id == msg.user_id
    )


def refusal(msg: Incoming, settings: Settings) -> str | None:
    """Why `msg` may not be answered (CHAT_NOT_ALLOWED or USER_NOT_ALLOWED), or None."""
    if settings.is_admin(msg.platform, msg.user_id):
        return None
    if msg.platform == "slack":
        teams, channels = ids(settings.slack_teams), ids(settings.slack_channels)
        if teams and msg.workspace_id not in teams:
            return CHAT_NOT_ALLOWED
        if channels and not private(msg) and msg.channel_id not in channels:
            return CHAT_NOT_ALLOWED
    elif msg.platform == "telegram":
        chats, users = ids(settings.telegram_chats), ids(settings.telegram_users)
        if chats and not private(msg) and msg.channel_id not in chats:
            return CHAT_NOT_ALLOWED
        if users and msg.user_id not in users:
            return USER_NOT_ALLOWED
    return None
