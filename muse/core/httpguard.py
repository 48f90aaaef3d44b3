"""Limits every HTTP server Muse runs on aiohttp keeps (the model server, Slack's HTTP mode):
a deadline for a request's headers and one for its body, a cap on open connections and on body
size, and keep-alive connections closed when idle.

aiohttp itself waits for a request's headers forever and reads a body as slowly as a client
sends it, so a few hundred sockets that send half a request (slowloris) hold file descriptors
indefinitely. `GuardedSite` serves a runner through a thin protocol in front of each of aiohttp's
request handlers that closes the connection when its first request's headers have not arrived
within `header_timeout_s` (later requests on a kept-alive connection are bounded by aiohttp's
`keepalive_timeout`), and refuses connections beyond `max_connections`; `body_deadline` is a
middleware that reads each body within `body_timeout_s` (408 otherwise). Bodies over
`client_max_size` get aiohttp's 413. `runner_options` gives the keep-alive and lingering times
to the AppRunner.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

_END_OF_HEADERS = b"\r\n\r\n"


@dataclass(frozen=True, slots=True)
class HttpLimits:
    """What one server allows; the defaults suit webhooks and API clients alike."""

    header_timeout_s: float = 10.0  # from connecting until the request's headers are in
    body_timeout_s: float = 30.0  # to read a request's whole body
    keepalive_s: float = 15.0  # an idle kept-alive connection is closed after this
    lingering_s: float = 1.0  # after answering early (408, 413), unread body drained this long
    max_connections: int = 512  # open at once; more are closed on arrival
    max_body_bytes: int = 1 << 20  # larger bodies get 413


class _Guard(asyncio.Protocol):
    """Passes everything to aiohttp's handler; closes the connection if the first request's
    headers miss their deadline."""

    def __init__(self, inner: Any, site: GuardedSite) -> None:
        self._inner = inner
        self._site = site
        self._seen = b""  # the first request's bytes until its headers end
        self._headers_done = False
        self._timer: asyncio.TimerHandle | None = None
        self._transport: asyncio.Transport | None = None
        self._handed = False  # aiohttp's handler has the connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        site = self._site
        site.open.add(self)
        if len(site.open) > site.limits.max_connections:
            log.warning("connection refused: %d open", len(site.open) - 1)
            transport.abort()
            return
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(site.limits.header_timeout_s, self._expire)
        self._handed = True
        self._inner.connection_made(transport)

    def _expire(self) -> None:
        if not self._headers_done and self._transport is not None:
            log.info("connection closed: request headers not received in time")
            self._transport.abort()

    def data_received(self, data: bytes) -> None:
        if not self._headers_done:
            # Keep only enough to find the blank line that ends the headers across chunks.
            self._seen = self._seen[-3:] + data
            if _END_OF_HEADERS in self._seen:
                self._headers_done = True
                self._seen = b""
                if self._timer is not None:
                    self._timer.cancel()
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        self._site.open.discard(self)
        if self._timer is not None:
            self._timer.cancel()
        if self._handed:  # not a connection refused on arrival
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._inner.pause_writing()

    def resume_writing(self) -> None:
        self._inner.resume_writing()


class GuardedSite(web.TCPSite):
    """A TCP site whose connections keep `limits` (see the module docstring)."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, limits: HttpLimits) -> None:
        super().__init__(runner, host, port)
        self.limits = limits
        self.open: set[_Guard] = set()

    async def start(self) -> None:
        """Listen, each connection through a `_Guard` in front of aiohttp's handler."""
        await web.BaseSite.start(self)
        server = self._runner.server
        assert server is not None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Guard(server(), self), self._host, self._port, backlog=self._backlog
        )


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def runner_options(limits: HttpLimits) -> dict[str, float]:
    """AppRunner keyword arguments: idle keep-alive and post-answer draining times."""
    return {"keepalive_timeout": limits.keepalive_s, "lingering_time": limits.lingering_s}


def body_deadline(limits: HttpLimits) -> Any:
    """Middleware: read the whole body within `limits.body_timeout_s` before the handler runs
    (aiohttp keeps it, so the handler's own read is instant); 408 when it does not come."""

    @web.middleware
    async def read_in_time(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists:
            try:
                async with asyncio.timeout(limits.body_timeout_s):
                    await request.read()
            except TimeoutError:
                log.info("request body not received in time")
                return web.json_response(
                    {"error": {"message": "The request body did not arrive in time.",
                               "type": "invalid_request_error", "param": None,
                               "code": "request_timeout"}},
                    status=408, headers={"Connection": "close"},
                )  # fmt: skip
        return await handler(request)

    return read_in_time
