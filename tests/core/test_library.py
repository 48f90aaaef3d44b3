"""The library of kept copy through the assistant: 👍 keeps, 👎 drops, /saved lists, searches
and removes, per channel; /forget deletes what a person kept."""

from __future__ import annotations

from muse.core.llm.client import ChatRequest
from muse.core.messages import Action, Done, Incoming, Kind
from muse.core.service import MuseCore
from tests.conversation import incoming
from tests.fake_model import FakeModel


async def done(core: MuseCore, text: str = "", user: str = "u1", **extra: object) -> Done:
    events = [e async for e in core.assistant.handle(incoming(text, user, **extra))]
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


async def vote(
    core: MuseCore, action: Action, reply: Done, user: str = "u1", **extra: object
) -> Done:
    return await done(
        core, "", user, kind=Kind.ACTION, action=action, target_message_id=reply.message_id, **extra
    )


def write(request: ChatRequest, index: int) -> str:
    brief = "火锅底料" if "火锅" in request.messages[-1].content else "桂花乌龙"
    return f"川味坊{brief}{index}\n第{index}种吃法，牛油麻辣。"


async def test_a_like_keeps_the_shown_drafts_and_saved_lists_searches_and_removes(
    settings,
) -> None:
    async with MuseCore(settings, model=FakeModel(write)) as core:
        hotpot = await done(core, "/ad 「川味坊」火锅底料，牛油麻辣")
        thanks = await vote(core, Action.LIKE, hotpot)
        assert "/saved" in thanks.text
        await vote(core, Action.LIKE, hotpot)  # a second 👍 keeps nothing twice
        tea = await done(core, "/ad 桂花乌龙茶，冷泡")
        await vote(core, Action.LIKE, tea, user="u2")
        listed = (await done(core, "/saved")).text
        assert listed.startswith("这里的收藏，最新 6 条")
        assert listed.count("简介：「川味坊」火锅底料，牛油麻辣") == 3
        assert listed.index("桂花乌龙") < listed.index("火锅底料0")  # newest first
        assert "方案" not in listed  # the drafts as written, not the reply's headers
        found = (await done(core, "/saved 乌龙")).text
        assert "3 条" in found and "火锅底料0" not in found
        assert "没有含“咖啡”" in (await done(core, "/saved 咖啡")).text
        first = int(found.split("#")[1].split(" ")[0])
        assert f"已从收藏里删除 #{first}" in (await done(core, f"/saved 删除 {first}")).text
        assert f"no #{first} in" in (await done(core, f"/saved remove {first}")).text
        # Another channel has a library of its own.
        elsewhere = Incoming("test", "w1", "c2", "u1", "/saved", Kind.COMMAND)
        (*_, other) = [e async for e in core.assistant.handle(elsewhere)]
        assert isinstance(other, Done) and "还没有收藏" in other.text
        # A 👎 from the person who kept it drops it; others' kept copy stays.
        await vote(core, Action.DISLIKE, hotpot)
        assert "最新 2 条" in (await done(core, "/saved")).text
        await done(core, "/forget", user="u2")
        assert "还没有收藏" in (await done(core, "/saved")).text


async def test_saved_speaks_english_and_has_an_alias(core) -> None:
    assert (await done(core, "/library", language="en")).text.startswith("Nothing kept here yet")
    assert "/saved" in (await done(core, "/help", language="en")).text


async def test_a_like_on_one_variant_keeps_that_variant_alone(settings) -> None:
    async with MuseCore(settings, model=FakeModel(write)) as core:
        hotpot = await done(core, "/ad 「川味坊」火锅底料，牛油麻辣")
        second = hotpot.variants[1].text.strip()
        thanks = await vote(core, Action.LIKE, hotpot, variant=2)
        assert thanks.text == "谢谢！第 2 版已收进这里的收藏（/saved 查看）。"
        await vote(core, Action.LIKE, hotpot, variant=2)  # the same draft is kept once
        listed = (await done(core, "/saved")).text
        assert listed.startswith("这里的收藏，最新 1 条")
        assert second in listed and hotpot.variants[0].text.strip() not in listed
        # A 👍 on the whole reply afterwards adds the other drafts, not the kept one again.
        await vote(core, Action.LIKE, hotpot)
        assert "最新 3 条" in (await done(core, "/saved")).text
