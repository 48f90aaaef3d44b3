"""Groups end to end: every command form, other bots' commands, mentions and reply chains."""

from __future__ import annotations

from typing import Any

from muse.bots.telegram.adapter import TelegramAdapter
from muse.core.config import Settings
from muse.core.service import MuseCore
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.bots.telegram.updates import BOB, GROUP, XIAOHONG, finished, say
from tests.fake_model import FakeModel, last_user


def replies_to(message: dict[str, Any]) -> int:
    return message["reply_to_message"]["message_id"]


async def test_every_command_form_for_muse_is_answered_and_others_are_not(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    addressed = await say(api, GROUP, XIAOHONG, "/ad@MuseTestBot 新款服装")
    bare = await say(api, GROUP, BOB, "/brainstorm 新款服装")
    await say(api, GROUP, BOB, "/ad@OtherBot 新款服装")
    await say(api, GROUP, BOB, "/weather 北京")
    await say(api, GROUP, XIAOHONG, "今天下午开会吗？")
    await say(api, GROUP, BOB, "@SomeoneElse 你来写")
    await api.wait_for(lambda: finished(api, GROUP, 2))
    await bot.stop()  # waits for every update in flight: nothing else can still arrive

    answers = api.bot_messages(GROUP)
    assert len(answers) == 2 and len(model.requests) == 2
    by_request = {replies_to(m): m["text"] for m in answers}
    assert by_request.keys() == {
        addressed["message"]["message_id"],
        bare["message"]["message_id"],
    }
    assert by_request[addressed["message"]["message_id"]].startswith("方案 1")


async def test_a_reply_chain_to_muse_is_one_conversation(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    await say(api, GROUP, XIAOHONG, "@MuseTestBot 给山野咖啡想几条广告语")
    await api.wait_for(lambda: finished(api, GROUP, 1))
    muse_first = api.bot_messages(GROUP)[-1]
    bob = await say(api, GROUP, BOB, "再活泼一点", reply_to=muse_first)
    await api.wait_for(lambda: finished(api, GROUP, 2))
    # A reply to a person in the chain that mentions Muse stays in the chain too.
    await say(api, GROUP, XIAOHONG, "@MuseTestBot 再来三条", reply_to=bob["message"])
    await api.wait_for(lambda: finished(api, GROUP, 3))
    await say(api, GROUP, XIAOHONG, "@MuseTestBot 换个话题：中秋会员活动")
    await api.wait_for(lambda: finished(api, GROUP, 4))

    first, second, third, fresh = (
        [(m.role, m.content) for m in request.messages] for request in model.requests
    )
    assert first[-1] == ("user", "给山野咖啡想几条广告语")
    assert second[1:] == [*first[1:], ("assistant", muse_first["text"]), ("user", "再活泼一点")]
    assert third[-1] == ("user", "再来三条") and ("user", "再活泼一点") in third
    assert [role for role, _ in fresh] == ["system", "user"]  # a new mention starts a new chain
    assert last_user(model.requests[-1]) == "换个话题：中秋会员活动"
    # Muse answers in the chain: each reply quotes the message it answers.
    answers = api.bot_messages(GROUP)
    assert replies_to(answers[1]) == bob["message"]["message_id"]


async def test_a_reply_chain_survives_a_restart(
    api: FakeBotApi, bot: TelegramAdapter, core: MuseCore, settings: Settings, model: FakeModel
) -> None:
    await say(api, GROUP, XIAOHONG, "@MuseTestBot 给山野咖啡想几条广告语")
    await api.wait_for(lambda: finished(api, GROUP, 1))
    bob = await say(api, GROUP, BOB, "再活泼一点", reply_to=api.bot_messages(GROUP)[-1])
    await api.wait_for(lambda: finished(api, GROUP, 2))
    await bot.stop()
    await core.stop()
    async with MuseCore(settings, model=model) as restarted:
        adapter = TelegramAdapter(settings, restarted)
        await adapter.start()
        try:
            # Bob's message is a person's, and this process never saw it: only the stored
            # chain can say it belongs to the conversation about 山野咖啡.
            await say(api, GROUP, XIAOHONG, "@MuseTestBot 再来三条", reply_to=bob["message"])
            await api.wait_for(lambda: finished(api, GROUP, 3))
        finally:
            await adapter.stop()
    asked = [(m.role, m.content) for m in model.requests[-1].messages]
    assert ("user", "给山野咖啡想几条广告语") in asked and ("user", "再活泼一点") in asked


async def test_only_group_admins_change_the_groups_voice(
    api: FakeBotApi, bot: TelegramAdapter, model: FakeModel
) -> None:
    api.admins[GROUP] = {XIAOHONG["id"]}  # 小红 created the group; Bob is a member
    await say(api, GROUP, BOB, "/voice@MuseTestBot Playful, for students")
    await api.wait_for(lambda: len(api.bot_messages(GROUP)) == 1)  # a sentence, no buttons
    await say(api, GROUP, XIAOHONG, "/voice 「山野」咖啡，语气松弛，面向露营的年轻人")
    await api.wait_for(lambda: len(api.bot_messages(GROUP)) == 2)
    await say(api, GROUP, BOB, "/ad 山野咖啡 冷萃新品")
    await api.wait_for(lambda: finished(api, GROUP, 1))
    refused, accepted, ad = (m["text"] for m in api.bot_messages(GROUP))
    assert "Only an admin" in refused and "已更新本频道" in accepted
    assert {int(c.params["user_id"]) for c in api.calls_to("getChatMember")} == {
        BOB["id"],
        XIAOHONG["id"],
    }
    (request,) = model.requests
    assert request.messages[0].content.endswith("语气松弛，面向露营的年轻人")
    assert ad.startswith("方案 1")


async def test_a_group_outside_the_list_hears_why_once_and_muse_leaves(
    api: FakeBotApi, settings: Settings, model: FakeModel
) -> None:
    allowed = settings.model_copy(update={"telegram_chats": "-1009999"})
    async with MuseCore(allowed, model=model) as core:
        adapter = TelegramAdapter(allowed, core)
        await adapter.start()
        await say(api, GROUP, XIAOHONG, "/ad@MuseTestBot 新款服装")
        await api.wait_for(lambda: api.left)
        await adapter.stop()
    (sentence,) = api.bot_messages(GROUP)
    assert "还没有开通缪斯" in sentence["text"]
    assert api.left == [GROUP] and model.requests == []
