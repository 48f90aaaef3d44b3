"""Each skill's structure check: what the core redraws by and `muse train eval` scores."""

from __future__ import annotations

import pytest

from muse.core.skills.registry import get_skill

SCENE = "场景 {n}\n画面：书店的灯还亮着。\n台词：“还没打烊吗？”\n时长：5秒"
ENGLISH_SCENE = "Scene {n}\nVisual: A bookshop at night.\nLine: Still open?\nDuration: 5 seconds"


@pytest.mark.parametrize(
    ("task", "text", "lang"),
    [
        ("ad", "松间沐浴露\n木质香调，洗完像走过一片松林。", "zh"),
        ("ad", "Pine Hall body wash\nSmells like a walk in the woods.", "en"),
        ("tagline", "松间，慢下来\n木香入梦\n洗去一天\n林间的清晨\n松间沐浴露", "zh"),
        ("brainstorm", "\n".join(f"{i}. 旅行装小样送给第{i}位顾客。" for i in range(1, 9)), "zh"),
        ("script", "\n\n".join(SCENE.format(n=n) for n in (1, 2, 3)), "zh"),
        ("script", "\n\n".join(ENGLISH_SCENE.format(n=n) for n in (1, 2, 3)), "en"),
        ("chat", "好的，我们从目标人群说起。", "zh"),
    ],
)
def test_the_shapes_the_skills_ask_for_pass(task: str, text: str, lang: str) -> None:
    assert get_skill(task).structure_problem(text, lang) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("task", "text", "lang", "problem"),
    [
        ("ad", "松间沐浴露", "zh", "a headline line and one body line"),
        ("ad", "松间\n一句。\n又一行。", "zh", "a headline line and one body line"),
        ("tagline", "一\n二\n三\n四", "zh", "5 lines"),
        ("tagline", "一\n二\n三\n四\n" + "长" * 17, "zh", "over the length limit"),
        ("brainstorm", "1. 一个点子。\n2. 另一个。", "zh", "8 lines numbered"),
        ("script", SCENE.format(n=1), "zh", "3 to 5 scenes"),
        ("chat", "  ", "zh", "must be non-empty"),
    ],
)
def test_a_broken_shape_says_what_is_wrong(task: str, text: str, lang: str, problem: str) -> None:
    found = get_skill(task).structure_problem(text, lang)  # type: ignore[arg-type]
    assert found is not None and found.startswith(problem)
