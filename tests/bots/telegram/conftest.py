"""Fixtures for the Telegram adapter: the fake Bot API, a core on a temp database and a fake
model, and the real adapter (real PTB Application and HTTP client) serving between them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from muse.bots.telegram.adapter import TelegramAdapter
from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.bots.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.fake_model import FakeModel


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = FakeBotApi(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def settings(tmp_path: Path, api: FakeBotApi) -> Settings:
    return Settings(
        _env_file=None,
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        MUSE_MODEL_PATH=tmp_path / "no-model-here",
        TELEGRAM_BOT_TOKEN=TOKEN,
        MUSE_TELEGRAM_API_URL=api.url,
    )


@pytest.fixture
def model() -> FakeModel:
    return FakeModel()


@pytest.fixture
async def core(settings: Settings, model: FakeModel) -> AsyncIterator[MuseCore]:
    async with MuseCore(settings, model=model) as started:
        yield started


@pytest.fixture
async def bot(settings: Settings, core: MuseCore) -> AsyncIterator[TelegramAdapter]:
    """The adapter, started; tests may stop it early to assert on everything it did."""
    adapter = TelegramAdapter(settings, core)
    await adapter.start()
    yield adapter
    await adapter.stop()
