"""Quotas and the generation-slot limit (core/quota.py), through the assistant on SQLite."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from muse.core.config import Settings
from muse.core.history.db import Database
from muse.core.history.usage import SqlUsage
from muse.core.messages import Done, Error
from muse.core.quota import Busy, Slots, over_quota
from muse.core.service import MuseCore
from tests.conversation import incoming, send
from tests.fake_model import FakeModel


def limited(tmp_path: Path, **limits: object) -> Settings:
    return Settings(
        _env_file=None,
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        MUSE_MODEL_PATH=tmp_path / "none",
        **limits,
    )


async def test_requests_per_minute_per_person(tmp_path: Path) -> None:
    model = FakeModel()
    settings = limited(tmp_path, MUSE_USER_RPM=2, MUSE_ADMINS="test:boss")
    async with MuseCore(settings, model=model) as core:
        for _ in range(2):
            assert isinstance((await send(core, "/brainstorm 中秋活动"))[-1], Done)
        (refused,) = await send(core, "/brainstorm 中秋活动")
        assert isinstance(refused, Error) and refused.code == "quota_rpm"
        assert "等一分钟" in refused.message and len(model.requests) == 2
        assert isinstance((await send(core, "/brainstorm 中秋活动", user="u2"))[-1], Done)
        for _ in range(3):  # MUSE_ADMINS have no quota
            assert isinstance((await send(core, "/brainstorm 中秋活动", user="boss"))[-1], Done)
        assert isinstance((await send(core, "/help"))[-1], Done)  # no model: never limited


async def test_daily_tokens_per_person_and_workspace_reset_at_midnight(tmp_path: Path) -> None:
    settings = limited(tmp_path, MUSE_USER_DAILY_TOKENS=5, MUSE_SCOPE_DAILY_TOKENS=10)
    async with MuseCore(settings, model=FakeModel()) as core:
        await send(core, "/brainstorm 中秋活动")  # the echo reply is well over 5 tokens
        (mine,) = await send(core, "/brainstorm 中秋活动")
        assert mine.code == "quota_user_day" and "UTC 0 点" in mine.message
        await send(core, "/brainstorm 中秋活动", user="u2")
        (theirs,) = await send(core, "/brainstorm 中秋活动", user="u3")
        assert isinstance(theirs, Error) and theirs.code == "quota_scope_day"
    async with Database(settings.database_url) as db:
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        msg = incoming("/brainstorm 中秋活动", "u1")
        assert await over_quota(SqlUsage(db), settings, msg, tomorrow) is None


async def test_slots_refuse_after_waiting() -> None:
    slots = Slots(1, wait_s=0.05)
    async with slots.hold():
        with pytest.raises(Busy):
            async with slots.hold():
                pass
    async with slots.hold():  # released again
        pass


async def test_beyond_the_concurrency_limit_people_hear_muse_is_busy(tmp_path: Path) -> None:
    settings = limited(tmp_path, MUSE_MAX_CONCURRENT=1, MUSE_QUEUE_WAIT_S=0.1)
    async with MuseCore(settings, model=FakeModel(delay=0.05)) as core:
        first, second = await asyncio.gather(
            send(core, "/brainstorm 中秋活动", user="u1"), send(core, "/script 中秋短片", user="u2")
        )
    outcomes = sorted(type(events[-1]).__name__ for events in (first, second))
    assert outcomes == ["Done", "Error"]
    busy = next(e[-1] for e in (first, second) if isinstance(e[-1], Error))
    assert busy.code == "busy" and "一分钟后再试" in busy.message
