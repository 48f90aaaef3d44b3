"""Evaluation measures: memorisation overlap, diversity, repetition, coverage, structure."""

from __future__ import annotations

import random

from muse.training.overlap import GRAM, TrainingText
from muse.training.textmetrics import (
    distinct,
    drift,
    keyword_coverage,
    product_mention,
    repeated_4grams,
    structure_report,
)


def brute_force_overlap(output: str, texts: list[str]) -> int:
    longest = max(
        (
            j - i
            for i in range(len(output))
            for j in range(i + 1, len(output) + 1)
            if any(output[i:j] in t for t in texts)
        ),
        default=0,
    )
    return longest if longest >= GRAM else 0


def test_longest_overlap_is_exact() -> None:
    rng = random.Random(0)
    alphabet = "风衣轻薄防秋天咖啡冷萃醒神"
    texts = ["".join(rng.choice(alphabet) for _ in range(300)) for _ in range(5)]
    index = TrainingText(texts)
    for _ in range(30):
        # Random text with pieces of training text of random lengths spliced in.
        text = rng.choice(texts)
        start, size = rng.randrange(250), rng.randrange(2, 30)
        noise = "".join(rng.choice(alphabet) for _ in range(rng.randrange(20)))
        output = noise + text[start : start + size] + noise[::-1]
        assert index.longest_overlap(output) == brute_force_overlap(output, texts)


def test_a_copied_sentence_is_found_whole_but_not_across_documents() -> None:
    index = TrainingText(["前面的话。一杯冷萃咖啡，唤醒整个早晨。后面的话", "另一篇"])
    assert index.longest_overlap("新品：一杯冷萃咖啡，唤醒整个早晨。") == len(
        "一杯冷萃咖啡，唤醒整个早晨。"
    )
    assert index.longest_overlap("还有后面的话另一篇") == 0  # "后面的话" is shorter than a gram
    assert index.longest_overlap("前面的话。一杯冷萃") == len("前面的话。一杯冷萃")


def test_distinct_n_counts_unique_word_ngrams_across_variants() -> None:
    assert distinct(["冷萃咖啡", "冷萃咖啡"], 1) == 0.5
    assert distinct(["fresh coffee daily", "cold tea nightly"], 2) == 1.0


def test_repeated_4grams_catch_loops() -> None:
    assert repeated_4grams("一杯冷萃唤醒早晨") == 0.0
    assert repeated_4grams("好好好好好好好好好好") > 0.8


def test_keyword_coverage_uses_the_briefs_keywords() -> None:
    assert keyword_coverage("山野咖啡，冷萃新品", ["山野咖啡的冷萃新品上市"]) == 1.0
    assert keyword_coverage("山野咖啡，冷萃新品", ["今天天气很好"]) == 0.0


def test_structure_report_checks_the_skills_shape() -> None:
    taglines = "冷萃，醒神\n一口清爽\n山野的味道\n慢慢萃取\n早晨的第一杯"
    good = structure_report("tagline", [taglines], taglines.split("\n"), "zh")
    assert good == {"followed": True, "count_ok": True, "within_length": 1.0}
    bad = structure_report("tagline", ["只有一条"], ["只有一条"], "zh")
    assert bad["followed"] is False and bad["count_ok"] is False


def test_drift_counts_outputs_that_name_another_categorys_product() -> None:
    brief = "「川味坊」火锅底料，牛油麻辣"
    outputs = ["川味坊火锅底料，一包煮一锅", "吃完火锅，骑共享单车回家", "牛油锅底够味"]
    assert drift(brief, "zh", outputs) == 1 / 3
    assert drift(brief, "zh", []) is None


def test_product_mention_counts_outputs_that_name_the_brand_or_the_product() -> None:
    brief = "「松间」沐浴露，木质香调"
    assert product_mention(brief, "zh", ["松间，洗去一天的疲惫", "这瓶沐浴露很香", "好好生活"]) == (
        2 / 3
    )
    english = "Electric toothbrush with a two-minute timer, brand Quiet Peak"
    assert product_mention(english, "en", ["A Toothbrush that times you", "Smile more"]) == 0.5
