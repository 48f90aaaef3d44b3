"""Fixtures for core tests: settings on a temp SQLite file and a started core on a fake model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.fake_model import FakeModel


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        MUSE_MODEL_PATH=tmp_path / "no-model-here",
    )


@pytest.fixture
def model() -> FakeModel:
    return FakeModel()


@pytest.fixture
async def core(settings: Settings, model: FakeModel) -> AsyncIterator[MuseCore]:
    async with MuseCore(settings, model=model) as started:
        yield started
