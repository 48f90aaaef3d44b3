"""Drift: copy that names another category's product (core/drift.py), on the shipped table."""

from __future__ import annotations

from muse.core.drift import ProductNouns, product_nouns

TABLE = {
    "火锅底料": {"zh": ["火锅底料", "锅底"], "en": ["hotpot base"]},
    "共享单车": {"zh": ["单车", "共享单车"], "en": ["bike share", "bike"]},
    "咖啡": {"zh": ["咖啡"], "en": ["coffee"]},
    "咖啡机": {"zh": ["咖啡机"], "en": ["espresso machine", "coffee machine"]},
}


def test_another_categorys_product_is_drift_and_the_briefs_own_is_not() -> None:
    nouns = ProductNouns(TABLE)
    assert nouns.foreign("麻辣锅底，骑上单车去吃", "「川味坊」火锅底料", "zh") == ("单车",)
    assert nouns.foreign("牛油锅底，一包煮一锅", "「川味坊」火锅底料", "zh") == ()


def test_a_noun_inside_the_briefs_product_is_its_own() -> None:
    nouns = ProductNouns(TABLE)
    # "咖啡" belongs to another category, but it is part of "咖啡机", the brief's product.
    assert nouns.foreign("早上一杯现磨咖啡", "家用咖啡机，一键萃取", "zh") == ()
    assert nouns.foreign("A coffee at seven, then a bike ride", "espresso machine", "en") == (
        "bike",
    )


def test_english_nouns_match_whole_words_only() -> None:
    nouns = ProductNouns(TABLE)
    assert nouns.foreign("Motorbikes and bikeways", "hotpot base", "en") == ()
    assert nouns.foreign("Grab a BIKE after dinner", "hotpot base", "en") == ("bike",)


def test_nouns_too_short_to_tell_from_other_words_do_not_count() -> None:
    nouns = ProductNouns({"箱包": {"zh": ["包", "双肩包"], "en": ["bag", "backpack"]}})
    assert nouns.foreign("一包够吃一周，run 起来", "火锅底料", "zh") == ()
    assert nouns.foreign("Pack a bag", "hot pot base", "en") == ()
    assert nouns.foreign("背上双肩包", "火锅底料", "zh") == ("双肩包",)


def test_the_shipped_table_knows_the_held_out_kinds_of_drift() -> None:
    nouns = product_nouns()
    assert "单车" in " ".join(nouns.foreign("周末骑共享单车去郊外", "火锅底料，麻辣", "zh"))
    assert nouns.foreign("火锅底料一包够四个人", "火锅底料，麻辣", "zh") == ()
