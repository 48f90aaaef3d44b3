"""Direct messages and @mentions end to end: history, streaming by edits, threads."""

from __future__ import annotations

import pytest

from muse.bots.slack.render import WORKING
from muse.core.llm.client import ChatRequest
from tests.bots.slack.conftest import Harness
from tests.fake_model import FakeModel, last_user


def chat_reply(request: ChatRequest, index: int) -> str:
    return f"关于「{last_user(request)}」，可以从通勤场景切入。"


@pytest.fixture
def model() -> FakeModel:
    return FakeModel(chat_reply)


async def test_a_dm_is_answered_in_one_message_that_ends_complete(slack: Harness) -> None:
    response = await slack.slack.dm("我们在做秋季风衣")
    assert response.status == 200
    await slack.settle()
    (posted,) = slack.slack.messages("DALICE")
    assert posted.thread_ts is None
    assert posted.body() == "关于「我们在做秋季风衣」，可以从通勤场景切入。"
    assert posted.action_ids()  # buttons under the finished reply
    first = slack.slack.called("chat.postMessage")[0]
    assert WORKING in first.args["text"]  # the placeholder, edited into the reply


async def test_dm_history_carries_across_turns(slack: Harness) -> None:
    await slack.slack.dm("我们在做秋季风衣")
    await slack.settle()
    await slack.slack.dm("再想一个角度")
    await slack.settle()
    second = slack.model.requests[-1]
    contents = [m.content for m in second.messages]
    assert "我们在做秋季风衣" in contents
    assert "关于「我们在做秋季风衣」，可以从通勤场景切入。" in contents
    assert contents[-1] == "再想一个角度"
    assert len(slack.slack.messages("DALICE")) == 2


async def test_text_that_utf8_cannot_hold_is_cleaned_stored_and_answered(slack: Harness) -> None:
    # A JSON body may carry a lone surrogate ("\\ud800"); NUL and escapes are control bytes.
    await slack.slack.dm("秋季\ud800风衣\x00\x1b[0m")
    await slack.settle()
    (posted,) = slack.slack.messages("DALICE")
    # The model echoed it; the core drops U+FFFD from what a model writes.
    assert posted.body() == "关于「秋季风衣[0m」，可以从通勤场景切入。"
    await slack.slack.dm("再想一个角度")
    await slack.settle()
    assert "秋季\ufffd风衣[0m" in [m.content for m in slack.model.requests[-1].messages]


async def test_another_persons_dm_is_another_conversation(slack: Harness) -> None:
    await slack.slack.dm("我们在做秋季风衣")
    await slack.settle()
    await slack.slack.dm("你好", user="UBOB")
    await slack.settle()
    assert "我们在做秋季风衣" not in [m.content for m in slack.model.requests[-1].messages]


async def test_muse_reset_in_the_dm_starts_the_dm_conversation_afresh(slack: Harness) -> None:
    await slack.slack.dm("我们在做秋季风衣")
    await slack.settle()
    await slack.slack.command("/muse", "reset", channel="DALICE")
    await slack.settle()
    await slack.slack.dm("新话题")
    await slack.settle()
    assert [m.role for m in slack.model.requests[-1].messages] == ["system", "user"]


async def test_streaming_edits_one_message_about_once_per_interval(
    slack: Harness, model: FakeModel
) -> None:
    long_reply = "轻薄防风，通勤出游都合适。" * 40
    model.reply = lambda request, index: long_reply
    model.delay = 0.002  # ~180 pieces over ~0.4 s; the adapter edits every 0.05 s
    await slack.slack.dm("写一段长文案")
    await slack.settle()
    (posted,) = slack.slack.messages("DALICE")
    assert posted.body() == long_reply
    edits = len(slack.slack.called("chat.update"))
    assert 2 <= edits < 60  # coalesced: far fewer edits than streamed pieces


async def test_in_an_assistant_thread_muse_shows_thinking_instead_of_a_placeholder(
    slack: Harness,
) -> None:
    await slack.slack.dm("帮我想口号", thread_ts="1690000000.000001")
    await slack.settle()
    (status,) = slack.slack.called("assistant.threads.setStatus")
    assert status.args == {
        "channel_id": "DALICE",
        "thread_ts": "1690000000.000001",
        "status": "正在构思…",
    }
    (posted,) = slack.slack.messages("DALICE", thread_ts="1690000000.000001")
    assert WORKING not in posted.text and "帮我想口号" in posted.body()


async def test_without_the_assistant_feature_a_placeholder_is_used_and_status_not_retried(
    slack: Harness,
) -> None:
    slack.slack.status_error = "missing_scope"
    for _ in range(2):
        await slack.slack.dm("帮我想口号", thread_ts="1690000000.000001")
        await slack.settle()
    assert len(slack.slack.called("assistant.threads.setStatus")) == 1
    first_posts = [c.args["text"] for c in slack.slack.called("chat.postMessage")]
    assert first_posts == [WORKING, WORKING]


async def test_a_mention_is_answered_in_its_thread_and_the_thread_is_shared(
    slack: Harness,
) -> None:
    _, ts = await slack.slack.mention("<@UMUSEBOT> 给秋季上新想几句口号")
    await slack.settle()
    (reply,) = slack.slack.messages("CGENERAL", thread_ts=ts)
    assert "给秋季上新想几句口号" in reply.body()
    assert "UMUSEBOT" not in slack.model.requests[0].messages[-1].content
    # Someone else continues in the same thread: the thread's history comes along.
    await slack.slack.mention("<@UMUSEBOT> 再活泼一点", user="UBOB", thread_ts=ts)
    await slack.settle()
    contents = [m.content for m in slack.model.requests[-1].messages]
    assert "给秋季上新想几句口号" in contents and contents[-1] == "再活泼一点"
    assert len(slack.slack.messages("CGENERAL", thread_ts=ts)) == 2


async def test_a_mention_in_another_thread_is_another_conversation(slack: Harness) -> None:
    await slack.slack.mention("<@UMUSEBOT> 第一个话题")
    await slack.settle()
    _, ts = await slack.slack.mention("<@UMUSEBOT> 第二个话题")
    await slack.settle()
    assert "第一个话题" not in [m.content for m in slack.model.requests[-1].messages]
    assert len(slack.slack.messages("CGENERAL", thread_ts=ts)) == 1


async def test_a_bare_mention_gets_help_in_the_thread(slack: Harness) -> None:
    _, ts = await slack.slack.mention("<@UMUSEBOT>")
    await slack.settle()
    (reply,) = slack.slack.messages("CGENERAL", thread_ts=ts)
    assert "/tagline" in reply.body() and slack.model.requests == []
