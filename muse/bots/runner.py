"""`muse run`: the core plus every platform adapter that has credentials, in one event loop.

Each adapter owns its platform connection (Socket Mode, HTTP endpoint, long polling or webhook)
between `start()` and `stop()`. They share one `MuseCore`, so one database and one model client
serve Slack and Telegram alike; SIGINT/SIGTERM stop the adapters, then the core.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Protocol

from muse.bots.errors import NothingToRun
from muse.core.config import Settings
from muse.core.service import MuseCore

log = logging.getLogger(__name__)


class Adapter(Protocol):
    """A platform front end with an explicit lifecycle."""

    name: str

    async def start(self) -> None:
        """Connect to the platform and begin handing events to the core."""
        ...

    async def stop(self) -> None:
        """Stop taking events, finish or cancel work in flight, disconnect."""
        ...


AdapterFactory = Callable[[Settings, MuseCore], Adapter]


def configured_adapters(settings: Settings) -> list[AdapterFactory]:
    """Factories of the adapters whose tokens are set (imported only when needed)."""
    factories: list[AdapterFactory] = []
    if settings.slack_bot_token is not None:
        from muse.bots.slack.adapter import SlackAdapter

        factories.append(SlackAdapter)
    if settings.telegram_bot_token is not None:
        from muse.bots.telegram.adapter import TelegramAdapter

        factories.append(TelegramAdapter)
    return factories


async def run_adapters(
    settings: Settings,
    factories: list[AdapterFactory],
    stop: asyncio.Event | None = None,
    core: MuseCore | None = None,
) -> None:
    """Start the core and the adapters, serve until `stop` is set (or a signal), shut down."""
    if not factories:
        raise NothingToRun
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    started: list[Adapter] = []
    try:
        async with core or MuseCore(settings) as running:
            try:
                for factory in factories:
                    adapter = factory(settings, running)
                    await adapter.start()
                    started.append(adapter)
                    log.info("adapter started", extra={"adapter": adapter.name})
                await stop.wait()
            finally:
                for adapter in reversed(started):
                    await adapter.stop()
                    log.info("adapter stopped", extra={"adapter": adapter.name})
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
