"""Skills: prompts in both languages, splitting messy model output, rendering with lint flags."""

from __future__ import annotations

import pytest

from muse.core.adlaw import warning
from muse.core.counting import chinese_length
from muse.core.messages import Action, Lang, Variant
from muse.core.skills.base import Skill
from muse.core.skills.registry import SKILL_NAMES, get_skill
from muse.core.skills.tagline import fits
from muse.core.skills.text import clean_line, content_lines, join_sentences, list_items


@pytest.mark.parametrize("name", SKILL_NAMES)
def test_every_skill_is_registered_under_its_name(name: str) -> None:
    skill = get_skill(name)
    assert isinstance(skill, Skill) and skill.name == name


def test_unknown_skill() -> None:
    with pytest.raises(KeyError):
        get_skill("poem")


def test_counts_and_lint() -> None:
    assert (get_skill("ad").n, get_skill("ad").lint) == (3, True)
    assert (get_skill("tagline").n, get_skill("tagline").lint) == (1, True)
    assert all(
        get_skill(n).n == 1 and not get_skill(n).lint for n in ("brainstorm", "script", "chat")
    )


@pytest.mark.parametrize("name", SKILL_NAMES)
def test_system_prompts_answer_in_the_users_language(name: str) -> None:
    skill = get_skill(name)
    assert "用中文回答" in skill.system_prompt("zh")
    assert "Answer in English" in skill.system_prompt("en")


def test_user_prompts() -> None:
    ad, tagline = get_skill("ad"), get_skill("tagline")
    assert ad.user_prompt(" 新款风衣 ", "zh") == "产品简介：新款风衣\n请写一条广告文案。"
    assert ad.user_prompt("Trench coat", "en") == "Brief: Trench coat\nWrite one ad."
    assert tagline.user_prompt("咖啡馆", "zh") == "产品简介：咖啡馆\n请写 5 条广告语。"
    assert tagline.user_prompt("Café", "en") == "Brief: Café\nWrite 5 taglines."
    assert get_skill("brainstorm").user_prompt("中秋", "zh") == "主题：中秋\n请给出 8 个创意点子。"
    assert get_skill("script").user_prompt("Thermos", "en").startswith("Premise: Thermos\n")
    assert get_skill("chat").user_prompt("  {hi} 你好 ", "zh") == "{hi} 你好"


@pytest.mark.parametrize("name", SKILL_NAMES)
def test_follow_ups_are_shared(name: str) -> None:
    skill = get_skill(name)
    assert skill.follow_up(Action.REGENERATE, "zh") == "请换一个角度，重新写一版。"
    assert skill.follow_up(Action.SHORTER, "zh") == "更短一点。"
    assert skill.follow_up(Action.LONGER, "zh") == "写得更长、更具体一点。"
    assert skill.follow_up(Action.TONE, "zh") == "换一种语气，更活泼一些。"
    assert skill.follow_up(Action.SHORTER, "en") == "Make it shorter."


@pytest.mark.parametrize("name", SKILL_NAMES)
def test_params(name: str) -> None:
    params = get_skill(name).params("zh")
    assert 0.5 <= params.temperature <= 1.0 and params.top_p == 0.95
    assert "<|im_end|>" in params.stop and params.max_tokens >= 128
    assert get_skill(name).params("en") == params


def test_ad_headers() -> None:
    ad = get_skill("ad")
    assert ad.variant_header(0, "zh") == "方案 1\n"
    assert ad.variant_header(2, "en") == "Option 3\n"
    assert get_skill("tagline").variant_header(0, "zh") == ""


@pytest.mark.parametrize(
    ("completion", "variant"),
    [
        (
            "好的，以下是一条广告文案：\n\n**标题：秋风起，轻装行**\n"
            "正文：轻薄防风，通勤周末都合适。一件就够。现在下单享八折。第四句不要。\n\n希望你喜欢！",
            "秋风起，轻装行\n轻薄防风，通勤周末都合适。一件就够。现在下单享八折。",
        ),
        (
            "1. 秋风起，轻装行。轻薄防风，通勤周末都合适。一件就够！",
            "秋风起，轻装行。\n轻薄防风，通勤周末都合适。一件就够！",
        ),
        ("方案1\n「秋天的风衣」\n轻薄\n防风", "秋天的风衣\n轻薄 防风"),
        (
            "Headline: Light as Autumn\nBody: Windproof and feather-light. Made for commutes.\n"
            "Enjoy the season.\nLet me know if you want changes!",
            "Light as Autumn\nWindproof and feather-light. Made for commutes. Enjoy the season.",
        ),
        ("Sure! Here is your ad:\n- Autumn, lighter\n", "Autumn, lighter"),
    ],
)
def test_ad_split_cleans_one_variant(completion: str, variant: str) -> None:
    assert get_skill("ad").split(completion, "zh") == [variant]


def test_ad_split_of_nothing() -> None:
    assert get_skill("ad").split("  \n好的！\n", "zh") == []


def flagged(text: str, term: str, lang: Lang) -> Variant:
    """A variant as the core marks it when `term` survived the redraw."""
    return Variant(text, (term,), warning([term], lang))


def test_ad_render_marks_flags() -> None:
    text = get_skill("ad").render(
        [flagged("秋天最好的风衣\n轻薄防风。", "最好", "zh"), Variant("轻装行\n通勤周末都合适。")],
        "zh",
    )
    assert text == (
        "方案 1\n秋天最好的风衣\n轻薄防风。\n⚠️ 含广告法风险用语：最好（发布前请修改）\n\n"
        "方案 2\n轻装行\n通勤周末都合适。"
    )
    english = get_skill("ad").render([flagged("The best coat\nWarm.", "best", "en")], "en")
    assert english.endswith("⚠️ Possible ad-law issue: best (edit before publishing)")
    assert english.startswith("Option 1\n")


def test_tagline_length_counting() -> None:
    assert chinese_length("秋风起，轻装行") == 6
    assert chinese_length("Nike 秋季") == 4
    assert fits("一二三四五六七八九十一二三四五六", "zh")
    assert not fits("一二三四五六七八九十一二三四五六七", "zh")
    assert fits("Light as autumn, warm as home, every day", "zh")  # 8 English words
    assert not fits("Light as autumn, warm as home, every single day", "en")


def test_tagline_split_messy_output() -> None:
    completion = (
        "好的！以下是5条广告语：\n1. “秋风起，轻装行”\n2. 轻薄一身，防风一季\n"
        "3. 轻薄一身，防风一季。\n4. 这是一条非常非常长的广告语绝对超过了十六个字的限制啊\n"
        "5. 风衣在手，秋天我有\n6. 通勤周末，一件就够\n7. 轻装上阵\n希望对你有帮助！"
    )
    assert get_skill("tagline").split(completion, "zh") == [
        "秋风起，轻装行",
        "轻薄一身，防风一季",
        "风衣在手，秋天我有",
        "通勤周末，一件就够",
        "轻装上阵",
    ]


def test_tagline_keeps_over_limit_lines_when_too_few_fit() -> None:
    completion = (
        "Light as autumn\n"
        "Windproof, featherweight, and ready for every single commute you take\n"
        "Your autumn, covered"
    )
    assert get_skill("tagline").split(completion, "en") == completion.splitlines()


def test_tagline_keeps_at_most_five() -> None:
    completion = "\n".join(f"- 第{i}号广告语" for i in "一二三四五六七")
    assert len(get_skill("tagline").split(completion, "zh")) == 5


def test_tagline_sets_short_of_five_combine_with_a_redraw() -> None:
    tagline = get_skill("tagline")
    short, redraw = (
        "松间沐浴露\n日子慢一点\n刚刚好",
        "日子慢一点\n1. 一路同行\n" + "长" * 20 + "\n自在生活",
    )
    assert (
        tagline.combine([short, redraw], "zh")
        == "松间沐浴露\n日子慢一点\n刚刚好\n一路同行\n自在生活"
    )
    assert tagline.combine([short, "日子慢一点\n刚刚好"], "zh") is None  # still four distinct
    assert get_skill("ad").combine(["标题\n正文。", "标题二\n正文二。"], "zh") is None


def test_tagline_render_one_per_line() -> None:
    text = get_skill("tagline").render(
        [Variant("轻装行"), flagged("最好的秋天", "最好", "zh")], "zh"
    )
    assert text == "轻装行\n最好的秋天\n⚠️ 含广告法风险用语：最好（发布前请修改）"


def test_brainstorm_split_and_render() -> None:
    completion = "\n".join(
        [
            "当然可以！以下是8个创意：",
            "",
            "1. **快闪咖啡车**：写字楼下早八点送咖啡",
            "2、会员积分兑换月饼",
            "3) 中秋灯谜打卡",
            "（4）线上赏月直播",
            "5．家庭团圆套餐",
            "6. 老带新送月饼",
            "7. 社群晒月亮",
            "8. 限定杯套",
            "9. 多出来的点子",
            "",
            "如果需要更多点子，请告诉我。",
        ]
    )
    skill = get_skill("brainstorm")
    ideas = skill.split(completion, "zh")
    assert len(ideas) == 8
    assert ideas[0] == "快闪咖啡车：写字楼下早八点送咖啡"
    assert ideas[3] == "线上赏月直播" and ideas[-1] == "限定杯套"
    rendered = skill.render([Variant(i) for i in ideas], "zh").splitlines()
    assert rendered[0] == "1. 快闪咖啡车：写字楼下早八点送咖啡"
    assert rendered[7] == "8. 限定杯套"


def test_brainstorm_english_bullets() -> None:
    completion = "Here are some ideas:\n* Pop-up café\n* Loyalty stamps\n* Moon-viewing livestream"
    assert get_skill("brainstorm").split(completion, "en") == [
        "Pop-up café",
        "Loyalty stamps",
        "Moon-viewing livestream",
    ]


def test_script_split_by_headings() -> None:
    completion = (
        "以下是脚本：\n《上班族的一天》\n\n**场景1：清晨地铁**\n- 画面：上班族挤地铁\n"
        "- 台词：又是忙碌的一天。\n- 时长：5秒\n\n## 场景 3\n画面：办公室\n台词：还好有它。\n"
        "时长：8秒\n\n希望这个脚本对你有帮助！"
    )
    skill = get_skill("script")
    scenes = skill.split(completion, "zh")
    assert scenes == [
        "场景 1：清晨地铁\n画面：上班族挤地铁\n台词：又是忙碌的一天。\n时长：5秒",
        "场景 2\n画面：办公室\n台词：还好有它。\n时长：8秒",
    ]
    assert skill.render([Variant(s) for s in scenes], "zh") == "\n\n".join(scenes)


def test_script_split_by_blank_lines() -> None:
    completion = (
        "Here's your script:\n\nVisual: a café\nLine: Morning!\nDuration: 3s\n\n\n"
        "Visual: an office\nLine: Busy day.\nDuration: 5s\n"
    )
    assert get_skill("script").split(completion, "en") == [
        "Scene 1\nVisual: a café\nLine: Morning!\nDuration: 3s",
        "Scene 2\nVisual: an office\nLine: Busy day.\nDuration: 5s",
    ]


def test_script_english_headings() -> None:
    completion = (
        "Scene 1 - Morning\nVisual: sunrise\n\nScene two is not a heading\nSCENE 2\nLine: Go"
    )
    assert get_skill("script").split(completion, "en") == [
        "Scene 1: Morning\nVisual: sunrise\nScene two is not a heading",
        "Scene 2\nLine: Go",
    ]


def test_chat_is_the_whole_reply() -> None:
    chat = get_skill("chat")
    assert chat.split("  可以试试这三个方向：\n1. 情绪\n2. 场景\n", "zh") == [
        "可以试试这三个方向：\n1. 情绪\n2. 场景"
    ]
    assert chat.split("   ", "zh") == []
    assert chat.render([Variant("你好")], "zh") == "你好"


def test_text_helpers() -> None:
    assert clean_line("  ## **1. 秋风起**  ") == "秋风起"
    assert clean_line("3.5元起") == "3.5元起"
    assert clean_line("① 轻薄") == "轻薄"
    assert content_lines("以下是文案：\n标题：秋天\n\n备注：仅供参考") == ["秋天"]
    assert list_items("intro\n1. a\nmiddle\n2. b") == ["a", "b"]
    assert list_items("a\nb") == ["a", "b"]
    assert join_sentences(["秋风起", "轻装行。", "Go now."]) == "秋风起 轻装行。Go now."


def test_argument_of_reads_back_what_user_prompt_wrote() -> None:
    for name in ("ad", "tagline", "brainstorm", "script", "chat"):
        skill = get_skill(name)
        for lang in ("zh", "en"):
            turn = skill.user_prompt("  「松间」沐浴露，木质香调 ", lang)
            assert skill.argument_of(turn) == "「松间」沐浴露，木质香调"
    assert get_skill("ad").argument_of("更短一点。") is None
