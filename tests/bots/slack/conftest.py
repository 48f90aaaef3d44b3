"""A started SlackAdapter in HTTP mode on a temp database, talking to a local fake Slack."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from muse.bots.slack.adapter import SlackAdapter
from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.bots.slack.fake_slack import SIGNING_SECRET, FakeSlack, fake_slack
from tests.fake_model import FakeModel


@dataclass
class Harness:
    """The fake Slack, the adapter under test and the model behind it."""

    slack: FakeSlack
    adapter: SlackAdapter
    model: FakeModel
    core: MuseCore
    db_path: Path

    async def settle(self) -> None:
        """Wait until every reply in progress has been delivered."""
        await self.adapter.tasks.join()

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        """Query the bot's database directly."""
        with contextlib.closing(sqlite3.connect(self.db_path)) as db:
            return db.execute(sql).fetchall()


def slack_settings(tmp_path: Path, api_url: str, **extra: object) -> Settings:
    """HTTP-mode settings on a temp database; no model on disk (tests pass one)."""
    values: dict[str, object] = {
        "MUSE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        "MUSE_MODEL_PATH": tmp_path / "no-model",
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "MUSE_SLACK_API_URL": api_url,
        "MUSE_SLACK_PORT": 0,
        "MUSE_SLACK_HOST": "127.0.0.1",
    }
    return Settings(_env_file=None, **(values | extra))  # type: ignore[arg-type]


@pytest.fixture
def model() -> FakeModel:
    return FakeModel()


@pytest.fixture
async def slack(tmp_path: Path, model: FakeModel) -> AsyncIterator[Harness]:
    async with fake_slack() as fake:
        settings = slack_settings(tmp_path, fake.api_url)
        async with MuseCore(settings, model=model) as core:
            adapter = SlackAdapter(settings, core, edit_interval_s=0.05)
            await adapter.start()
            fake.bot_url = f"http://127.0.0.1:{adapter.port}/slack/events"
            try:
                yield Harness(fake, adapter, model, core, tmp_path / "muse.db")
            finally:
                await adapter.stop()
