"""/voice through the assistant: who may change it, where it holds, what the model is sent, and
how its must and ban words are enforced on a scripted model."""

from __future__ import annotations

from muse.core.config import Settings
from muse.core.llm.client import ChatRequest
from muse.core.messages import Done, Incoming, Kind
from muse.core.service import MuseCore
from muse.core.voice import Level
from tests.conversation import incoming
from tests.fake_model import FakeModel


class Owners:
    """A platform that says `owner` administers every channel (the `Authority` seam)."""

    def __init__(self) -> None:
        self.asked: list[Level] = []

    async def may_change(self, msg: Incoming, level: Level) -> bool:
        self.asked.append(level)
        return msg.user_id == "owner" and level is Level.CHANNEL


async def reply(core: MuseCore, text: str, user: str = "u1", **extra: object) -> Done:
    authority = extra.pop("authority", None)
    events = [e async for e in core.assistant.handle(incoming(text, user, **extra), authority)]
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


def system(request: ChatRequest) -> str:
    return request.messages[0].content


async def test_a_private_voice_is_the_persons_and_reaches_every_prompt(core, model) -> None:
    done = await reply(core, "/voice 「青禾」社区食堂，语气亲切朴实")
    assert "你的私聊" in done.text and model.requests == []
    await reply(core, "/brainstorm 重阳节活动")
    assert system(model.requests[-1]).endswith(
        "品牌调性（团队设定，写作时遵守）：「青禾」社区食堂，语气亲切朴实"
    )
    shown = await reply(core, "/voice")
    assert "来自你的私聊" in shown.text and "青禾" in shown.text
    # Another person's private chat has none.
    await reply(core, "/brainstorm 重阳节活动", user="u2")
    assert "品牌调性" not in system(model.requests[-1])


async def test_in_a_channel_only_admins_may_change_it(settings: Settings, model) -> None:
    owners = Owners()
    settings = settings.model_copy(update={"admins": "test:boss, slack:someone"})
    async with MuseCore(settings, model=model) as core:
        refused = await reply(core, "/voice 严肃", kind=Kind.COMMAND, authority=owners)
        assert "只有管理员" in refused.text
        assert "还没有设定" in (await reply(core, "/voice", kind=Kind.COMMAND)).text
        no_platform = await reply(core, "/voice 严肃", kind=Kind.COMMAND)  # no Authority given
        assert "只有管理员" in no_platform.text
        by_owner = await reply(core, "/voice 严肃", "owner", kind=Kind.COMMAND, authority=owners)
        assert "已更新本频道" in by_owner.text
        # The owner administers channels, not the workspace; MUSE_ADMINS may change both.
        workspace = "/voice workspace 活泼"
        assert "只有管理员" in (await reply(core, workspace, "owner", authority=owners)).text
        assert "已更新整个工作区" in (await reply(core, workspace, "boss")).text
        # The channel's voice wins over the workspace's; a private chat falls back to it.
        assert "来自本频道" in (await reply(core, "/voice", kind=Kind.COMMAND)).text
        assert "来自整个工作区" in (await reply(core, "/voice", "u9")).text
        cleared = await reply(core, "/voice clear", "boss", kind=Kind.COMMAND)
        assert cleared.text == "The brand voice for this channel is removed."  # said in English
        assert "来自整个工作区" in (await reply(core, "/voice", kind=Kind.COMMAND)).text
    assert owners.asked == [Level.CHANNEL, Level.CHANNEL, Level.WORKSPACE]


async def test_ban_words_are_passed_over_and_marked_when_every_draft_has_them(core) -> None:
    async def ad(model_reply) -> Done:
        core.assistant._model.reply = model_reply  # type: ignore[attr-defined]
        return await reply(core, "/ad 「青禾」社区食堂，午餐十五元")

    await reply(core, "/voice ban 亲们, 家人们")
    some = await ad(
        lambda r, i: (
            f"青禾社区食堂{i}\n亲们，午餐十五元。"
            if i < 4
            else f"青禾社区食堂{i}\n午餐十五元，两荤一素。"
        )
    )
    assert all("亲们" not in v.text and not v.warning for v in some.variants)
    every = await ad(lambda r, i: f"青禾社区食堂{i}\n家人们，午餐十五元{i}份。")
    assert all("⚠️ 含团队禁用词：家人们" in v.warning for v in every.variants)
    assert all(v.lint_flags == ("家人们",) for v in every.variants)


async def test_a_draft_without_a_must_word_is_redrawn(settings: Settings) -> None:
    def write(request: ChatRequest, index: int) -> str:
        if len(model.requests) == 1:  # the first request: on the brief, no must word
            return f"午餐十五元{index}\n社区食堂，两荤一素，{index}号窗口。"
        return f"青禾食堂的午餐{index}\n社区食堂，十五元吃饱，{index}号窗口。"

    model = FakeModel(write)
    async with MuseCore(settings, model=model) as core:
        await reply(core, "/voice must 青禾")
        done = await reply(core, "/ad 社区食堂，午餐十五元")
    assert len(model.requests) == 2 and model.requests[1].n == 3
    assert all("青禾" in v.text for v in done.variants)
    assert "青禾" in model.requests[0].params.extra_args.get("copy_phrases", ["青禾"])


async def test_forget_removes_the_persons_voice(core) -> None:
    await reply(core, "/voice must 青禾")
    await reply(core, "/forget")
    assert "还没有设定" in (await reply(core, "/voice")).text


async def test_bad_input_gets_a_sentence(core) -> None:
    assert "500" in (await reply(core, "/voice " + "长" * 600)).text
    assert "voice" in (await reply(core, "/help", language="en")).text
