"""Webhook mode end to end: Telegram's POSTs with the right secret are served, others refused."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from muse.bots.telegram import webhook
from muse.bots.telegram.adapter import TelegramAdapter
from muse.core.config import Settings
from muse.core.httpguard import HttpLimits
from muse.core.service import MuseCore
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.bots.telegram.updates import XIAOHONG, finished, message, texts
from tests.fake_model import FakeModel

ME = XIAOHONG["id"]
SECRET = "muse-webhook_SECRET-42"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def hooked(settings: Settings, core: MuseCore) -> AsyncIterator[tuple[TelegramAdapter, str]]:
    """The adapter in webhook mode, and the local URL Telegram's POSTs would reach."""
    port = free_port()
    webhook = settings.model_copy(
        update={
            "telegram_webhook_url": "https://bots.example.com/muse/telegram",
            "telegram_webhook_secret": SecretStr(SECRET),
            "telegram_webhook_listen": "127.0.0.1",
            "telegram_webhook_port": port,
        }
    )
    adapter = TelegramAdapter(webhook, core)
    await adapter.start()
    yield adapter, f"http://127.0.0.1:{port}/muse/telegram"
    await adapter.stop()


async def post(url: str, update: dict[str, Any], secret: str | None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers=headers) as r,
    ):
        return r.status


async def test_updates_with_the_secret_are_served_once_and_others_refused(
    api: FakeBotApi, hooked: tuple[TelegramAdapter, str], model: FakeModel
) -> None:
    adapter, url = hooked
    (registered,) = api.calls_to("setWebhook")
    assert registered.params["url"] == "https://bots.example.com/muse/telegram"
    assert registered.params["secret_token"] == SECRET
    assert registered.params["allowed_updates"] == ["message", "callback_query"]
    assert not api.calls_to("getUpdates")

    forged = {"update_id": 7, "message": message(api, ME, XIAOHONG, "/ad 伪造的请求")}
    assert await post(url, forged, "wrong-secret") == 403
    assert await post(url, forged, None) == 403
    update = {"update_id": 8, "message": message(api, ME, XIAOHONG, "/ad 新款服装")}
    assert await post(url, update, SECRET) == 200
    await api.wait_for(lambda: finished(api, ME))
    assert await post(url, update, SECRET) == 200  # Telegram retrying a delivery
    await adapter.stop()
    assert len(model.requests) == 1 and len(texts(api, ME)) == 1
    assert "新款服装" in texts(api, ME)[0]


async def test_half_sent_requests_to_the_webhook_are_closed(
    settings: Settings, core: MuseCore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhook, "LIMITS", HttpLimits(header_timeout_s=0.3, body_timeout_s=0.3))
    port = free_port()
    adapter = TelegramAdapter(
        settings.model_copy(
            update={
                "telegram_webhook_url": "https://bots.example.com/muse/telegram",
                "telegram_webhook_secret": SecretStr(SECRET),
                "telegram_webhook_listen": "127.0.0.1",
                "telegram_webhook_port": port,
            }
        ),
        core,
    )
    await adapter.start()
    try:
        conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(20)]
        for _, writer in conns:
            writer.write(b"POST /muse/telegram HTTP/1.1\r\nHost: m\r\nContent-Length: 90\r\n")
            await writer.drain()
        answers = await asyncio.wait_for(
            asyncio.gather(*(reader.read() for reader, _ in conns)), timeout=5
        )
        assert answers == [b""] * 20
    finally:
        await adapter.stop()
