"""The reply writer on a scripted output (no network): order of sends and edits, errors,
interruptions and the typing indicator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from telegram import InlineKeyboardMarkup

from muse.bots.telegram.reply import ReplyWriter
from muse.core.messages import Done, Error, ReplyEvent, Started, TextDelta, Variant


class Output:
    """Records what the writer does; `gate` holds the first send on the wire until opened."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str, bool]] = []  # (operation, text, with keyboard)
        self.typing_count = 0
        self.gate = asyncio.Event()
        self.gate.set()
        self.sending = asyncio.Event()

    async def send(self, marked: str, markup: InlineKeyboardMarkup | None = None) -> int:
        print("SEND ENTER", marked[:6])
        self.sending.set()
        await self.gate.wait()
        self.log.append(("send", marked, markup is not None))
        return len(self.log)

    async def edit(
        self, message_id: int, marked: str, markup: InlineKeyboardMarkup | None = None
    ) -> int:
        self.log.append(("edit", marked, markup is not None))
        return message_id

    async def typing(self) -> None:
        self.typing_count += 1


async def events(
    *items: ReplyEvent, pause: asyncio.Event | None = None
) -> AsyncIterator[ReplyEvent]:
    for item in items:
        if pause is not None and isinstance(item, Done | Error):
            await pause.wait()
        yield item


DONE = Done("最终文案", "ad", (Variant("最终文案"),), message_id=9, language="zh")


async def test_the_final_text_waits_for_a_draft_still_on_the_wire() -> None:
    output = Output()
    output.gate.clear()  # the draft's sendMessage is slow
    release = asyncio.Event()
    writer = ReplyWriter(output, group=False)  # type: ignore[arg-type]
    task = asyncio.create_task(
        writer.play(events(Started("ad", "zh"), TextDelta("最终", "最终"), DONE, pause=release))
    )
    await output.sending.wait()  # the draft is being sent …
    release.set()  # … when the reply is done
    for _ in range(50):  # let the writer get as far as it can while the draft is on the wire
        await asyncio.sleep(0)
    print("GATE OPEN")
    output.gate.set()
    assert await task == DONE
    print(output.log)
    assert [(op, keyboard) for op, _, keyboard in output.log] == [("send", False), ("edit", True)]
    assert output.log[-1][1] == "最终文案"


async def test_an_error_replaces_the_draft() -> None:
    output = Output()
    writer = ReplyWriter(output, group=False)  # type: ignore[arg-type]
    error = Error("模型服务暂时不可用，请稍后再试。", "model_unavailable")
    await writer.play(events(Started("chat", "zh"), TextDelta("半", "半"), error))
    assert output.log[-1] == ("edit", error.message, False)
    assert len([op for op, _, _ in output.log if op == "send"]) == 1


async def test_a_reply_that_stops_half_way_is_marked_interrupted() -> None:
    output = Output()
    writer = ReplyWriter(output, group=True)  # type: ignore[arg-type]
    never = asyncio.Event()
    task = asyncio.create_task(
        writer.play(events(Started("chat", "en"), TextDelta("Half", "Half"), DONE, pause=never))
    )
    await output.sending.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert output.log[-1][1].startswith("Half\n\n<i>(This reply was interrupted")
    assert output.typing_count == 1  # groups: once, to spare the group's message budget


async def test_a_reply_without_deltas_is_sent_once_and_nothing_more() -> None:
    output = Output()
    writer = ReplyWriter(output, group=False)  # type: ignore[arg-type]
    assert await writer.play(events(Started("help", "zh"), Done("帮助", "help"))) is not None
    assert output.log == [("send", "帮助", False)]
    assert await ReplyWriter(output, False).play(events()) is None  # type: ignore[arg-type]
