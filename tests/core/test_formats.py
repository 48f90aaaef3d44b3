"""Platform formats: picking one from the brief, each format's shape and its hard limits."""

from __future__ import annotations

import pytest

from muse.core.counting import x_weighted_length
from muse.core.formats import (
    FORMATS,
    broken_limits,
    format_list,
    get_format,
    normalize,
    pick,
    shape_problem,
)
from muse.core.messages import Lang

# One variant per format that keeps its shape and limits.
GOOD: dict[str, tuple[Lang, str]] = {
    "xiaohongshu": (
        "zh",
        "油皮通勤党，这支防晒我回购三次了\n☀️ 早上八点挤地铁，「轻岚」抹开像一层水。\n"
        "🧴 出门前十五分钟涂一元硬币大小就够。\n#防晒霜 #油皮防晒 #通勤好物",
    ),
    "weibo": ("zh", "秋天的第一口桂花香 #桂花乌龙# 冷泡四小时，「拾秋」一瓶带去上班。"),
    "douyin": (
        "zh",
        "你的火锅底料还在放味精？\n「蜀火」只用牛油和二荆条\n小火炒足四十分钟\n"
        "一块能涮四个人\n点左下角小黄车试试",
    ),
    "moments": ("zh", "楼下新开的面包店，碱水结刚出炉，「麦垛」老板说周末买二送一。"),
    "sem": (
        "zh",
        "标题：「轻岚」防晒霜 SPF50 清爽不黏\n描述 1：油皮通勤也不闷，十五分钟成膜\n"
        "描述 2：官方店满 199 包邮，支持七天无理由",
    ),
    "ecommerce": (
        "zh",
        "「步野」日常缓震跑鞋 男女同款\n- 中底回弹泡棉，落地不震膝\n- 鞋面单层网布，夏天不闷脚\n"
        "- 外底防滑橡胶，雨天也抓地\n- 加宽鞋头，久跑不挤脚趾\n- 六十天内不合适免费退",
    ),
    "google": (
        "en",
        "Headline 1: Stride Lab Daily Trainers\nHeadline 2: Cushioned for Every Mile\n"
        "Headline 3: Free Returns for 60 Days\n"
        "Description 1: Soft foam, a grippy outsole and a roomy toe box for daily runs.\n"
        "Description 2: Run in them for two months and send them back free if they don't suit.",
    ),
    "x": (
        "en",
        "Our sourdough sold out by ten again. Harbor Lane opens a second shop Monday. #bread",
    ),
    "instagram": (
        "en",
        "Saturday mornings smell like this.\nHarbor Lane sourdough, out of the oven at 7.\n"
        "#sourdough #bakery #portland #bread #weekend",
    ),
}


@pytest.mark.parametrize("name", [f.name for f in FORMATS])
def test_every_format_accepts_a_well_formed_variant(name: str) -> None:
    fmt = get_format(name)
    lang, text = GOOD[name]
    assert normalize(fmt, text, lang) == text
    assert shape_problem(fmt, text, lang) is None
    assert broken_limits(fmt, text, lang) == []


@pytest.mark.parametrize(
    ("argument", "name", "brief"),
    [
        ("小红书 新款防晒霜，轻薄不油腻", "xiaohongshu", "新款防晒霜，轻薄不油腻"),
        ("XHS: 新款防晒霜", "xiaohongshu", "新款防晒霜"),
        ("weibo 桂花乌龙", "weibo", "桂花乌龙"),
        ("搜索广告，跑鞋", "sem", "跑鞋"),
        ("Google Ads running shoes", "google", "running shoes"),
        ("google running shoes", "google", "running shoes"),
        ("twitter sourdough", "x", "sourdough"),
        ("ig handmade wallet", "instagram", "handmade wallet"),
        ("朋友圈", "moments", ""),
    ],
)
def test_a_format_is_named_before_the_brief(argument: str, name: str, brief: str) -> None:
    fmt, rest = pick(argument)
    assert fmt is not None and fmt.name == name and rest == brief


@pytest.mark.parametrize("argument", ["微博运营课程", "新款防晒霜", "Instagrammable café", "x光片"])
def test_a_brief_that_only_starts_like_a_format_is_a_brief(argument: str) -> None:
    assert pick(argument) == (None, argument)


def test_limits_are_counted_as_the_platform_counts() -> None:
    google = get_format("google")
    lang, text = GOOD["google"]
    # 15 ideographs are 30 Google characters: at the limit; 16 are over it.
    at_limit = text.replace("Stride Lab Daily Trainers", "跑" * 15)
    assert broken_limits(google, at_limit, lang) == []
    over = text.replace("Stride Lab Daily Trainers", "跑" * 16)
    [(limit, length)] = broken_limits(google, over, lang)
    assert (limit.role, limit.most, length) == ("headline", 30, 32)
    x = get_format("x")
    post = "中" * 141
    assert x_weighted_length(post) == 282
    [(limit, length)] = broken_limits(x, post, "zh")
    assert (limit.most, length) == (280, 282)
    weibo = get_format("weibo")
    assert broken_limits(weibo, "#跑鞋# " + "a" * 270, "zh") == []  # 276 halves: 138
    assert broken_limits(weibo, "#跑鞋# " + "a" * 280, "zh")


def test_shapes_are_checked_part_by_part() -> None:
    xhs = get_format("xiaohongshu")
    _, text = GOOD["xiaohongshu"]
    assert "emoji" in shape_problem(xhs, text.replace("☀️ ", ""), "zh")
    assert "hashtags" in shape_problem(
        xhs, text.replace(" #通勤好物", "").replace(" #油皮防晒", ""), "zh"
    )
    assert "hashtags" in shape_problem(get_format("moments"), "周末去吧 #面包#", "zh")
    assert "weibo" in shape_problem(get_format("weibo"), "没有话题的一条微博", "zh")
    assert "lines" in shape_problem(get_format("sem"), "标题：只有一行", "zh")


def test_labels_and_bullets_are_written_the_platform_way() -> None:
    sem = get_format("sem")
    messy = "**标题:** 跑鞋上新\n描述1：缓震中底\n描述 2 - 六十天免费退"
    assert normalize(sem, messy, "zh") == "标题：跑鞋上新\n描述 1：缓震中底\n描述 2：六十天免费退"
    shop = get_format("ecommerce")
    messy = "跑鞋\n1. 一\n• 二\n- 三\n* 四\n✓ 五"
    assert normalize(shop, messy, "zh") == "跑鞋\n- 一\n- 二\n- 三\n- 四\n- 五"


def test_the_format_list_names_every_format_in_both_languages() -> None:
    for lang in ("zh", "en"):
        text = format_list(lang)
        assert all(f.label[lang] in text and f.name in text for f in FORMATS)
