"""Slash commands and buttons, end to end: the real AsyncApp over HTTP against a fake Slack."""

from __future__ import annotations

from pathlib import Path

import pytest

from muse.bots.slack.adapter import SlackAdapter
from muse.bots.slack.render import WORKING
from muse.core.service import MuseCore
from tests.bots.slack.conftest import Harness, slack_settings
from tests.bots.slack.fake_slack import Posted, fake_slack
from tests.fake_model import FakeModel


@pytest.mark.parametrize(
    ("command", "brief"),
    [
        ("/ad", "新款秋季风衣，主打轻薄防风"),
        ("/tagline", "社区咖啡馆，周末早午餐"),
        ("/brainstorm", "中秋节会员拉新活动"),
        ("/script", "30 秒短视频：上班族的一天"),
        ("/press", "「青禾」社区食堂下周一开第二家店"),
        ("/lyrics", "毕业季，写给宿舍四个人的歌"),
        ("/story", "灯塔看守人发现每晚的雾会吃掉一样东西"),
        ("/design", "老城区 40 平米的社区咖啡馆"),
        ("/ad", "小红书 「轻岚」防晒霜，油皮通勤"),
    ],
)
async def test_a_skill_command_acks_privately_then_posts_for_the_channel(
    slack: Harness, command: str, brief: str
) -> None:
    response = await slack.slack.command(command, brief)
    assert response.status == 200 and response.text == WORKING
    await slack.settle()
    (posted,) = slack.slack.messages("CGENERAL")
    assert posted.thread_ts is None
    assert posted.context_texts()[0] == f"<@UALICE> 请求：{command} {brief}"
    assert "回声1" in posted.body()  # the model's text
    # A 👍 beside each variant (or one in the row for a single-piece reply), then the row.
    ids = posted.action_ids()
    likes = ids.count("muse_like")
    assert likes >= 1 and (likes == 1 or ids[:likes] == ["muse_like"] * likes)
    assert [i for i in ids if i != "muse_like"] == [
        "muse_regenerate",
        "muse_shorter",
        "muse_longer",
        "muse_tone",
        "muse_dislike",
    ]
    assert slack.slack.responses == []  # nothing private beyond the ack
    assert brief.split()[-1] in slack.model.requests[0].messages[-1].content


async def test_analyze_posts_its_report_without_a_model(slack: Harness) -> None:
    await slack.slack.command("/analyze", "轻薄防风，秋天出门就穿它。全网最低价！")
    await slack.settle()
    (posted,) = slack.slack.messages("CGENERAL")
    assert "最" in posted.body() and posted.action_ids() == []
    assert slack.model.requests == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("help", "/tagline"), ("", "/tagline"), ("reset", "新的对话"), ("forget", "全部记录")],
)
async def test_muse_help_reset_and_forget_answer_only_the_caller(
    slack: Harness, text: str, expected: str
) -> None:
    response = await slack.slack.command("/muse", text)
    assert response.status == 200 and response.text == ""
    await slack.settle()
    (reply,) = slack.slack.responses
    assert reply["response_type"] == "ephemeral" and expected in reply["text"]
    assert slack.slack.called("chat.postMessage") == []


async def test_a_bare_command_gets_its_usage_line_privately(slack: Harness) -> None:
    await slack.slack.command("/ad", "")
    await slack.settle()
    (reply,) = slack.slack.responses
    assert reply["response_type"] == "ephemeral" and "用法：/ad" in reply["text"]
    assert slack.model.requests == []


async def test_forget_deletes_the_callers_history(slack: Harness) -> None:
    await slack.slack.command("/ad", "风衣")
    await slack.settle()
    assert slack.rows("SELECT count(*) FROM messages") == [(2,)]
    await slack.slack.command("/muse", "forget")
    await slack.settle()
    assert slack.rows("SELECT count(*) FROM messages") == [(0,)]


async def test_in_a_channel_muse_is_not_in_the_reply_goes_through_response_url(
    slack: Harness,
) -> None:
    slack.slack.no_access.add("CPRIVATE")
    await slack.slack.command("/tagline", "咖啡", channel="CPRIVATE")
    await slack.settle()
    (reply,) = slack.slack.responses
    assert (
        reply["response_type"] == "in_channel"
        and "<@UALICE>" in reply["blocks"][0]["elements"][0]["text"]
    )
    assert slack.slack.messages("CPRIVATE") == []


async def command_reply(slack: Harness) -> Posted:
    await slack.slack.command("/ad", "新款秋季风衣")
    await slack.settle()
    (posted,) = slack.slack.messages("CGENERAL")
    return posted


@pytest.mark.parametrize(
    ("action", "follow_up", "label"),
    [
        ("muse_regenerate", "产品简介：新款秋季风衣", "🔄 重新生成"),
        ("muse_shorter", "更短一点。", "✂️ 短一点"),
        ("muse_longer", "写得更长、更具体一点。", "📝 长一点"),
        ("muse_tone", "换一种语气，更活泼一些。", "🎭 换个语气"),
    ],
)
async def test_a_rework_button_continues_the_conversation_in_the_thread(
    slack: Harness, action: str, follow_up: str, label: str
) -> None:
    original = await command_reply(slack)
    response = await slack.slack.press(original, action)
    assert response.status == 200
    await slack.settle()
    (reply,) = slack.slack.messages("CGENERAL", thread_ts=original.ts)
    assert reply.context_texts()[0] == f"<@UBOB> 点了「{label}」"
    assert "回声1" in reply.body() and reply.action_ids()  # a new reply, with its own buttons
    assert reply.button_value() != original.button_value()
    request = slack.model.requests[-1]
    assert follow_up in request.messages[-1].content
    # The first request and answer are the history of the second.
    assert [m.role for m in request.messages[1:]] == ["user", "assistant", "user"]


async def test_the_line_above_a_button_reply_is_in_the_replys_language(slack: Harness) -> None:
    await slack.slack.command("/ad", "waterproof hiking jacket")
    await slack.settle()
    (original,) = slack.slack.messages("CGENERAL")
    await slack.slack.press(original, "muse_shorter")
    await slack.settle()
    (reply,) = slack.slack.messages("CGENERAL", thread_ts=original.ts)
    assert reply.context_texts()[0] == "<@UBOB> pressed “✂️ Shorter”"


@pytest.mark.parametrize(
    ("action", "value", "thanks"), [("muse_like", 1, "第 1 版"), ("muse_dislike", -1, "重新生成")]
)
async def test_a_vote_is_stored_once_per_person_and_confirmed_privately(
    slack: Harness, action: str, value: int, thanks: str
) -> None:
    original = await command_reply(slack)
    await slack.slack.press(original, action)
    await slack.slack.press(original, action)  # pressed twice: still one vote
    await slack.slack.press(original, action, user="UCAROL")
    await slack.settle()
    votes = slack.rows("SELECT user_id, value FROM feedback ORDER BY user_id")
    assert votes == [("UBOB", value), ("UCAROL", value)]
    assert len(slack.slack.responses) == 3
    assert all(
        r["response_type"] == "ephemeral" and thanks in r["text"] for r in slack.slack.responses
    )
    assert len(slack.model.requests) == 1  # votes never call the model
    assert slack.slack.messages("CGENERAL", thread_ts=original.ts) == []


async def test_a_button_under_a_forgotten_reply_says_so(slack: Harness) -> None:
    original = await command_reply(slack)
    await slack.slack.command("/muse", "forget")
    await slack.settle()
    await slack.slack.press(original, "muse_shorter", user="UALICE")
    await slack.settle()
    (posted,) = slack.slack.messages("CGENERAL", thread_ts=original.ts)
    assert "找不到这条回复" in posted.body() and len(slack.model.requests) == 1


async def test_muse_voice_in_a_channel_is_for_admins_and_the_channels_creator(
    slack: Harness,
) -> None:
    fake = slack.slack
    fake.admins.add("UADMIN")
    fake.creators["CGENERAL"] = "UCAROL"

    async def voice(text: str, user: str) -> str:
        fake.responses.clear()
        await fake.command("/muse", f"voice {text}".strip(), user=user)
        await slack.settle()
        (reply,) = fake.responses
        assert reply["response_type"] == "ephemeral"
        return str(reply["text"])

    assert "只有管理员" in await voice("语气克制，面向跑者", "UALICE")
    assert "已更新本频道" in await voice("语气克制，面向跑者", "UCAROL")  # the creator
    assert "已更新本频道" in await voice("ban 燃爆, 绝绝子", "UADMIN")  # an admin
    assert "只有管理员" in await voice("workspace 全公司都用", "UCAROL")  # not the workspace's
    shown = await voice("", "UALICE")  # anyone may look
    assert "来自本频道" in shown and "语气克制" in shown and "燃爆" in shown
    asked = {c.args["user"] for c in fake.called("users.info")}
    assert asked == {"UALICE", "UCAROL", "UADMIN"}
    await fake.command("/ad", "越野跑鞋，抓地稳")
    await slack.settle()
    assert "语气克制，面向跑者" in slack.model.requests[-1].messages[0].content


async def test_a_failing_admin_check_refuses(slack: Harness) -> None:
    # conversations.info fails for a channel Slack does not know: no creator, no change.
    await slack.slack.command("/muse", "voice 严肃", user="UALICE", channel="CUNKNOWN")
    await slack.settle()
    (reply,) = slack.slack.responses
    assert "只有管理员" in reply["text"]
    assert slack.rows("SELECT count(*) FROM voices") == [(0,)]


async def test_a_channel_outside_the_list_gets_one_private_sentence(
    tmp_path: Path, model: FakeModel
) -> None:
    async with fake_slack() as fake:
        settings = slack_settings(tmp_path, fake.api_url, MUSE_SLACK_CHANNELS="CMARKETING")
        async with MuseCore(settings, model=model) as core:
            adapter = SlackAdapter(settings, core, edit_interval_s=0.05)
            await adapter.start()
            fake.bot_url = f"http://127.0.0.1:{adapter.port}/slack/events"
            try:
                await fake.command("/ad", "新款风衣", channel="CGENERAL")
                await adapter.tasks.join()
            finally:
                await adapter.stop()
    assert model.requests == [] and fake.called("chat.postMessage") == []
    assert any("还没有开通缪斯" in r.get("text", "") for r in fake.responses)
