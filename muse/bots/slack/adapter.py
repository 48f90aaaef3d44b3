"""`SlackAdapter`: Muse in Slack on slack-bolt's AsyncApp, started by `muse run`.

Socket Mode when SLACK_APP_TOKEN is set (an outgoing WebSocket; no public URL needed),
otherwise HTTP mode at /slack/events on MUSE_SLACK_PORT, verified with SLACK_SIGNING_SECRET.
The Web API base URL is MUSE_SLACK_API_URL when set (a proxy, or a fake Slack in tests).
"""

from __future__ import annotations

import logging

import aiohttp
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from muse.bots.errors import AdapterConfigError
from muse.bots.slack.listeners import SlackListeners
from muse.bots.slack.out import SlackOut, api_error, retry_handlers
from muse.bots.slack.server import SlackHttpServer
from muse.bots.tasks import BackgroundTasks
from muse.core.config import Settings
from muse.core.service import MuseCore

log = logging.getLogger(__name__)


class SlackAdapter:
    """Muse's Slack front end; `start()` connects, `stop()` drains work and disconnects."""

    name = "slack"

    def __init__(
        self,
        settings: Settings,
        core: MuseCore,
        *,
        grace_s: float = 10.0,
        edit_interval_s: float = 1.0,
    ) -> None:
        if settings.slack_bot_token is None:
            raise AdapterConfigError("SLACK_BOT_TOKEN is not set / 未设置 SLACK_BOT_TOKEN")
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            raise AdapterConfigError(
                "Slack needs SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode). / "
                "Slack 需要 SLACK_SIGNING_SECRET（HTTP 模式）或 SLACK_APP_TOKEN（Socket Mode）。"
            )
        self._settings = settings
        self._core = core
        self._grace_s = grace_s
        self._edit_interval_s = edit_interval_s
        self._session: aiohttp.ClientSession | None = None
        self._tasks = BackgroundTasks()
        self._server: SlackHttpServer | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self.app: AsyncApp | None = None

    @property
    def socket_mode(self) -> bool:
        """True when an app-level token is set."""
        return self._settings.slack_app_token is not None

    @property
    def port(self) -> int:
        """The HTTP endpoint's port (HTTP mode only)."""
        if self._server is None:
            raise RuntimeError("not serving HTTP")
        return self._server.port

    @property
    def tasks(self) -> BackgroundTasks:
        """Replies being written now."""
        return self._tasks

    async def start(self) -> None:
        """Check the token (auth.test), then serve HTTP or connect Socket Mode."""
        try:
            await self._start()
        except BaseException:
            await self.stop()  # `muse run` only stops adapters that started
            raise

    async def _start(self) -> None:
        settings = self._settings
        assert settings.slack_bot_token is not None
        self._session = aiohttp.ClientSession()
        client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(),
            base_url=settings.slack_api_url or AsyncWebClient.BASE_URL,
            session=self._session,
            retry_handlers=retry_handlers(),
        )
        try:
            auth = await client.auth_test()
        except SlackApiError as exc:
            raise AdapterConfigError(
                f"Slack refused SLACK_BOT_TOKEN ({api_error(exc)}). / "
                f"Slack 拒绝了 SLACK_BOT_TOKEN（{api_error(exc)}）。"
            ) from exc
        log.info("slack connected", extra={"team": auth.get("team_id"), "socket": self.socket_mode})
        secret = settings.slack_signing_secret
        self.app = AsyncApp(
            client=client,
            signing_secret=secret.get_secret_value() if secret is not None else "",
            # Listeners only ack and spawn, so bolt may await them before answering Slack.
            process_before_response=True,
            # Socket Mode requests are authenticated by the connection, not by signatures.
            request_verification_enabled=not self.socket_mode,
            logger=logging.getLogger("slack_bolt"),
        )
        out = SlackOut(client, self._session)
        SlackListeners(self._core, out, self._tasks, self._edit_interval_s).register(self.app)
        if settings.slack_app_token is not None:
            self._socket = AsyncSocketModeHandler(
                self.app, settings.slack_app_token.get_secret_value(), web_client=client
            )
            await self._socket.connect_async()
        else:
            self._server = SlackHttpServer(self.app, settings.slack_host, settings.slack_port)
            await self._server.start()

    async def stop(self) -> None:
        """Stop taking requests, let replies in flight finish (then cancel), disconnect."""
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self._tasks.close(self._grace_s)
        if self._session is not None:
            await self._session.close()
            self._session = None
