"""The limits every aiohttp server of Muse keeps (core/httpguard.py), over real sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from muse.core.httpguard import GuardedSite, HttpLimits, body_deadline, runner_options

LIMITS = HttpLimits(
    header_timeout_s=0.3,
    body_timeout_s=0.3,
    keepalive_s=0.3,
    lingering_s=0.3,
    max_connections=20,
    max_body_bytes=64,
)


async def echo(request: web.Request) -> web.Response:
    return web.Response(text=str(len(await request.read())))


@pytest.fixture
async def port() -> AsyncIterator[int]:
    app = web.Application(middlewares=[body_deadline(LIMITS)], client_max_size=64)
    app.router.add_post("/", echo)
    runner = web.AppRunner(app, **runner_options(LIMITS))
    await runner.setup()
    await GuardedSite(runner, "127.0.0.1", 0, LIMITS).start()
    yield int(runner.addresses[0][1])
    await runner.cleanup()


async def closed(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server sent before closing the connection (it must close within `within`)."""
    return await asyncio.wait_for(reader.read(), within)


async def test_half_sent_headers_are_cut_off(port: int) -> None:
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(15)]
    for _, writer in conns:
        writer.write(b"POST / HTTP/1.1\r\nHost: muse\r\n")  # and never the blank line
        await writer.drain()
    assert [await closed(reader, 2) for reader, _ in conns] == [b""] * 15


async def test_a_body_that_stops_coming_gets_408(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: muse\r\nContent-Length: 50\r\n\r\n0123456789")
    answer = await closed(reader, 2)
    assert answer.startswith(b"HTTP/1.1 408")


async def test_an_honest_request_is_served_and_an_idle_connection_closed(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: muse\r\nContent-Length: 5\r\n\r\nhello")
    answer = await closed(reader, 2)  # served, then closed once idle past the keep-alive
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"5")


async def test_a_body_over_the_cap_gets_413(port: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: muse\r\nContent-Length: 100\r\n\r\n" + b"x" * 100)
    assert (await reader.readline()).startswith(b"HTTP/1.1 413")
    writer.close()


async def test_connections_beyond_the_cap_are_refused(port: int) -> None:
    held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(LIMITS.max_connections)]
    reader, _ = await asyncio.open_connection("127.0.0.1", port)
    assert await closed(reader, 1) == b""  # closed on arrival
    for _, writer in held:
        writer.close()
