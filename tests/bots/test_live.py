import asyncio

from muse.bots.live import LiveMessage


async def test_updates_are_coalesced_and_the_final_text_always_lands() -> None:
    shown: list[str] = []

    async def edit(text: str) -> None:
        shown.append(text)

    live = LiveMessage(edit, interval=0.05)
    for i in range(20):
        live.update(f"t{i}")
        await asyncio.sleep(0.005)  # 20 updates in ~0.1 s
    await live.finish("final")
    assert shown[0] == "t0" and shown[-1] == "final"
    assert 2 <= len(shown) <= 5  # about one edit per interval, not twenty


async def test_unchanged_text_is_not_edited_again() -> None:
    shown: list[str] = []

    async def edit(text: str) -> None:
        shown.append(text)

    live = LiveMessage(edit, interval=0.0)
    live.update("same")
    await asyncio.sleep(0.01)
    await live.finish("same")
    assert shown == ["same"]


async def test_a_failed_intermediate_edit_does_not_stop_the_final_one() -> None:
    shown: list[str] = []

    async def edit(text: str) -> None:
        if text == "draft":
            raise RuntimeError("429")
        shown.append(text)

    live = LiveMessage(edit, interval=0.0)
    live.update("draft")
    await asyncio.sleep(0.01)
    await live.finish("final")
    assert shown == ["final"]


async def test_the_final_text_lands_after_an_edit_already_in_flight() -> None:
    shown: list[str] = []
    release = asyncio.Event()

    async def edit(text: str) -> None:
        if text == "draft":
            await release.wait()  # a slow intermediate edit, still on its way
        shown.append(text)

    live = LiveMessage(edit, interval=0.0)
    live.update("draft")
    await asyncio.sleep(0.01)
    finishing = asyncio.create_task(live.finish("final"))
    await asyncio.sleep(0.01)
    assert shown == []  # finish waits for the edit in flight
    release.set()
    await finishing
    assert shown == ["draft", "final"]


async def test_settle_drops_a_scheduled_edit_so_the_caller_can_write_the_final_state() -> None:
    shown: list[str] = []

    async def edit(text: str) -> None:
        shown.append(text)

    live = LiveMessage(edit, interval=10.0)
    live.update("first")
    await asyncio.sleep(0.01)
    live.update("second")  # waits ~10 s for its turn
    await live.settle()
    assert shown == ["first"]
    await asyncio.sleep(0.01)
    assert shown == ["first"]
