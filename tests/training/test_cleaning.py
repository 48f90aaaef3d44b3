"""Normalization keeps Chinese punctuation; filters and deduplication drop what they should."""

from __future__ import annotations

from muse.training.dedup import deduplicate, matches
from muse.training.textclean import Filters, normalize


def test_chinese_punctuation_survives_normalization() -> None:
    text = "轻薄，防风！“秋天”来了：（新品）《指南》……"
    assert normalize(text) == text


def test_full_width_letters_and_digits_become_ascii() -> None:
    assert normalize("１９９８年ＡＢＣｄ") == "1998年ABCd"


def test_invisible_characters_and_extra_spaces_go() -> None:
    assert normalize("a\u200bb\u3000\u3000c \r\n\n\n\nd\x07") == "ab c\n\nd"


def test_filters_name_the_problem() -> None:
    filters = Filters(min_chars=4, max_chars=20)
    assert filters.problem("好") == "short"
    assert filters.problem("很" * 21) == "long"
    assert filters.problem("http://1234/5678/90") == "symbols"
    assert filters.problem("这件风衣很轻") is None


def test_exact_and_near_duplicates_are_dropped_first_copy_kept() -> None:
    base = (
        "这款风衣轻薄防风，通勤出游都合适，秋天穿刚刚好，颜色也很耐看。"
        "面料挺括不易皱，口袋够深能放下手机和钥匙，下雨天也不怕，推荐给每天赶地铁的你。"
    )
    texts = [
        base,
        base.replace("，", ", "),  # the same letters: an exact duplicate
        base.replace("颜色", "配色"),  # one word changed: a near duplicate
        "咖啡豆来自云南高山，冷萃十二小时，口感清爽回甘，适合夏天的午后。",
    ]
    verdicts = [verdict for _, verdict in deduplicate(texts, threshold=0.8)]
    assert verdicts == [None, "exact", "near", None]


def test_matches_name_the_earlier_text_a_duplicate_repeats() -> None:
    line = "秋天的风衣轻薄又防风，通勤路上刚刚好"
    texts = [line + "。", "别的东西", line + "！"]
    assert [(v, j) for _, v, j in matches(texts, threshold=0.8)] == [
        (None, None),
        (None, None),
        ("exact", 0),
    ]
