"""Copy drills: every drill repeats a span, both languages appear, the same seed repeats."""

from __future__ import annotations

import itertools
import re

from muse.training.drills import copy_drills

ZH = [
    "春天来了，公园里的花都开了。孩子们在草地上奔跑，老人们坐在长椅上聊天。",
    "这家面包店每天下午三点出炉欧包。邻居们早早排队，店主笑着招呼每一位客人。",
    "今年的秋天比往年更冷。街上的行人裹紧了外套，咖啡店的生意格外好。",
]
EN = [
    "The river runs quietly past the old mill. Children fish from the bridge in summer.",
    "A good notebook opens flat. Its paper takes ink without bleeding through the page.",
]


def _repeats_a_span(drill: str) -> bool:
    """Some run of 2+ characters (Chinese) or two words (English) occurs twice."""
    han = re.sub(r"[^\u4e00-\u9fff]", "", drill)
    if len(han) > len(drill) / 3:
        return any(han.count(han[i : i + 2]) > 1 for i in range(len(han) - 1))
    words = re.findall(r"[A-Za-z]+", drill)
    pairs = list(itertools.pairwise(w.lower() for w in words))
    names = [w for w in words if w[0].isupper()]  # a coined name is capitalised
    return any(pairs.count(p) > 1 for p in pairs) or any(names.count(n) > 1 for n in names)


def test_every_drill_repeats_a_span() -> None:
    assert not any(_repeats_a_span(d) for d in ZH + EN)  # the check tells them apart
    drills = copy_drills(ZH + EN, 200, seed=1)
    assert len(drills) == 200
    assert all(_repeats_a_span(d) for d in drills)


def test_both_languages_and_both_kinds_are_made() -> None:
    drills = copy_drills(ZH + EN, 200, seed=1)
    zh = [d for d in drills if re.search(r"[\u4e00-\u9fff]", d)]
    assert 120 <= len(zh) <= 190  # Chinese first
    # A names drill is a real paragraph with the coined name woven in; the rest are echoes.
    woven = [d for d in drills if any(doc[:8] in d for doc in ZH + EN)]
    assert 30 <= len(woven) <= 90
    assert any("面包店" in d or "公园" in d or "秋天" in d for d in woven)


def test_the_same_seed_gives_the_same_drills() -> None:
    assert copy_drills(ZH + EN, 30, seed=5) == copy_drills(ZH + EN, 30, seed=5)
    assert copy_drills(ZH + EN, 30, seed=5) != copy_drills(ZH + EN, 30, seed=6)


def test_one_language_only_and_no_text_at_all() -> None:
    assert all(re.search(r"[\u4e00-\u9fff]", d) for d in copy_drills(ZH, 20, seed=2))
    assert not any(re.search(r"[\u4e00-\u9fff]", d) for d in copy_drills(EN, 20, seed=2))
    assert copy_drills([], 20, seed=2) == []
