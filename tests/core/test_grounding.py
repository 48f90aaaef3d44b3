"""Ad copy and taglines that do not name the brief's product are redrawn (generation.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from muse.core.adlaw import default_linter
from muse.core.config import Settings
from muse.core.generation import REDRAWS, SkillRun
from muse.core.llm.client import ChatMessage, ChatRequest
from muse.core.messages import Action, Done, Kind
from muse.core.skills.registry import get_skill
from tests.conversation import send
from tests.fake_model import FakeModel


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Best-of-n off (three drafts for three ads, one tagline set): the redraw alone."""
    return settings.model_copy(update={"candidates": 3})


def done_of(events: list) -> Done:
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


async def test_an_ad_variant_that_misses_the_product_is_redrawn(core, model) -> None:
    def reply(request: ChatRequest, index: int) -> str:
        if request.n == 3 and index == 1:
            return "忙里偷闲的好时光\n周末拎包就走。"  # about nothing in particular
        return f"这件风衣{len(model.requests)}-{index}\n轻薄防风，通勤出游都合适。"

    model.reply = reply
    done = done_of(await send(core, "/ad 新款风衣，轻薄防风"))
    assert [r.n for r in model.requests] == [3, 1]  # the reply, then one redraw of one variant
    assert len(done.variants) == 3 and all("风衣" in v.text for v in done.variants)
    assert "忙里偷闲" not in done.text


async def test_an_ad_law_term_is_regenerated_once(core, model) -> None:
    calls = {"n": 0}

    def reply(request: ChatRequest, index: int) -> str:
        calls["n"] += 1
        if request.n == 3 and index == 0:
            return "全网最好的风衣\n穿上它，你就是第一名。"
        return f"轻薄风衣{calls['n']}\n通勤出游都合适。"

    model.reply = reply
    done = done_of(await send(core, "/ad 风衣"))
    assert len(model.requests) == 2  # the first request, then one regeneration
    assert all(not v.lint_flags for v in done.variants)
    assert not any("最" in v.text for v in done.variants)


async def test_ads_and_taglines_ask_the_model_to_spell_the_product_out(core, model) -> None:
    asked = []
    for text in (
        "/ad 「松间」沐浴露，木质香调",
        "/tagline 「松间」沐浴露，木质香调",
        "/brainstorm 旅行装",
    ):
        model.requests.clear()
        await send(core, text)
        asked.append(model.requests[0].params)  # redraws, if any, ask the same
        assert all(r.params == asked[-1] for r in model.requests)
    ad, tagline, brainstorm = asked
    assert ad.extra_args["copy_phrases"] == tagline.extra_args["copy_phrases"] == ["松间", "沐浴露"]
    assert ad.extra_args["copy_bias"] > 0 and tagline.extra_args["copy_bias"] > 0
    assert brainstorm.extra_args == {}


async def test_a_variant_still_off_brief_after_the_redraws_is_kept(core, model) -> None:
    model.reply = lambda request, index: f"好好生活{index}\n慢慢来。"
    done = done_of(await send(core, "/ad 新款风衣"))
    assert [r.n for r in model.requests] == [3] + [3] * REDRAWS
    assert [v.text for v in done.variants] == [f"好好生活{i}\n慢慢来。" for i in range(3)]


async def test_taglines_are_redrawn_as_a_set_and_brainstorms_never(core, model) -> None:
    sets = iter(["一\n二\n三\n四\n五", "松间\n二\n三\n四\n五"])
    model.reply = lambda request, index: next(sets)
    done = done_of(await send(core, "/tagline 「松间」沐浴露，木质香调"))
    assert len(model.requests) == 2 and done.variants[0].text == "松间"
    model.requests.clear()
    model.reply = lambda request, index: "\n".join(f"{i}. 点子{i}" for i in range(1, 9))
    await send(core, "/brainstorm 洗护品牌想推旅行装小样")
    assert len(model.requests) == 1


async def test_a_tagline_set_short_of_five_is_filled_from_a_redraw(core, model) -> None:
    sets = iter(["松间沐浴露\n日子慢一点\n刚刚好\n自在生活", "日子慢一点\n一路同行\n简单就好"])
    model.reply = lambda request, index: next(sets)
    done = done_of(await send(core, "/tagline 「松间」沐浴露，木质香调"))
    assert len(model.requests) == 2
    assert [v.text for v in done.variants] == [
        "松间沐浴露",
        "日子慢一点",
        "刚刚好",
        "自在生活",
        "一路同行",
    ]


async def test_a_rework_button_stays_about_the_original_product(core, model) -> None:
    first = done_of(await send(core, "/ad 新款风衣"))
    model.requests.clear()
    model.reply = lambda request, index: (
        f"风衣{index}\n短一点。" if len(model.requests) > 1 else f"短句{index}\n短。"
    )
    shorter = done_of(
        await send(
            core, "", kind=Kind.ACTION, action=Action.SHORTER, target_message_id=first.message_id
        )
    )
    assert [r.n for r in model.requests] == [3, 3]
    assert all("风衣" in v.text for v in shorter.variants)


async def test_a_seeded_redraw_asks_for_another_seed() -> None:
    def reply(request: ChatRequest, index: int) -> str:
        return "好好生活\n慢慢来。" if request.params.seed == 7 else f"风衣{index}\n好。"

    model = FakeModel(reply)
    skill = get_skill("ad")
    messages = (ChatMessage("user", skill.user_prompt("风衣", "zh")),)
    params = replace(skill.params("zh"), seed=7)  # as `muse train eval` asks
    run = SkillRun(model, skill, messages, "zh", default_linter(), "风衣", params)
    async for _ in run.deltas():
        pass
    variants = await run.variants()
    assert [r.params.seed for r in model.requests] == [7, 1007]
    assert run.redrawn == 3 and [v.text for v in variants] == [f"风衣{i}\n好。" for i in range(3)]
    assert run.drafts == ["好好生活\n慢慢来。"] * 3 and run.completions[0] == "风衣0\n好。"


async def test_an_ad_variant_that_breaks_the_shape_is_redrawn(core, model) -> None:
    def reply(request: ChatRequest, index: int) -> str:
        if request.n == 3 and index == 2:
            return "风衣\n轻薄防风。\n通勤出游都合适。"  # a third line the ad skill never asks for
        return f"这件风衣{len(model.requests)}-{index}\n轻薄防风，通勤出游都合适。"

    model.reply = reply
    done = done_of(await send(core, "/ad 新款风衣，轻薄防风"))
    assert [r.n for r in model.requests] == [3, 1]
    assert [v.text.count("\n") for v in done.variants] == [1, 1, 1]


async def test_a_tagline_set_short_of_five_lines_is_redrawn(core, model) -> None:
    sets = iter(["松间\n木香\n慢下来\n好眠", "松间\n木香\n慢下来\n好眠\n林间清晨"])
    model.reply = lambda request, index: next(sets)
    done = done_of(await send(core, "/tagline 「松间」沐浴露，木质香调"))
    assert len(model.requests) == 2 and len(done.variants) == 5


async def test_a_redraw_replaces_only_what_it_improves(core, model) -> None:
    def reply(request: ChatRequest, index: int) -> str:
        if request.n == 3:  # named but one line; in shape but off-brief; fine
            return ["风衣就是风衣", "好好生活\n慢慢来。", "风衣\n轻薄防风。"][index]
        # The redraw of the two: one in shape but still off-brief, one that fixes everything.
        return ["周末愉快\n出去走走。", "这件风衣\n通勤正好。"][index]

    model.reply = reply
    done = done_of(await send(core, "/ad 新款风衣"))
    assert [r.n for r in model.requests] == [3, 2, 1]  # the second round redraws one
    # Naming the product outranks the shape: the one-liner stays where it streamed, the draw
    # that fixes everything takes the off-brief one's place, and "周末愉快" is no better.
    assert [v.text for v in done.variants] == [
        "风衣就是风衣",
        "这件风衣\n通勤正好。",
        "风衣\n轻薄防风。",
    ]
