"""HTTP mode: Slack's requests (events, slash commands, buttons) at one aiohttp endpoint.

Bolt verifies each request's signature and timestamp and answers 401 to anything that fails,
before any listener runs. A request Slack retries (`X-Slack-Retry-Num`) is processed like any
other — the core recognises its event id in the database and does nothing — and is answered
with `X-Slack-No-Retry: 1` so that Slack stops retrying
(https://docs.slack.dev/apis/events-api/#retries).
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from muse.core.httpguard import GuardedSite, HttpLimits, body_deadline, runner_options

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/health"  # for a load balancer or an uptime check; answers while serving
RETRY_HEADER = "X-Slack-Retry-Num"
NO_RETRY_HEADER = "X-Slack-No-Retry"
# Slack's event payloads are small; its retries come after 3 s, so slow clients get no more.
LIMITS = HttpLimits(max_body_bytes=1 << 20)


class SlackHttpServer:
    """Serves `app` at POST /slack/events, and GET /health, on host:port between `start()`
    and `stop()`."""

    def __init__(self, app: AsyncApp, host: str, port: int) -> None:
        self._app = app
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when started on port 0)."""
        if self._runner is None:
            raise RuntimeError("server is not started")
        return int(self._runner.addresses[0][1])

    async def start(self) -> None:
        """Bind and serve."""
        web_app = web.Application(
            middlewares=[body_deadline(LIMITS)], client_max_size=LIMITS.max_body_bytes
        )
        web_app.router.add_post(EVENTS_PATH, self._handle)
        web_app.router.add_get(HEALTH_PATH, _health)
        self._runner = web.AppRunner(
            web_app, access_log=None, shutdown_timeout=1.0, **runner_options(LIMITS)
        )
        await self._runner.setup()
        await GuardedSite(self._runner, self._host, self._port, LIMITS).start()
        log.info("slack http endpoint listening", extra={"port": self.port, "path": EVENTS_PATH})

    async def stop(self) -> None:
        """Stop accepting requests and close the listening socket."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        response = await to_aiohttp_response(
            await self._app.async_dispatch(await to_bolt_request(request))
        )
        if RETRY_HEADER in request.headers and response.status < 300:
            response.headers[NO_RETRY_HEADER] = "1"
        return response


async def _health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
