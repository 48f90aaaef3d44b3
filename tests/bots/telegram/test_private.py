"""Private chats end to end: real PTB against the fake Bot API, the core on a temp database."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from muse.bots.runner import configured_adapters, run_adapters
from muse.bots.telegram.adapter import TelegramAdapter
from muse.core.config import Settings
from muse.core.llm.client import ModelUnavailable
from muse.core.service import MuseCore
from tests.bots.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.bots.telegram.updates import (
    BOB,
    SHARED_ROW,
    XIAOHONG,
    finished,
    keyboard_labels,
    say,
    texts,
)
from tests.fake_model import FakeModel

ME = XIAOHONG["id"]


async def test_a_private_brainstorm_streams_into_one_message_and_keeps_history(
    api: FakeBotApi,
    settings: Settings,
    model: FakeModel,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with MuseCore(settings, model=model) as core:
        adapter = TelegramAdapter(settings, core)
        await adapter.start()
        await say(api, ME, XIAOHONG, "/ad 新款服装")
        await api.wait_for(lambda: finished(api, ME))
        await say(api, ME, XIAOHONG, "再口语化一点")
        await api.wait_for(lambda: finished(api, ME, 2))
        await adapter.stop()

    first, second = api.bot_messages(ME)
    assert "新款服装" in first["text"] and first["text"].startswith("方案 1")
    assert first["edits"] >= 1  # the draft was sent, then edited into the final text
    assert "✍️" not in first["text"] + second["text"]
    likes, shared = keyboard_labels(first)
    assert shared == SHARED_ROW and likes == [f"👍 {n}" for n in range(1, len(likes) + 1)]
    assert len(likes) == first["text"].count("方案 ") >= 2
    # History: the second turn's prompt carries the first exchange.
    history = [(m.role, m.content) for m in model.requests[-1].messages]
    assert ("assistant", first["text"]) in history and history[-1] == ("user", "再口语化一点")
    # "typing…" before the first message; form-encoded POSTs as PTB sends them.
    methods = [c.method for c in api.calls]
    assert methods.index("sendChatAction") < methods.index("sendMessage")
    assert api.calls_to("sendChatAction")[0].params["action"] == "typing"
    assert {c.content_type for c in api.calls_to("sendMessage")} == {
        "application/x-www-form-urlencoded"
    }
    # Updates are confirmed with offsets, and only new messages and presses are asked for.
    polls = api.calls_to("getUpdates")
    assert polls[-1].params["offset"] == "3"
    assert polls[0].params["allowed_updates"] == ["message", "callback_query"]
    # The token is in no log record (httpx logs request URLs at INFO) and not in the database.
    logged = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert any("HTTP Request" in line for line in logged)
    assert not [line for line in logged if TOKEN in line]
    assert TOKEN.encode() not in (tmp_path / "muse.db").read_bytes()


async def test_text_that_utf8_cannot_hold_is_cleaned_stored_and_answered(
    api: FakeBotApi, settings: Settings, model: FakeModel
) -> None:
    async with MuseCore(settings, model=model) as core:
        adapter = TelegramAdapter(settings, core)
        await adapter.start()
        # A lone surrogate arrives as "\\ud800" in the update's JSON; NUL is a control byte.
        await say(api, ME, XIAOHONG, "我们在做\ud800秋季风衣\x00")
        await api.wait_for(lambda: finished(api, ME))
        await say(api, ME, XIAOHONG, "再口语化一点")
        await api.wait_for(lambda: finished(api, ME, 2))
        await adapter.stop()
    first, _ = api.bot_messages(ME)
    assert "我们在做秋季风衣" in first["text"]  # the core drops U+FFFD from model output
    history = [m.content for m in model.requests[-1].messages]
    assert "我们在做\ufffd秋季风衣" in history


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("/lyrics 毕业季，写给宿舍四个人的歌", "回声"),
        ("/story 灯塔看守人和吃东西的雾", "回声"),
        ("/design 社区咖啡馆", "回声"),
        ("/press 青禾开第二家店", "回声"),
        ("/ad 小红书 「轻岚」防晒霜", "方案 1 · 小红书"),
    ],
)
async def test_the_new_skills_and_formats_answer_in_a_private_chat(
    api: FakeBotApi, bot: TelegramAdapter, text: str, start: str
) -> None:
    await say(api, ME, XIAOHONG, text)
    await api.wait_for(lambda: finished(api, ME))
    (reply,) = api.bot_messages(ME)
    likes, shared = keyboard_labels(reply)
    assert reply["text"].startswith(start)
    # A reply in one piece keeps its 👍 in the row; one with variants has a 👍 per variant.
    if likes:
        assert shared == SHARED_ROW and likes == [f"👍 {n}" for n in range(1, len(likes) + 1)]
        assert len(likes) >= 2
    else:
        assert shared == [*SHARED_ROW[:-1], "👍", "👎"]


async def test_the_menu_is_published_in_chinese_and_english(
    api: FakeBotApi, bot: TelegramAdapter
) -> None:
    menus = {
        c.params.get("language_code"): c.params["commands"] for c in api.calls_to("setMyCommands")
    }
    assert set(menus) == {None, "zh"}
    skills = ["ad", "tagline", "brainstorm", "script", "press", "lyrics", "story", "design"]
    names = [*skills, "analyze", "voice", "saved", "reset", "forget", "help", "start"]
    assert [c["command"] for c in menus["zh"]] == names == [c["command"] for c in menus[None]]
    assert menus["zh"][0]["description"] == "写 3 版广告文案"
    assert menus[None][0]["description"] == "Write 3 ad copy options"


async def test_muse_run_serves_telegram_in_its_event_loop(
    api: FakeBotApi, settings: Settings, core: MuseCore
) -> None:
    stop = asyncio.Event()
    running = asyncio.create_task(run_adapters(settings, configured_adapters(settings), stop, core))
    await say(api, BOB["id"], BOB, "/start")
    await api.wait_for(lambda: texts(api, BOB["id"]))
    stop.set()
    await running
    (help_text,) = texts(api, BOB["id"])
    assert "/ad" in help_text and "Commands" in help_text  # Bob's client is in English


async def test_a_model_failure_gets_a_human_message_and_the_bot_keeps_serving(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    model.fail = ModelUnavailable("connection refused")
    await say(api, ME, XIAOHONG, "/tagline 山野咖啡")
    await api.wait_for(lambda: texts(api, ME))
    assert texts(api, ME) == ["模型服务暂时不可用，请稍后再试。"]
    model.fail = None
    await say(api, ME, XIAOHONG, "/tagline 山野咖啡")
    await api.wait_for(lambda: finished(api, ME))
    assert len(texts(api, ME)) == 2
