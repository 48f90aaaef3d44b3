"""Formats and the long-form skills through the core: prompt, redraw, marks and buttons."""

from __future__ import annotations

import pytest

from muse.core.config import Settings
from muse.core.generation import REDRAWS
from muse.core.llm.client import ChatRequest
from muse.core.messages import Action, Done, Kind
from tests.conversation import send
from tests.core.skills.samples import PRESS
from tests.fake_model import FakeModel

XHS = "通勤包里的防晒\n☀️ 「轻岚」防晒霜抹开像一层水。\n#防晒霜 #通勤 #油皮"
XHS_LONG_TITLE = XHS.replace("通勤包里的防晒", "通勤包里的防晒，油皮挤地铁一整天也不闷不黏")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Best-of-n off (three drafts for three ads, one tagline set): the redraw alone."""
    return settings.model_copy(update={"candidates": 3})


def done_of(events: list) -> Done:
    assert isinstance(events[-1], Done), events[-1]
    return events[-1]


async def test_a_format_changes_the_prompt_and_the_reply_names_it(core, model) -> None:
    model.reply = lambda request, index: XHS
    done = done_of(await send(core, "/ad 小红书 「轻岚」防晒霜，油皮通勤"))
    request = model.requests[0]
    assert "小红书" in request.messages[0].content and "emoji" in request.messages[0].content
    assert request.messages[-1].content.startswith("平台：小红书\n产品简介：「轻岚」防晒霜")
    assert done.text.startswith("方案 1 · 小红书\n通勤包里的防晒")
    assert [v.text for v in done.variants] == [XHS] * 3
    assert all(v.limits == () for v in done.variants)


async def test_a_variant_over_a_limit_is_redrawn_then_marked_never_cut(core, model) -> None:
    def reply(request: ChatRequest, index: int) -> str:
        return XHS_LONG_TITLE if index == 0 else XHS.replace("通勤", f"通勤{index}")

    model.reply = reply
    done = done_of(await send(core, "/ad xhs 「轻岚」防晒霜"))
    # The first variant breaks the 20-character title; every redraw breaks it again.
    assert [r.n for r in model.requests] == [3] + [1] * REDRAWS
    first = done.variants[0]
    assert first.text == XHS_LONG_TITLE  # kept whole, not cut to 20
    assert first.limits == ("⚠️ 超出小红书的限制：标题 21 字（上限 20，发布前请修改）",)
    assert first.limits[0] in done.text
    assert done.variants[1].limits == ()


async def test_a_redraw_that_keeps_the_limit_replaces_the_variant(core, model) -> None:
    drafts = iter([XHS_LONG_TITLE, XHS, XHS.replace("通勤", "上班"), XHS.replace("通勤", "出门")])
    model.reply = lambda request, index: next(drafts)
    done = done_of(await send(core, "/ad 小红书 「轻岚」防晒霜"))
    assert XHS_LONG_TITLE not in done.text and all(v.limits == () for v in done.variants)


async def test_a_button_under_a_formatted_reply_keeps_the_format(core, model) -> None:
    model.reply = lambda request, index: XHS
    done = done_of(await send(core, "/ad 小红书 「轻岚」防晒霜"))
    model.requests.clear()
    await send(core, "", kind=Kind.ACTION, action=Action.SHORTER, target_message_id=done.message_id)
    request = model.requests[0]
    assert "小红书" in request.messages[0].content  # the format's system prompt again
    model.requests.clear()
    again = done_of(
        await send(
            core,
            "",
            kind=Kind.ACTION,
            action=Action.REGENERATE,
            target_message_id=done.message_id,
        )
    )
    assert again.text.startswith("方案 1 · 小红书")


async def test_taglines_keep_the_platform_line_limit(core, model) -> None:
    lines = ["Stride Lab runs soft", "Cushioned miles, every morning run", "Run more", "Go", "Yes"]
    model.reply = lambda request, index: "\n".join(lines)
    done = done_of(await send(core, "/tagline google Stride Lab running shoes"))
    assert done.text.startswith("Format: Google Ads\n")
    over = [v for v in done.variants if v.limits]
    assert [v.text for v in over] == ["Cushioned miles, every morning run"]  # 34 > 30
    assert "Google Ads" in over[0].limits[0] and "limit 30" in over[0].limits[0]


async def test_ad_formats_lists_the_formats_without_the_model(core, model) -> None:
    done = done_of(await send(core, "/ad formats"))
    assert done.skill == "formats" and "小红书" in done.text and "Google" in done.text
    assert model.requests == []
    usage = done_of(await send(core, "/ad 小红书"))
    assert usage.text.startswith("用法：/ad") and model.requests == []


async def test_press_is_redrawn_for_its_structure_alone(core, model: FakeModel) -> None:
    drafts = iter(["新闻一段，没有结构。", PRESS["zh"]])
    model.reply = lambda request, index: next(drafts)
    done = done_of(await send(core, "/news 「青禾」社区食堂开第二家店"))
    assert done.skill == "press" and len(model.requests) == 2
    assert done.text == PRESS["zh"] and len(done.variants) == 5
    assert done.variants[0].text == "「青禾」社区食堂第二家店落户拱墅"
