"""python-telegram-bot's `Application` as Muse runs it, and the settings that shape it.

- Bot API base URL from MUSE_TELEGRAM_API_URL (a local Bot API server, tests); PTB requests
  "{base_url}{token}/{method}", so the base ends in "/bot".
- `AIORateLimiter`: Telegram's flood limits (about 30 messages a second overall, 20 a minute
  per group) and retries after a 429 with `retry_after` (Bot API FAQ, "My bot is hitting limits").
- concurrent_updates: a slow generation never blocks other chats; the core itself serialises
  each conversation.
- No JobQueue and no persistence: the core keeps all state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from muse.bots.errors import AdapterConfigError
from muse.core.config import Settings
from muse.core.messages import Lang

from .texts import menu_entries

TELEGRAM_API = "https://api.telegram.org/bot"
RATE_LIMIT_RETRIES = 3  # tries after a 429 before a request is given up
# Muse reads new messages and button presses; edits and everything else are not requested.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
# Bot API setWebhook, secret_token: "1-256 characters. Only characters A-Z, a-z, 0-9, _ and -".
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


@dataclass(frozen=True, slots=True)
class Webhook:
    """Webhook mode: Telegram POSTs updates to `url`; the local server listens on listen:port."""

    url: str
    secret: str
    listen: str
    port: int

    @property
    def path(self) -> str:
        """The URL's path, served locally (a proxy forwards the public URL unchanged)."""
        return urlsplit(self.url).path.lstrip("/")


def api_base_url(url: str | None) -> str:
    """PTB's base_url: Telegram's unless set; "http://host:8081" and ".../bot" both work."""
    if not url:
        return TELEGRAM_API
    url = url.rstrip("/")
    return url if url.endswith("/bot") or "{token}" in url else f"{url}/bot"


def webhook_settings(settings: Settings) -> Webhook | None:
    """Webhook mode when both URL and secret are set; long polling when neither is."""
    url = settings.telegram_webhook_url
    secret = settings.telegram_webhook_secret
    if url is None and secret is None:
        return None
    if url is None or secret is None:
        raise AdapterConfigError(
            "Set both MUSE_TELEGRAM_WEBHOOK_URL and MUSE_TELEGRAM_WEBHOOK_SECRET for webhook mode, "
            "or neither for long polling. / 使用 webhook 模式需同时设置 MUSE_TELEGRAM_WEBHOOK_URL "
            "和 MUSE_TELEGRAM_WEBHOOK_SECRET；都不设置则使用长轮询。"
        )
    if not _SECRET.fullmatch(secret.get_secret_value()):
        raise AdapterConfigError(
            "MUSE_TELEGRAM_WEBHOOK_SECRET may only use A-Z, a-z, 0-9, _ and - (1-256 characters). "
            "/ MUSE_TELEGRAM_WEBHOOK_SECRET 只能包含 A-Z、a-z、0-9、_ 和 -（1-256 个字符）。"
        )
    if urlsplit(url).scheme != "https":
        raise AdapterConfigError(
            "MUSE_TELEGRAM_WEBHOOK_URL must be an https:// URL (Telegram only calls HTTPS). "
            "/ MUSE_TELEGRAM_WEBHOOK_URL 必须是 https:// 地址（Telegram 只回调 HTTPS）。"
        )
    return Webhook(
        url,
        secret.get_secret_value(),
        settings.telegram_webhook_listen,
        settings.telegram_webhook_port,
    )


def build_application(token: str, api_url: str | None) -> Application:
    """A configured, not yet initialised Application (handlers are added once getMe answered)."""
    return (
        ApplicationBuilder()
        .token(token)
        .base_url(api_base_url(api_url))
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
        .job_queue(None)
        .build()
    )


def menu(lang: Lang) -> list[BotCommand]:
    """The command menu Telegram clients show, in `lang`."""
    return [BotCommand(name, description) for name, description in menu_entries(lang).items()]
