"""Webhook mode's HTTP endpoint: Telegram's POSTs, checked against the secret and queued for
the Application, served by aiohttp through the same connection limits as every Muse server
(core/httpguard.py) instead of PTB's built-in tornado server, which waits for headers and
bodies without a deadline.

Follows PTB's "custom webhook" pattern (python-telegram-bot wiki, "Webhooks"; the custom
webhook bot example): register the webhook with `bot.set_webhook`, and put each decoded
`Update` on `application.update_queue`.
"""

from __future__ import annotations

import hmac
import json
import logging

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from muse.core.httpguard import GuardedSite, HttpLimits, body_deadline, runner_options

from .application import Webhook

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's updates are a few KiB; a document's metadata stays far below 1 MiB.
LIMITS = HttpLimits(max_body_bytes=1 << 20)


class WebhookServer:
    """Serves POST /<path of the webhook URL> between `start()` and `stop()`."""

    def __init__(self, app: Application, webhook: Webhook) -> None:
        self._app = app
        self._webhook = webhook
        self._runner: web.AppRunner | None = None

    async def start(self, allowed_updates: list[str]) -> None:
        """Listen, then tell Telegram where to deliver (so no update finds the port closed)."""
        web_app = web.Application(
            middlewares=[body_deadline(LIMITS)], client_max_size=LIMITS.max_body_bytes
        )
        web_app.router.add_post("/" + self._webhook.path, self._handle)
        self._runner = web.AppRunner(web_app, access_log=None, **runner_options(LIMITS))
        await self._runner.setup()
        await GuardedSite(self._runner, self._webhook.listen, self._webhook.port, LIMITS).start()
        await self._app.bot.set_webhook(
            url=self._webhook.url,
            secret_token=self._webhook.secret,
            allowed_updates=allowed_updates,
        )
        log.info("telegram webhook listening", extra={"port": self._webhook.port})

    async def stop(self) -> None:
        """Stop accepting updates (Telegram keeps the undelivered ones and retries)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._webhook.secret.encode()):
            log.warning("webhook request without the right secret refused")
            return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), self._app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("malformed webhook update refused", extra={"error": type(exc).__name__})
            return web.Response(status=400)
        await self._app.update_queue.put(update)
        return web.Response()
