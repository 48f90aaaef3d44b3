"""Stock spans: the same run of words in the outputs of many briefs."""

from __future__ import annotations

from muse.training.authored import Example
from muse.training.stock import spans, stock_spans


def _ad(brief: str, output: str, lang: str = "zh") -> Example:
    return Example("ad", lang, "服装", brief, output)  # type: ignore[arg-type]


def test_a_phrase_shared_by_more_than_five_briefs_is_stock() -> None:
    briefs = [f"新品{n}号风衣" for n in "一二三四五六"]
    examples = [_ad(b, f"秋天见\n今天下单早点用上好物。{b}很轻。") for b in briefs]
    found = stock_spans(examples)
    assert "今天下单早点用上" in {s.span for s in found}
    assert all(len(s.briefs) == 6 for s in found)
    assert stock_spans(examples[:5]) == []


def test_regenerate_records_of_one_brief_count_once() -> None:
    examples = [_ad("新款风衣", f"秋天见{n}\n今天下单早点用上好物。") for n in range(8)]
    assert stock_spans(examples) == []


def test_labels_and_the_briefs_own_words_are_not_spans() -> None:
    text = "场景 1\n画面：保温杯放在办公桌上冒着热气\n台词：（旁白）你好。"
    found = spans(text, "保温杯")
    assert not any("场景" in s or "画面：" in s or "保温杯" in s for s in found)
    assert "放在办公桌上冒着" in found


def test_english_spans_are_word_five_grams() -> None:
    found = spans("Come and see it in store today.", "Wool coat")
    assert "come and see it in" in found and "and see it in store" in found
    assert not any(len(s.split()) != 5 for s in found)
    assert spans("Our wool coat keeps you warm all day.", "Wool coat") >= {"keeps you warm all day"}
    assert not any("wool" in s for s in spans("Our wool coat keeps you warm.", "Wool coat"))
