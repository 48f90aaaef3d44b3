"""Counting as the platforms count: characters, Weibo/Baidu halves, Google Ads widths, X weights."""

from __future__ import annotations

from muse.core.counting import (
    Counting,
    characters,
    google_ads_length,
    graphemes,
    half_width_halves,
    x_weighted_length,
)


def test_an_emoji_sequence_is_one_character() -> None:
    assert graphemes("👩‍👩‍👧 ok") == ["👩‍👩‍👧", " ", "o", "k"]
    assert characters("☀️防晒") == 3  # the variation selector belongs to the sun
    assert characters("👍🏽") == 1  # a skin tone belongs to its hand


def test_weibo_and_baidu_count_two_half_width_characters_as_one() -> None:
    assert half_width_halves("防晒霜") == 3
    assert half_width_halves("SPF50") == 3  # five halves, rounded up
    assert half_width_halves("防晒 SPF50") == 5


def test_google_ads_counts_double_width_characters_twice() -> None:
    assert google_ads_length("Running Shoes") == 13
    assert google_ads_length("跑鞋 Sale") == 9


def test_x_weighs_cjk_and_emoji_as_two_and_a_url_as_23() -> None:
    assert x_weighted_length("hello") == 5
    assert x_weighted_length("你好") == 4
    assert x_weighted_length("👍🏽") == 2
    assert x_weighted_length("see https://example.com/a/very/long/path/indeed") == 4 + 23
    assert x_weighted_length("中" * 140) == 280
    assert x_weighted_length("中" * 141) > 280
    assert x_weighted_length("—“”") == 3  # general punctuation is in X's light ranges


def test_each_rule_is_named() -> None:
    assert Counting.X.length("你好") == 4 and Counting.CHARACTERS.length("你好") == 2
