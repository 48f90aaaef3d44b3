"""The assistant end to end on a real SQLite file, with a scripted model at the client seam."""

from __future__ import annotations

import asyncio

from muse.core.config import Settings
from muse.core.llm.client import ChatRequest, ModelUnavailable
from muse.core.messages import Action, Done, Error, Kind, Started, TextDelta
from muse.core.service import MuseCore
from tests.conversation import send
from tests.fake_model import FakeModel, last_user


def done_of(events: list) -> Done:
    assert isinstance(events[0], Started), events
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


def prompt_texts(request: ChatRequest) -> str:
    return "\n".join(m.content for m in request.messages)


async def test_command_without_argument_gets_usage_and_no_model_call(core, model) -> None:
    for command in ("/ad", "/tagline", "/brainstorm", "/script", "/analyze"):
        done = done_of(await send(core, command))
        assert command in done.text and ("例如" in done.text or "e.g." in done.text.lower())
    assert model.requests == []


async def test_help_lists_every_command_in_the_users_language(core, model) -> None:
    zh = done_of(await send(core, "/help"))
    en = done_of(await send(core, "/help", language="en"))
    for command in ("/ad", "/tagline", "/brainstorm", "/script", "/analyze", "/reset", "/forget"):
        assert command in zh.text and command in en.text
    assert zh.text != en.text
    assert model.requests == []


async def test_text_over_the_limit_is_refused_clearly(core, model) -> None:
    (event,) = await send(core, "长" * 4001)
    assert isinstance(event, Error) and event.code == "too_long"
    assert "4001" in event.message and "4000" in event.message
    assert model.requests == []


async def test_ad_draws_eight_and_streams_three_variants_in_order(core, model) -> None:
    events = await send(core, "/ad 新款秋季风衣，轻薄防风")
    done = done_of(events)
    assert done.skill == "ad" and len(done.variants) == 3
    (request,) = model.requests  # best-of-n: one request for every draft
    assert request.n == 8 and request.params.logprobs and "新款秋季风衣" in prompt_texts(request)
    deltas = [e for e in events if isinstance(e, TextDelta)]
    streamed = "".join(d.delta for d in deltas)
    assert deltas[-1].text == streamed  # append-only: each `text` is the sum of the deltas
    assert streamed.index("回声1") < streamed.index("回声2") < streamed.index("回声3")
    assert "回声4" not in streamed  # the other drafts are candidates, never shown as written
    assert done.message_id is not None


async def test_plain_text_continues_the_conversation_with_history(core, model) -> None:
    await send(core, "我们在做一款山野咖啡")
    await send(core, "给它想个名字")
    second = model.requests[-1]
    assert "我们在做一款山野咖啡" in prompt_texts(second)
    assert [m.role for m in second.messages] == ["system", "user", "assistant", "user"]


async def test_same_event_id_is_answered_exactly_once(core, model) -> None:
    first, again = await asyncio.gather(
        send(core, "你好", event_id="Ev1"), send(core, "你好", event_id="Ev1")
    )
    assert sorted([len(first) > 0, len(again) > 0]) == [False, True]
    assert len(model.requests) == 1


async def test_model_failure_gives_a_human_message_and_no_half_turn(core, model) -> None:
    await send(core, "第一句")
    model.fail = ModelUnavailable("connection refused")
    (started, error) = await send(core, "第二句")
    assert isinstance(started, Started) and isinstance(error, Error)
    assert error.code == "model_unavailable" and "稍后再试" in error.message
    model.fail = None
    await send(core, "第三句")
    prompt = prompt_texts(model.requests[-1])
    assert "第一句" in prompt and "第二句" not in prompt


async def test_english_message_gets_english_system_prompt_and_errors(core, model) -> None:
    await send(core, "Brainstorm names for a mountain coffee brand")
    assert model.requests[-1].messages[0].content.startswith("You are Muse")
    model.fail = ModelUnavailable("down")
    (_, error) = await send(core, "Another idea please")
    assert isinstance(error, Error) and "try again" in error.message


async def test_older_turns_dropped_with_a_notice_once(settings: Settings) -> None:
    settings = settings.model_copy(update={"history_tokens": 120})
    model = FakeModel()
    async with MuseCore(settings, model=model) as core:
        notices = []
        for i in range(8):
            notices.append(done_of(await send(core, f"第{i}轮：" + "想法" * 10)).notices)
        assert sum(1 for n in notices if n) == 1
        assert "第0轮" not in prompt_texts(model.requests[-1])
        assert "第6轮" in prompt_texts(model.requests[-1])


async def test_idle_conversation_starts_fresh(settings: Settings) -> None:
    settings = settings.model_copy(update={"idle_minutes": 0.0})
    model = FakeModel()
    async with MuseCore(settings, model=model) as core:
        await send(core, "旧话题")
        await send(core, "新话题")
    assert "旧话题" not in prompt_texts(model.requests[-1])


async def test_reset_starts_a_new_conversation(core, model) -> None:
    await send(core, "旧话题")
    done = done_of(await send(core, "/reset"))
    assert "新的对话" in done.text
    await send(core, "新话题")
    assert "旧话题" not in prompt_texts(model.requests[-1])


async def test_forget_confirms_and_history_is_gone(core, model) -> None:
    await send(core, "我的秘密配方")
    await send(core, "别人的话题", user="u2")
    done = done_of(await send(core, "/forget"))
    assert "删除" in done.text
    await send(core, "还记得吗")
    assert "我的秘密配方" not in prompt_texts(model.requests[-1])
    await send(core, "继续", user="u2")
    assert "别人的话题" in prompt_texts(model.requests[-1])


async def test_ad_law_terms_lose_to_clean_drafts_else_are_marked(core, model) -> None:
    def reply(request: ChatRequest, index: int) -> str:
        if index == 0:
            return "全网最好的风衣\n穿上它，你就是第一名。"
        return f"轻薄风衣{index}\n通勤出游都合适。"

    model.reply = reply
    done = done_of(await send(core, "/ad 风衣"))
    assert len(model.requests) == 1  # best-of-n had clean drafts to show instead
    assert all(not v.lint_flags for v in done.variants)
    assert not any("最" in v.text for v in done.variants)

    model.reply = lambda request, index: "史上最好的风衣\n绝对第一。"
    done = done_of(await send(core, "/ad 风衣"))
    flagged = [v for v in done.variants if v.lint_flags]
    # The core marks each flagged variant once, in the reply's language; platforms show `shown`.
    assert all(v.shown.endswith(v.warning) and "广告法" in v.warning for v in flagged)
    assert flagged and "⚠" in done.text


async def test_buttons_regenerate_and_rework_in_the_same_conversation(core, model) -> None:
    first = done_of(await send(core, "/ad 新款风衣"))
    again = done_of(
        await send(
            core, "", kind=Kind.ACTION, action=Action.REGENERATE, target_message_id=first.message_id
        )
    )
    assert again.skill == "ad" and len(again.variants) == 3
    assert last_user(model.requests[-1]) == last_user(model.requests[0])
    shorter = done_of(
        await send(
            core, "", kind=Kind.ACTION, action=Action.SHORTER, target_message_id=first.message_id
        )
    )
    assert shorter.skill == "ad"
    assert "短" in last_user(model.requests[-1])
    assert "新款风衣" in prompt_texts(model.requests[-1])  # the conversation came along


async def test_started_carries_the_language_the_reply_is_written_in(core, model) -> None:
    english = await send(core, "/ad waterproof hiking jacket", language="zh")
    assert english[0] == Started("ad", "en") and done_of(english).language == "en"
    target = done_of(english).message_id
    # A button answers in the language of its reply, whatever the presser's client says.
    pressed = await send(
        core, "", kind=Kind.ACTION, action=Action.SHORTER, target_message_id=target, language="zh"
    )
    assert pressed[0] == Started("ad", "en") and done_of(pressed).language == "en"
    assert (await send(core, "/help", language="en"))[0] == Started("help", "en")


async def test_button_on_a_forgotten_reply_says_so(core, model) -> None:
    first = done_of(await send(core, "/ad 新款风衣"))
    await send(core, "/forget")
    (error,) = await send(
        core, "", kind=Kind.ACTION, action=Action.SHORTER, target_message_id=first.message_id
    )
    assert isinstance(error, Error) and error.code == "target_gone"


async def test_one_generation_at_a_time_per_conversation(core, model) -> None:
    model.delay = 0.005
    await asyncio.gather(send(core, "第一条"), send(core, "第二条"))
    assert model.peak == 1
    # The second waited, so it saw the first's complete turn.
    assert "第一条" in prompt_texts(model.requests[1])


async def test_200_interleaved_turns_of_20_users_never_mix(core, model) -> None:
    model.delay = 0.0005

    async def user(u: int) -> None:
        for t in range(10):
            done = done_of(await send(core, f"用户{u}的第{t}句", user=f"user{u}"))
            assert f"用户{u}的第{t}句" in done.text

    await asyncio.gather(*(user(u) for u in range(20)))
    assert len(model.requests) == 200
    assert model.peak > 1  # conversations really ran concurrently
    for request in model.requests:
        owner = last_user(request).split("的")[0]
        for message in request.messages[1:]:
            assert message.content.count("用户") == message.content.count(owner), request


async def test_cancelled_generation_leaves_no_half_turn(core, model) -> None:
    await send(core, "第一句")
    model.delay = 0.05
    task = asyncio.create_task(send(core, "被打断的一句"))
    await model.started.wait()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    model.delay = 0.0
    await send(core, "第三句")
    prompt = prompt_texts(model.requests[-1])
    assert "第一句" in prompt and "被打断的一句" not in prompt


async def test_history_survives_a_restart(settings: Settings) -> None:
    async with MuseCore(settings, model=FakeModel()) as core:
        await send(core, "重启前的话题")
    model = FakeModel()
    async with MuseCore(settings, model=model) as core:
        await send(core, "重启后")
    assert "重启前的话题" in prompt_texts(model.requests[-1])


async def test_missing_model_explains_how_to_get_one(settings: Settings) -> None:
    async with MuseCore(settings) as core:
        assert core.model_problem is not None
        (_, error) = await send(core, "/ad 新款风衣")
        assert isinstance(error, Error) and error.code == "model_not_installed"
        assert "muse train" in error.message and "MUSE_MODEL_URL" in error.message
        assert isinstance(done_of(await send(core, "/help")), Done)


async def test_mentions_share_the_thread_and_commands_are_per_user(core, model) -> None:
    mention = {"kind": Kind.MENTION, "thread_id": "T1"}
    await send(core, "帮我们想秋季口号", user="alice", **mention)
    await send(core, "再活泼一点", user="bob", **mention)
    assert "帮我们想秋季口号" in prompt_texts(model.requests[-1])
    await send(core, "/brainstorm 秋季新品", user="alice", kind=Kind.COMMAND)
    await send(core, "/brainstorm 冬季新品", user="bob", kind=Kind.COMMAND)
    assert "秋季新品" not in prompt_texts(model.requests[-1])


async def test_message_content_never_reaches_info_logs(core, model, caplog) -> None:
    caplog.set_level("INFO")
    await send(core, "/ad 秘密新品代号青鸟", event_id="E-log")
    await send(core, "/ad 秘密新品代号青鸟", event_id="E-log")
    model.fail = ModelUnavailable("down")
    await send(core, "青鸟的第二版")
    assert caplog.records
    for record in caplog.records:
        assert "青鸟" not in record.getMessage() and "青鸟" not in str(vars(record))


async def test_empty_message_gets_help_not_a_model_call(core, model) -> None:
    done = done_of(await send(core, "   "))
    assert done.skill == "help" and "/ad" in done.text
    assert model.requests == []


async def test_votes_are_stored_once_per_person_and_forgotten(core, model, settings) -> None:
    from sqlalchemy import select

    from muse.core.history.db import Database
    from muse.core.history.models import Feedback

    first = done_of(await send(core, "/ad 新款风衣"))
    vote = {"kind": Kind.ACTION, "target_message_id": first.message_id}
    like = done_of(await send(core, "", action=Action.LIKE, **vote))
    assert like.skill == "feedback" and "谢谢" in like.text
    done_of(await send(core, "", action=Action.DISLIKE, **vote))
    done_of(await send(core, "", user="u2", action=Action.LIKE, **vote))
    assert len(model.requests) == 1  # votes never call the model

    async def votes() -> list[tuple[str, int]]:
        async with Database(settings.database_url) as db, db.sessionmaker() as session:
            rows = await session.execute(select(Feedback.user_id, Feedback.value))
            return sorted((r.user_id, r.value) for r in rows)

    assert await votes() == [("u1", -1), ("u2", 1)]
    await send(core, "/forget", user="u2")
    assert await votes() == [("u1", -1)]
    await send(core, "/forget")
    (error,) = await send(core, "", action=Action.LIKE, **vote)
    assert isinstance(error, Error) and error.code == "target_gone"


async def test_engine_specific_failures_get_the_sentence_of_their_kind(core, model) -> None:
    from muse.core.llm.engine.errors import PromptTooLong, QueueFull

    model.fail = QueueFull("every slot is busy")
    (_, busy) = await send(core, "第一句")
    assert isinstance(busy, Error) and busy.code == "queue_full" and "稍后再试" in busy.message
    model.fail = PromptTooLong(5000, 1024)
    (_, long) = await send(core, "第二句")
    assert isinstance(long, Error) and "/reset" in long.message


async def test_undecodable_bytes_never_reach_the_final_copy(core, model) -> None:
    model.reply = lambda request, index: "轻薄\ufffd风衣\n通勤\ufffd出游都合适。"
    done = done_of(await send(core, "/ad 风衣"))
    assert "\ufffd" not in done.text
    assert all(v.text == "轻薄风衣\n通勤出游都合适。" for v in done.variants)
