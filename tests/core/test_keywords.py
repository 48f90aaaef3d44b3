"""keywords.py ranks exactly as jieba.analyse's TF-IDF does, without its tagger."""

from __future__ import annotations

import jieba.analyse
import pytest

from muse.core.keywords import tfidf

TEXTS = (
    "新款秋季风衣，主打轻薄防风。风衣面料轻薄，通勤周末都能穿！",
    "「松间」沐浴露，木质香调",
    "儿童绘本",
    "智能门锁，指纹和密码双重开锁，老人孩子都会用",
    "Our coffee is roasted every morning. Coffee lovers love our roasted beans!",
    "桂花乌龙茶 Osmanthus oolong, 冷泡热泡都好喝",
    "的 了 a",
)
STOP_WORDS = frozenset({"the", "our", "every", "我们"})


@pytest.mark.parametrize("text", TEXTS)
def test_the_ranking_is_jiebas(text: str) -> None:
    reference = jieba.analyse.TFIDF()
    reference.stop_words = reference.STOP_WORDS | STOP_WORDS
    expected = reference.extract_tags(text, topK=None, withWeight=True)
    got = tfidf(text, frozenset(reference.stop_words))
    assert [w for w, _ in got] == [w for w, _ in expected]
    assert [x for _, x in got] == pytest.approx([x for _, x in expected])


def test_stop_words_and_single_characters_are_not_counted() -> None:
    words = [w for w, _ in tfidf("the 猫 and 猫砂 猫砂", frozenset({"the", "and"}))]
    assert words == ["猫砂"]
