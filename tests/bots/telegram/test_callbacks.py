"""Buttons end to end: rework a reply, vote on it, and every press is answered."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from muse.bots.telegram.adapter import TelegramAdapter
from muse.core.messages import Action
from muse.core.skills.registry import get_skill
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.bots.telegram.updates import GROUP, XIAOHONG, buttons, finished, press, say
from tests.fake_model import FakeModel, last_user

ME = XIAOHONG["id"]


def votes(tmp_path: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(tmp_path / "muse.db") as db:
        return db.execute("SELECT platform, value FROM feedback").fetchall()


async def test_buttons_rework_the_reply_and_votes_are_stored(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel, tmp_path: Path
) -> None:
    await say(api, ME, XIAOHONG, "/ad 新款服装")
    await api.wait_for(lambda: finished(api, ME))
    reply = api.bot_messages(ME)[0]
    data = {b["text"]: b["callback_data"] for b in buttons(reply)}

    def answers() -> list[dict[str, object]]:
        return [c.params for c in api.calls_to("answerCallbackQuery")]

    await press(api, XIAOHONG, reply, data["✂️ 短一点"])
    await api.wait_for(lambda: finished(api, ME, 2))
    assert answers()[0]["text"] == "收到，正在改写…"
    assert last_user(model.requests[-1]) == get_skill("ad").follow_up(Action.SHORTER, "zh")
    assert ("assistant", reply["text"]) in [
        (m.role, m.content) for m in model.requests[-1].messages
    ]

    await press(api, XIAOHONG, reply, data["👍 2"])
    await api.wait_for(lambda: len(answers()) == 2)
    assert answers()[1]["text"] == "谢谢！第 2 版已收进这里的收藏（/saved 查看）。"
    assert votes(tmp_path) == [("telegram", 1)]
    await press(api, XIAOHONG, reply, data["👎"])  # changes the vote
    await api.wait_for(lambda: len(answers()) == 3)
    assert votes(tmp_path) == [("telegram", -1)]

    await press(api, XIAOHONG, reply, "not-a-muse-button")
    await api.wait_for(lambda: len(answers()) == 4)
    assert answers()[3]["text"] == "这个按钮已经失效了，请重新发送你的请求。"
    assert answers()[3]["show_alert"] == "true"
    # Votes are answered in the toast, never posted in the chat.
    assert len(api.bot_messages(ME)) == 2


async def test_a_rework_in_a_group_is_posted_under_the_reply(
    api: FakeBotApi, bot: TelegramAdapter
) -> None:
    await say(api, GROUP, XIAOHONG, "/tagline@MuseTestBot 山野咖啡")
    await api.wait_for(lambda: finished(api, GROUP))
    reply = api.bot_messages(GROUP)[0]
    regenerate = next(b for b in buttons(reply) if b["text"] == "🔄 重新生成")["callback_data"]
    await press(api, XIAOHONG, reply, regenerate)
    await api.wait_for(lambda: finished(api, GROUP, 2))
    again = api.bot_messages(GROUP)[1]
    assert again["reply_to_message"]["message_id"] == reply["message_id"]
    assert len(api.calls_to("answerCallbackQuery")) == 1
