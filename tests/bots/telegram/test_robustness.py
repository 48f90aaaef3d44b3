"""What must never go wrong: duplicates, edits, non-text, stuck replies at stop, a bad token."""

from __future__ import annotations

import asyncio
from pathlib import Path

from muse.bots.telegram.adapter import TelegramAdapter
from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.bots.telegram.updates import BOB, GROUP, XIAOHONG, edit, finished, say, sticker, texts
from tests.fake_model import FakeModel
from tests.muse_process import environment, muse

ME = XIAOHONG["id"]
HINT = "我目前只能读文字消息，请用文字告诉我你的需求，例如：/ad 新款秋季风衣"


async def test_a_redelivered_update_is_not_answered_twice(
    api: FakeBotApi, settings: Settings, core: MuseCore, model: FakeModel
) -> None:
    first = TelegramAdapter(settings, core)
    await first.start()
    update = await say(api, ME, XIAOHONG, "/ad 新款服装")
    await api.wait_for(lambda: finished(api, ME))
    await first.stop()
    # Telegram delivers an update again when the process died before confirming it.
    await api.push(dict(update))
    second = TelegramAdapter(settings, core)
    await second.start()
    await say(api, ME, XIAOHONG, "/brainstorm 新款服装")
    await api.wait_for(lambda: finished(api, ME, 2))
    await second.stop()
    assert api.delivered.count(update["update_id"]) == 2
    assert len(model.requests) == 2 and len(api.bot_messages(ME)) == 2


async def test_an_edited_message_does_not_start_a_second_generation(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    original = await say(api, ME, XIAOHONG, "/ad 新款服装")
    await api.wait_for(lambda: finished(api, ME))
    await edit(api, original["message"], "/ad 新款秋季服装")
    await say(api, ME, XIAOHONG, "/help")
    await api.wait_for(lambda: len(texts(api, ME)) == 2)
    await bot.stop()
    assert len(model.requests) == 1 and len(texts(api, ME)) == 2


async def test_stickers_get_a_one_line_hint_when_meant_for_muse(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    await sticker(api, ME, XIAOHONG)
    await say(api, GROUP, BOB, "/help@MuseTestBot")
    await api.wait_for(lambda: texts(api, ME) and texts(api, GROUP))
    await sticker(api, GROUP, XIAOHONG)  # not for Muse
    await sticker(api, GROUP, XIAOHONG, reply_to=api.bot_messages(GROUP)[0])
    await api.wait_for(lambda: len(texts(api, GROUP)) == 2)
    await bot.stop()
    assert texts(api, ME) == [HINT]
    assert texts(api, GROUP)[1] == HINT and not model.requests


async def test_stop_cancels_a_stuck_reply_and_marks_its_draft_interrupted(
    api: FakeBotApi, settings: Settings
) -> None:
    slow = FakeModel(lambda request, index: "慢" * 10_000, delay=0.05)
    async with MuseCore(settings, model=slow) as core:
        adapter = TelegramAdapter(settings, core, stop_grace=0.1)
        await adapter.start()
        await say(api, ME, XIAOHONG, "写一篇长文")
        await api.wait_for(lambda: texts(api, ME))
        async with asyncio.timeout(10):
            await adapter.stop()
        assert slow.running == 0
    (draft,) = texts(api, ME)
    assert draft.startswith("慢") and draft.endswith("（回复被中断了，请重新发送一次。）")


async def test_a_rejected_token_stops_muse_run_with_a_message_that_never_shows_it(
    api: FakeBotApi, tmp_path: Path
) -> None:
    wrong = "123456789:AAE-wrongTOKEN-shouldNeverAppear"
    env = environment(
        tmp_path, TELEGRAM_BOT_TOKEN=wrong, MUSE_TELEGRAM_API_URL=api.url, MUSE_LOG_LEVEL="DEBUG"
    )
    code, out, err = await muse(env, "run", cwd=tmp_path)
    assert code == 2 and "@BotFather" in err and "Traceback" not in err
    assert "getMe" in err  # DEBUG logs were written, request URLs included, token masked
    assert wrong not in out + err
