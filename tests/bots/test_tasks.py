import asyncio
import logging

import pytest

from muse.bots.tasks import BackgroundTasks


async def test_join_waits_for_work_spawned_while_waiting() -> None:
    tasks = BackgroundTasks()
    done: list[str] = []

    async def second() -> None:
        await asyncio.sleep(0.01)
        done.append("second")

    async def first() -> None:
        await asyncio.sleep(0.01)
        tasks.spawn(second(), "second")
        done.append("first")

    tasks.spawn(first(), "first")
    await tasks.join()
    assert done == ["first", "second"] and len(tasks) == 0


async def test_a_failure_is_logged_when_it_happens(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks()

    async def boom() -> None:
        raise RuntimeError("broken reply")

    with caplog.at_level(logging.ERROR, logger="muse.bots.tasks"):
        tasks.spawn(boom(), "boom")
        await tasks.join()
    (record,) = caplog.records
    assert record.task == "boom" and "broken reply" in str(record.exc_info[1])  # type: ignore[attr-defined,index]


async def test_close_lets_quick_work_finish_and_cancels_the_rest() -> None:
    tasks = BackgroundTasks()
    finished: list[str] = []
    cancelled = asyncio.Event()

    async def quick() -> None:
        await asyncio.sleep(0.01)
        finished.append("quick")

    async def endless() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    tasks.spawn(quick(), "quick")
    tasks.spawn(endless(), "endless")
    await tasks.close(grace=0.1)
    assert finished == ["quick"] and cancelled.is_set() and len(tasks) == 0
    work = endless()
    with pytest.raises(RuntimeError):
        tasks.spawn(work, "late")


async def test_tasks_a_framework_started_are_tracked_and_cancelled_past_the_grace() -> None:
    tasks = BackgroundTasks()
    inside = asyncio.Event()

    async def update_handler() -> None:  # as python-telegram-bot runs one per update
        with tasks.track():
            inside.set()
            await asyncio.Event().wait()

    handler = asyncio.create_task(update_handler())
    await inside.wait()
    assert len(tasks) == 1
    assert await tasks.close(grace=0.01) == 1
    assert handler.cancelled() and len(tasks) == 0
