"""The Telegram adapter: python-telegram-bot's Application inside `muse run`'s event loop.

`run_polling` blocks the loop until a stop signal, so the Application's lifecycle is driven by
hand (PTB docs, Application.run_polling: "When combining python-telegram-bot with other asyncio
based frameworks … manually call the methods"): initialize → handlers → setMyCommands → start →
updater (long polling, or a webhook server when configured); and in reverse on stop, after the
requests in flight finished or, past a grace period, were cancelled.
"""

from __future__ import annotations

import logging

from telegram.error import InvalidToken
from telegram.ext import Application

from muse.bots.errors import AdapterConfigError
from muse.bots.tasks import BackgroundTasks
from muse.core.config import Settings
from muse.core.service import MuseCore

from .application import (
    ALLOWED_UPDATES,
    Webhook,
    build_application,
    menu,
    webhook_settings,
)
from .chains import ReplyChains
from .handlers import Handlers
from .incoming import BotIdentity
from .redact import RedactToken
from .webhook import WebhookServer

log = logging.getLogger(__name__)

STOP_GRACE_S = 10.0  # how long stop() lets replies in flight finish before cancelling them


class TelegramAdapter:
    """Serves one Telegram bot on a running `MuseCore`."""

    name = "telegram"

    def __init__(self, settings: Settings, core: MuseCore, stop_grace: float = STOP_GRACE_S):
        if settings.telegram_bot_token is None:
            raise AdapterConfigError("TELEGRAM_BOT_TOKEN is not set. / 未设置 TELEGRAM_BOT_TOKEN。")
        self._token = settings.telegram_bot_token.get_secret_value()
        self._api_url = settings.telegram_api_url
        self._webhook: Webhook | None = webhook_settings(settings)
        self._server: WebhookServer | None = None
        self._core = core
        self._grace = stop_grace
        self._redact = RedactToken(self._token)
        self._inflight = BackgroundTasks()
        self._app: Application | None = None

    async def start(self) -> None:
        """Connect (getMe), publish the command menu and begin receiving updates."""
        self._redact.install()  # before the Application exists: PTB logs the URL on creation
        try:
            me = await self._start()
        except BaseException:
            await self.stop()  # `muse run` only stops adapters that started
            raise
        mode = "webhook" if self._webhook else "polling"
        log.info("telegram bot serving", extra={"bot_id": me.id, "mode": mode})

    async def _start(self) -> BotIdentity:
        self._app = app = build_application(self._token, self._api_url)
        try:
            await app.initialize()
        except InvalidToken:
            # PTB's own message quotes the token, so it is replaced, context and all.
            raise AdapterConfigError(
                "Telegram rejected TELEGRAM_BOT_TOKEN: copy it again from @BotFather "
                "(/mybots → API Token). / Telegram 拒绝了 TELEGRAM_BOT_TOKEN，请在 "
                "@BotFather 重新复制（/mybots → API Token）。"
            ) from None
        me = BotIdentity(app.bot.id, app.bot.username)
        handlers = Handlers(self._core, me, self._inflight, ReplyChains(self._core.threads))
        app.add_handlers(handlers.all())
        app.add_error_handler(handlers.on_error)
        await app.bot.set_my_commands(menu("en"))  # every language without its own menu
        await app.bot.set_my_commands(menu("zh"), language_code="zh")
        await app.start()
        await self._receive(app)
        return me

    async def _receive(self, app: Application) -> None:
        updater = app.updater
        if updater is None:
            raise RuntimeError("the Application was built without an Updater")
        if self._webhook is None:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            return
        self._server = WebhookServer(app, self._webhook)
        await self._server.start(ALLOWED_UPDATES)

    async def stop(self) -> None:
        """Stop receiving, let replies in flight finish (cancel them past the grace period),
        then stop and shut down the Application."""
        app, self._app = self._app, None
        try:
            if app is None:
                return
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if self._server is not None:
                await self._server.stop()
                self._server = None
            await self._inflight.close(self._grace)
            if app.running:
                await app.stop()
            await app.shutdown()
            await app.bot.shutdown()  # also when initialize() failed half-way
        finally:
            self._redact.uninstall()
