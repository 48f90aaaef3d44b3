"""/press, /lyrics, /story and /design: split, render and structure in both languages."""

from __future__ import annotations

import pytest

from muse.core.messages import Lang, Variant
from muse.core.skills.registry import get_skill
from tests.core.skills.samples import DESIGN, LYRICS, PRESS, STORY

SAMPLES = {"press": PRESS, "lyrics": LYRICS, "story": STORY, "design": DESIGN}
CASES = [(name, lang) for name in SAMPLES for lang in ("zh", "en")]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_a_well_formed_completion_is_kept_as_written(name: str, lang: Lang) -> None:
    skill = get_skill(name)
    text = SAMPLES[name][lang]
    parts = skill.split(text, lang)
    assert skill.render([Variant(p) for p in parts], lang) == text
    assert skill.structure_problem(text, lang) is None
    assert skill.redraw and not skill.grounded


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_the_prompts_round_trip_the_argument(name: str, lang: Lang) -> None:
    skill = get_skill(name)
    turn = skill.user_prompt(" 一个设定 ", lang)
    assert skill.argument_of(turn) == "一个设定"
    assert "缪斯" in skill.system_prompt("zh") and "Muse" in skill.system_prompt("en")


def test_press_needs_one_quote_a_short_headline_and_the_boilerplate_last() -> None:
    press = get_skill("press")
    text = PRESS["zh"]
    assert "quoted" in press.structure_problem(text.replace("“", "").replace("”", ""), "zh")
    long_headline = text.replace("落户拱墅", "落户拱墅区大关街道并开始为周边三个小区的老人送餐")
    assert "headline" in press.structure_problem(long_headline, "zh")
    lead, *rest = text.split("\n\n")[1:]
    swapped = "\n\n".join([text.split("\n\n")[0], rest[-1], *rest[:-1], lead])
    assert "boilerplate" in press.structure_problem(swapped, "zh")


def test_press_strips_markdown_and_chatter_and_finds_paragraphs_without_blank_lines() -> None:
    press = get_skill("press")
    messy = "好的，以下是新闻稿：\n**标题：青禾开新店**\n导语一段。\n正文一段。"
    assert press.split(messy, "zh") == ["青禾开新店", "导语一段。", "正文一段。"]


def test_lyrics_normalise_labels_renumber_verses_and_need_the_chorus_to_repeat() -> None:
    lyrics = get_skill("lyrics")
    messy = "歌名：《四张床》\n主歌一：\n第一行\n第二行\n(Chorus)\n副一\n副二\n主歌：\n三\n四"
    assert lyrics.split(messy, "zh") == [
        "四张床",
        "【主歌 1】\n第一行\n第二行",
        "【副歌】\n副一\n副二",
        "【主歌 2】\n三\n四",
    ]
    head, _, tail = LYRICS["zh"].rpartition("明天各自去远方")
    changed = head + "后天各自去远方" + tail
    assert "chorus" in lyrics.structure_problem(changed, "zh")
    long_line = LYRICS["zh"].replace(
        "泡面的香气飘过走廊", "泡面的香气飘过走廊一直飘到楼下的小卖部门口"
    )
    assert "lines of at most" in lyrics.structure_problem(long_line, "zh")


def test_a_story_names_characters_who_act_and_keeps_the_beats_in_order() -> None:
    story = get_skill("story")
    missing = STORY["zh"].replace("阿禾：岛上送信的邮差少年。", "老贺：守码头的老人。")
    assert "老贺" in story.structure_problem(missing, "zh")
    parts = STORY["zh"].split("\n\n")
    out_of_order = "\n\n".join([*parts[:2], parts[3], parts[2], *parts[4:]])
    assert "order" in story.structure_problem(out_of_order, "zh")
    messy = (
        "**《雾》**\n梗概：一个人。\n人物：\n- 甲 - 一个人\n- 乙：另一个\n开端：a\n高潮：b\n结局：c"
    )
    assert story.split(messy, "zh") == [
        "雾\n一句话梗概：一个人。",
        "主要人物：\n甲：一个人\n乙：另一个",
        "开端：a",
        "高潮：b",
        "结局：c",
    ]


def test_design_takes_the_five_parts_in_order_with_their_lengths() -> None:
    design = get_skill("design")
    parts = DESIGN["en"].split("\n\n")
    assert "order" in design.structure_problem("\n\n".join(parts[1:] + parts[:1]), "en")
    assert "characters" in design.structure_problem(
        DESIGN["en"].replace(parts[2], "Materials: terrazzo."), "en"
    )
    synonyms = "理念：" + "一" * 70 + "\n风格：" + "二" * 70
    assert design.split(synonyms, "zh") == ["设计理念：" + "一" * 70, "风格与配色：" + "二" * 70]
