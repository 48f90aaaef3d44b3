import pytest

from muse.bots.textsplit import split_text, utf16_length


def check(text: str, limit: int, measure=len) -> list[str]:
    pieces = split_text(text, limit, measure)
    assert "".join(pieces) == text
    assert all(0 < measure(p) <= limit for p in pieces)
    return pieces


def test_short_text_is_one_piece_and_empty_is_none() -> None:
    assert check("你好", 10) == ["你好"]
    assert split_text("", 10) == []


def test_paragraphs_are_preferred_boundaries() -> None:
    text = "第一段。" * 5 + "\n\n" + "第二段。" * 5 + "\n\n" + "第三段。" * 5
    pieces = check(text, 30)
    assert pieces[0].endswith("\n\n") and pieces[0].startswith("第一段")
    assert pieces[1].startswith("第二段")


def test_a_long_paragraph_falls_back_to_sentences_then_characters() -> None:
    text = "这是一个很长的句子，" * 30 + "。" + "无标点长串" * 40
    pieces = check(text, 64)
    assert any(p.endswith("，") for p in pieces)
    assert len(pieces) > 5


def test_ten_thousand_characters_lose_nothing() -> None:
    text = "\n".join(f"第{i}行：秋季新品轻薄防风，通勤出游都合适。" for i in range(500))
    assert len(text) > 10_000
    pieces = check(text, 3000)
    assert all(p.endswith("\n") for p in pieces[:-1])


def test_utf16_measure_counts_emoji_twice() -> None:
    assert utf16_length("a😀") == 3
    pieces = check("😀" * 10, 4, utf16_length)
    assert pieces == ["😀😀"] * 5


def test_limit_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_text("x", 0)
