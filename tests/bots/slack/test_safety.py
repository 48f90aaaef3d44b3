"""What must never go wrong in Slack: double replies, forged requests, answering bots,
mass mentions, cut text, rate limits and a model that is down."""

from __future__ import annotations

import html
import json
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from muse.bots.slack.adapter import SlackAdapter
from muse.bots.slack.render import SECTION_CHARS
from muse.core.llm.client import ChatRequest
from muse.core.service import MuseCore
from tests.bots.slack.conftest import Harness, slack_settings
from tests.bots.slack.fake_slack import BOT_ID, BOT_USER, FakeSlack, fake_slack
from tests.fake_model import FakeModel, last_user


def replies(slack: Harness) -> list[str]:
    """Every message the bot posted, as text a person reads."""
    return [html.unescape(m.body()) for m in slack.slack.posted.values()]


async def test_a_retried_event_is_answered_once_and_told_not_to_retry(slack: Harness) -> None:
    event = {
        "type": "message",
        "channel": "DALICE",
        "channel_type": "im",
        "user": "UALICE",
        "text": "同一个事件",
        "ts": slack.slack.next_ts(),
    }
    response = await slack.slack.event(event, event_id="EvSAME")
    assert response.status == 200 and "X-Slack-No-Retry" not in response.headers
    for attempt in (1, 2, 3):
        retry = await slack.slack.event(event, event_id="EvSAME", retry_num=attempt)
        assert retry.status == 200 and retry.headers["X-Slack-No-Retry"] == "1"
    await slack.slack.event(event, event_id="EvSAME")  # a repeat without the retry header
    await slack.settle()
    assert len(slack.model.requests) == 1
    assert len(slack.slack.messages("DALICE")) == 1
    assert slack.rows("SELECT count(*) FROM processed_events WHERE event_id = 'EvSAME'") == [(1,)]


async def test_a_retry_seen_first_is_still_answered(slack: Harness) -> None:
    """Slack retries when the first delivery never arrived: that retry is the only copy."""
    event = {"type": "message", "channel": "DALICE", "channel_type": "im", "user": "UALICE"}
    event |= {"text": "第一次就是重试", "ts": slack.slack.next_ts()}
    response = await slack.slack.event(event, event_id="EvLOST", retry_num=1)
    assert response.headers["X-Slack-No-Retry"] == "1"
    await slack.settle()
    assert len(slack.slack.messages("DALICE")) == 1


def nothing_happened(slack: Harness) -> bool:
    after_start = [c for c in slack.slack.calls if c.method != "auth.test"]
    return (
        after_start == []
        and slack.model.requests == []
        and slack.rows("SELECT count(*) FROM processed_events") == [(0,)]
    )


async def test_a_bad_signature_gets_401_and_nothing_else(slack: Harness) -> None:
    body = json.dumps(slack.slack.event_body({"type": "app_mention", "user": "UALICE"}))
    response = await slack.slack.send(body, "application/json", signature="v0=" + "0" * 64)
    assert response.status == 401
    form = urlencode(slack.slack.command_form("/ad", "风衣"))
    response = await slack.slack.send(form, "application/x-www-form-urlencoded", signature="v0=bad")
    assert response.status == 401 and "构思" not in response.text
    await slack.settle()
    assert nothing_happened(slack)


async def test_health_answers_without_a_signature_and_touches_nothing(slack: Harness) -> None:
    url = slack.slack.bot_url.replace("/slack/events", "/health")
    async with httpx.AsyncClient() as http:
        response = await http.get(url)
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert nothing_happened(slack)


async def test_a_request_signed_with_another_secret_gets_401(slack: Harness) -> None:
    slack.slack.signing_secret = "not-the-apps-secret"
    response = await slack.slack.command("/ad", "风衣")
    assert response.status == 401
    await slack.settle()
    assert nothing_happened(slack)


async def test_a_stale_timestamp_gets_401_even_when_correctly_signed(slack: Harness) -> None:
    form = urlencode(slack.slack.command_form("/ad", "风衣"))
    six_minutes_ago = int(time.time()) - 6 * 60
    response = await slack.slack.send(
        form, "application/x-www-form-urlencoded", timestamp=six_minutes_ago
    )
    assert response.status == 401
    await slack.settle()
    assert nothing_happened(slack)


@pytest.mark.parametrize(
    "extra",
    [
        {"user": BOT_USER},
        {"bot_id": BOT_ID, "subtype": "bot_message"},
        {"user": "UOTHERBOT", "bot_id": "BOTHER"},
        {"subtype": "message_changed", "message": {"text": "改过的"}},
        {"subtype": "message_deleted", "previous_message": {"text": "删掉的"}},
    ],
    ids=["self", "self-bot-message", "other-bot", "edited", "deleted"],
)
async def test_own_and_bot_messages_edits_and_deletions_are_ignored(
    slack: Harness, extra: dict[str, str]
) -> None:
    response = await slack.slack.dm("写个口号", **extra)
    assert response.status == 200
    await slack.settle()
    assert slack.slack.posted == {} and slack.model.requests == []


async def test_another_bot_mentioning_muse_is_ignored(slack: Harness) -> None:
    await slack.slack.mention("<@UMUSEBOT> 写口号", user="UOTHERBOT", bot_id="BOTHER")
    await slack.settle()
    assert slack.slack.posted == {} and slack.model.requests == []


MASS = "<!channel> <!here> <!everyone> <!subteam^S0123|@design> <@UMALLORY> @channel @here"


@pytest.fixture
def model() -> FakeModel:
    def reply(request: ChatRequest, index: int) -> str:
        if "群发" in last_user(request):
            return f"通知{index + 1}：{MASS} 请 <@UCAROL> 看 & <b>"
        return f"回声{index + 1}\n你说的是：{last_user(request)}。"

    return FakeModel(reply)


def assert_inert(mrkdwn: str) -> None:
    for dangerous in ("<!", "<@UMALLORY>", "@channel", "@here", "<b>"):
        assert dangerous not in mrkdwn, dangerous


async def test_model_text_can_never_mass_mention_or_mention_strangers(slack: Harness) -> None:
    await slack.slack.dm("群发 <@UCAROL> 看看")  # the person mentioned Carol, nobody else
    _, thread = await slack.slack.mention("<@UMUSEBOT> 群发一下")
    await slack.slack.command("/tagline", "群发")
    await slack.settle()
    assert len(slack.slack.posted) == 3
    for posted in slack.slack.posted.values():
        for block in posted.blocks:
            assert_inert(json.dumps(block, ensure_ascii=False))
        assert_inert(posted.text)
    (dm,) = slack.slack.messages("DALICE")
    assert "<@UCAROL>" in dm.body()  # a mention the person wrote may stay
    (in_thread,) = slack.slack.messages("CGENERAL", thread_ts=thread)
    assert "<@UCAROL>" not in in_thread.body()  # nobody mentioned Carol there
    assert "&amp; &lt;b&gt;" in in_thread.body()


async def test_a_10000_character_reply_arrives_whole_in_sections(
    slack: Harness, model: FakeModel
) -> None:
    text = "".join(f"第{i}段：秋风起 & <新品> 上市。\n" for i in range(600))[:10_000].strip()
    assert len(text) == 10_000
    model.reply = lambda request, index: text
    model.piece = 500
    await slack.slack.dm("写一篇长文")
    await slack.settle()
    (posted,) = slack.slack.messages("DALICE")
    sections = posted.section_texts()
    assert len(sections) >= 4 and all(len(s) <= SECTION_CHARS for s in sections)
    assert html.unescape("".join(sections)) == text


async def test_a_reply_beyond_fifty_sections_continues_in_more_messages(
    slack: Harness, model: FakeModel
) -> None:
    text = ("长" * 2000 + "\n") * 90  # 180,090 characters: more than 50 sections
    model.reply = lambda request, index: text
    model.piece = 20_000
    await slack.slack.dm("写一本书")
    await slack.settle()
    posted = slack.slack.messages("DALICE")
    assert len(posted) == 2 and all(len(m.blocks) <= 50 for m in posted)
    assert "".join(m.body() for m in posted) == text.strip()
    assert posted[-1].action_ids() and not posted[0].action_ids()  # buttons end the reply


async def test_http_429_is_retried_after_retry_after(slack: Harness) -> None:
    limited = (429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "0"})
    slack.slack.scripted["chat.postMessage"] = [limited]
    await slack.slack.command("/ad", "风衣")
    await slack.settle()
    statuses = [c.status for c in slack.slack.called("chat.postMessage")]
    assert statuses == [429, 200]
    assert len(slack.slack.messages("CGENERAL")) == 1


async def test_a_slack_failure_is_logged_and_the_caller_told(slack: Harness) -> None:
    refused = (200, {"ok": False, "error": "invalid_auth"}, {})
    slack.slack.scripted["chat.postMessage"] = [refused]
    await slack.slack.command("/ad", "风衣")
    await slack.settle()
    (told,) = slack.slack.responses
    assert told["response_type"] == "ephemeral" and "出了点问题" in told["text"]
    await slack.slack.command("/ad", "风衣")  # and the next request is served
    await slack.settle()
    assert len(slack.slack.messages("CGENERAL")) == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def model_down(tmp_path: Path) -> AsyncIterator[Harness]:
    """The adapter with MUSE_MODEL_URL pointing at a port where no server listens."""
    async with fake_slack() as fake:
        url = f"http://127.0.0.1:{free_port()}/v1"
        settings = slack_settings(
            tmp_path,
            fake.api_url,
            MUSE_MODEL_URL=url,
            MUSE_MODEL_NAME="muse",
            MUSE_MODEL_TIMEOUT_S=2,
        )
        async with MuseCore(settings) as core:
            adapter = SlackAdapter(settings, core, edit_interval_s=0.05)
            await adapter.start()
            fake.bot_url = f"http://127.0.0.1:{adapter.port}/slack/events"
            try:
                yield Harness(fake, adapter, FakeModel(), core, tmp_path / "muse.db")
            finally:
                await adapter.stop()


async def test_with_the_model_server_down_people_get_a_human_message(
    model_down: Harness,
) -> None:
    slack: FakeSlack = model_down.slack
    assert (await slack.command("/ad", "风衣")).status == 200
    await slack.dm("在吗")
    await model_down.settle()
    (private,) = slack.responses
    assert private["response_type"] == "ephemeral" and "模型服务暂时不可用" in private["text"]
    assert slack.messages("CGENERAL") == []
    (dm,) = slack.messages("DALICE")
    assert "模型服务暂时不可用" in dm.body() and dm.action_ids() == []
    # The bot keeps serving: the next requests are answered as well.
    await slack.command("/muse", "help")
    await slack.command("/tagline", "咖啡")
    await model_down.settle()
    # The two answers are written concurrently, so they may arrive in either order.
    later = sorted((r["text"] for r in slack.responses[1:]), key=lambda t: "/tagline" not in t)
    assert len(later) == 2 and "/tagline" in later[0] and "模型服务暂时不可用" in later[1]


async def test_the_events_url_challenge_is_answered(slack: Harness) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    response = await slack.slack.send(body, "application/json")
    assert response.status == 200 and response.json() == {"challenge": "c-123"}
    forged = await slack.slack.send(body, "application/json", signature="v0=forged")
    assert forged.status == 401
