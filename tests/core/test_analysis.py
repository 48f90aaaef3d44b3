"""/analyze: keywords, counts, language and ad-law flags, and the rendered report."""

from __future__ import annotations

import pytest

from muse.core.adlaw import AdLawLinter
from muse.core.analysis import Analysis, analyze, count_words, render_analysis
from muse.core.sentences import split_sentences

CHINESE = "新款秋季风衣，主打轻薄防风。风衣面料轻薄，通勤周末都能穿！防风又防水，秋天出门就穿它。"
ENGLISH = (
    "Our coffee is roasted every morning in Shanghai. Coffee lovers love our roasted beans! "
    "A cup costs 3.5 dollars. Visit our coffee bar today."
)


@pytest.fixture(scope="module")
def chinese() -> Analysis:
    return analyze(CHINESE)


@pytest.fixture(scope="module")
def english() -> Analysis:
    return analyze(ENGLISH)


def test_chinese_keywords(chinese: Analysis) -> None:
    tfidf = [word for word, _ in chinese.tfidf]
    textrank = [word for word, _ in chinese.textrank]
    assert tfidf[0] == "风衣"
    assert {"风衣", "防风", "轻薄"} <= set(tfidf)
    assert "风衣" in textrank and "防风" in textrank
    assert 0 < len(chinese.tfidf) <= 8 and 0 < len(chinese.textrank) <= 8
    weights = [weight for _, weight in chinese.tfidf]
    assert weights == sorted(weights, reverse=True)


def test_english_keywords_merge_case_and_drop_stop_words(english: Analysis) -> None:
    tfidf = [word for word, _ in english.tfidf]
    textrank = [word for word, _ in english.textrank]
    assert tfidf[0] == "coffee"
    assert "Coffee" not in tfidf
    assert "Shanghai" in tfidf  # shown as written
    assert "roasted" in textrank and "coffee" in textrank
    assert not {"our", "is", "in", "a"} & {w.lower() for w in tfidf + textrank}


def test_chinese_counts(chinese: Analysis) -> None:
    assert chinese.language == "zh"
    assert chinese.characters == len(CHINESE)
    assert chinese.sentences == 3
    assert chinese.words == 22  # jieba: 新款 / 秋季 / 风衣 / 主打 … 穿 / 它


def test_english_counts(english: Analysis) -> None:
    assert english.language == "en"
    assert english.characters == len(ENGLISH.replace(" ", ""))
    assert english.words == 24
    assert english.sentences == 4


def test_exact_counts_on_small_inputs() -> None:
    report = analyze("我爱北京。 I love Beijing!")
    assert report.characters == 18  # 我爱北京。 + I + love + Beijing!
    assert report.words == 3 + 3  # 我 / 爱 / 北京 and I / love / Beijing
    assert report.sentences == 2


def test_word_counting() -> None:
    assert count_words("") == 0
    assert count_words("，。！？…… —— !!") == 0
    assert count_words("价格 3.5 元，don't stop") == 5  # 价格 / 3.5 / 元 / don't / stop
    assert count_words("iPhone 15 Pro") == 3


def test_sentences_survive_decimals_and_quotes() -> None:
    assert split_sentences("价格3.5元。真的吗？！当然……好的") == [
        "价格3.5元。",
        "真的吗？！",
        "当然……",
        "好的",
    ]
    assert split_sentences("It costs $3.50! Really? Yes.") == ["It costs $3.50!", "Really?", "Yes."]
    assert split_sentences("他说：“好。”然后走了") == ["他说：“好。”", "然后走了"]
    assert split_sentences("标题\n正文一句。🎉") == ["标题", "正文一句。🎉"]


def test_adlaw_flags_use_the_given_linter() -> None:
    assert analyze("全国第一的风衣").adlaw_flags == ("全国第一",)
    custom = AdLawLinter(["风衣"])
    assert analyze("全国第一的风衣", custom).adlaw_flags == ("风衣",)


def test_render_in_chinese(chinese: Analysis) -> None:
    report = render_analysis(chinese, "zh")
    lines = report.splitlines()
    assert lines[0] == "📊 文本分析"
    assert lines[1] == "语言：中文"
    assert lines[2] == f"长度：{len(CHINESE)} 字（不含空白），{chinese.words} 个词，3 句"
    assert lines[3].startswith("关键词（TF-IDF）：风衣 ")
    assert lines[-1].startswith("✅")


def test_render_in_english_with_flags() -> None:
    report = render_analysis(analyze("The best coffee. Try it"), "en")
    assert "Language: English" in report
    assert "Length: 19 characters (excluding spaces), 5 words, 2 sentences" in report
    assert report.splitlines()[-1] == "⚠️ Possible ad-law issue: best (edit before publishing)"


def test_render_without_keywords() -> None:
    report = render_analysis(analyze("好"), "zh")
    assert "关键词（TextRank）：（无）" in report
    assert "1 句" in report
