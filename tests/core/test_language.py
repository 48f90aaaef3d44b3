"""Language detection: Chinese-first, English when English clearly dominates."""

from __future__ import annotations

import pytest

from muse.core.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("帮我写一条秋季风衣的广告", "zh"),
        ("Write a tagline for our autumn coat", "en"),
        ("帮我写 slogan for 咖啡", "zh"),
        ("Write an ad for 小米 phones", "en"),
        ("请帮我给 Nike Air Max 写一个 campaign slogan", "zh"),
        ("Write a tagline for 小米手机", "en"),
        ("给 Apple Watch 写个广告", "zh"),
        ("Café crème, naïve and fresh", "en"),
    ],
)
def test_detects_from_text(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_text_decides_over_the_hint() -> None:
    assert detect_language("写一条广告", "en-US") == "zh"
    assert detect_language("Write an ad", "zh-CN") == "en"


@pytest.mark.parametrize(
    ("hint", "lang"),
    [("zh-CN", "zh"), ("zh_hans", "zh"), ("ZH", "zh"), ("en-US", "en"), ("en", "en"), ("de", "en")],
)
def test_hint_decides_text_without_letters(hint: str, lang: str) -> None:
    assert detect_language("👍🎉 2024!!", hint) == lang


@pytest.mark.parametrize("hint", [None, "", "  "])
def test_default_is_chinese(hint: str | None) -> None:
    assert detect_language("12345 😀", hint) == "zh"
    assert detect_language("", hint) == "zh"


@pytest.mark.parametrize(
    ("text", "hint", "lang"),
    [
        ("/help", None, "zh"),
        ("/help@SomeBot", "en-US", "en"),
        ("/ad@SomeBot 新款风衣", None, "zh"),
        ("/ad新款风衣", "en", "zh"),
        ("/tagline Autumn coat", None, "en"),
        ("<@U123ABC> 帮我写广告", None, "zh"),
        ("@muse_bot 帮我写", None, "zh"),
        ("看看 https://example.com/some/long/path?q=1 这个", None, "zh"),
        ("联系 hello.world@example.com 吧", None, "zh"),
    ],
)
def test_commands_mentions_and_links_do_not_count(text: str, hint: str | None, lang: str) -> None:
    assert detect_language(text, hint) == lang
