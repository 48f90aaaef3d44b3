"""`muse run`: adapters start on one core and loop, and stop in reverse order."""

from __future__ import annotations

import asyncio
from pathlib import Path

from muse.bots.runner import configured_adapters, run_adapters
from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.muse_process import environment, muse


async def test_adapters_share_one_core_and_stop_in_reverse(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        MUSE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'muse.db'}",
        MUSE_MODEL_PATH=tmp_path / "none",
    )
    events: list[str] = []
    cores: list[MuseCore] = []
    both_started = asyncio.Event()

    class Recorder:
        """An adapter that records its lifecycle and the core it was given."""

        def __init__(self, settings: Settings, core: MuseCore) -> None:
            self.name = f"fake{len(cores)}"
            cores.append(core)

        async def start(self) -> None:
            assert cores[-1].assistant is not None  # the core runs before adapters start
            events.append(f"start {self.name}")
            if len(events) == 2:
                both_started.set()

        async def stop(self) -> None:
            events.append(f"stop {self.name}")

    stop = asyncio.Event()
    task = asyncio.create_task(run_adapters(settings, [Recorder, Recorder], stop))
    await both_started.wait()
    stop.set()
    await task
    assert events == ["start fake0", "start fake1", "stop fake1", "stop fake0"]
    assert cores[0] is cores[1]


def test_no_tokens_no_adapters() -> None:
    assert configured_adapters(Settings(_env_file=None)) == []


async def test_muse_run_without_tokens_explains_what_to_set(tmp_path: Path) -> None:
    code, _, err = await muse(environment(tmp_path), "run", cwd=tmp_path)
    assert code == 2 and "SLACK_BOT_TOKEN" in err and "TELEGRAM_BOT_TOKEN" in err
