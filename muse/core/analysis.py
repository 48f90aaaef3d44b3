"""`/analyze`: keywords (TF-IDF and TextRank via jieba), length, sentences and ad-law flags.

jieba loads its dictionary and IDF table (a second or so) on first use, not at import, so that
importing the core stays fast; callers on an event loop should run `analyze` in a thread.
TextRank needs jieba's part-of-speech tagger, which only `/analyze` loads; the TF-IDF ranking
(keywords.py) needs the dictionary alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

from muse.core.adlaw import AdLawLinter, default_linter, warning
from muse.core.keywords import jieba_module, tfidf
from muse.core.language import HAN, detect_language
from muse.core.messages import Lang
from muse.core.sentences import split_sentences

if TYPE_CHECKING:
    from jieba.analyse import TextRank

TOP_K = 8
# jieba's TextRank keeps nouns and verbs by default; add names, places, organisations, other
# proper nouns (nr, ns, nt, nz) and "eng", the tag jieba gives English words.
_TEXTRANK_POS = ("n", "nr", "ns", "nt", "nz", "vn", "v", "eng")
# A word outside Chinese runs: letters/digits with inner apostrophes (don't) or decimals (3.5).
_WORD = re.compile(rf"(?P<han>{HAN.pattern}+)|[A-Za-z0-9\u00c0-\u024f]+(?:['’][A-Za-z]+|[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")


@dataclass(frozen=True, slots=True)
class Analysis:
    """What `/analyze` reports about one text."""

    language: Lang
    characters: int  # characters other than whitespace
    words: int
    sentences: int
    tfidf: tuple[tuple[str, float], ...]  # (keyword, weight), best first
    textrank: tuple[tuple[str, float], ...]
    adlaw_flags: tuple[str, ...]


def analyze(text: str, linter: AdLawLinter | None = None) -> Analysis:
    """Analyze `text`; `linter` defaults to the shipped ad-law list."""
    # Keywords are extracted from lower-cased text so "Coffee" and "coffee" count together,
    # then shown in the form the text uses most.
    ranked = _textrank().textrank(text.lower(), topK=None, withWeight=True, allowPOS=_TEXTRANK_POS)
    return Analysis(
        language=detect_language(text),
        characters=sum(1 for ch in text if not ch.isspace()),
        words=count_words(text),
        sentences=len(split_sentences(text)),
        tfidf=tfidf_keywords(text),
        textrank=_keywords(ranked, _surface_forms(text)),
        adlaw_flags=tuple((linter if linter is not None else default_linter()).find(text)),
    )


def tfidf_keywords(text: str) -> tuple[tuple[str, float], ...]:
    """The TF-IDF keywords `analyze` reports, without loading TextRank's tagger."""
    return _keywords(tfidf(text.lower(), _stop_words()), _surface_forms(text))


def count_words(text: str) -> int:
    """Words: jieba's words in Chinese runs, plus Latin words and numbers; never punctuation."""
    jieba = jieba_module()
    count = 0
    for match in _WORD.finditer(text):
        han = match.group("han")
        count += len(jieba.lcut(han)) if han else 1
    return count


@cache
def _textrank() -> TextRank:
    """jieba's TextRank with Muse's stop words, built on first use."""
    jieba_module()
    import jieba.analyse

    textrank = jieba.analyse.TextRank()
    textrank.stop_words = textrank.stop_words | _stop_words()
    return textrank


@cache
def _stop_words() -> frozenset[str]:
    """The packaged stop words (data/stopwords.txt), lines starting with "#" left out."""
    text = (files("muse.core") / "data" / "stopwords.txt").read_text(encoding="utf-8")
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


def _surface_forms(text: str) -> dict[str, str]:
    """Lower-cased Latin word → the spelling the text uses most ("iphone" → "iPhone")."""
    forms: dict[str, Counter[str]] = {}
    for word in _LATIN.findall(text):
        forms.setdefault(word.lower(), Counter())[word] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in forms.items()}


def _keywords(
    ranked: list[tuple[str, float]], surface: dict[str, str]
) -> tuple[tuple[str, float], ...]:
    """The first TOP_K keywords that contain a letter or ideograph, in their surface form."""
    words = [(surface.get(w, w), weight) for w, weight in ranked if any(c.isalpha() for c in w)]
    return tuple(words[:TOP_K])


def render_analysis(a: Analysis, lang: Lang) -> str:
    """A multi-line report of `a` in the user's language."""
    flags = (
        warning(a.adlaw_flags, lang)
        if a.adlaw_flags
        else (
            "✅ 未发现广告法风险用语（仅按词表检查）"
            if lang == "zh"
            else "✅ No ad-law risk terms found (word-list check only)"
        )
    )
    if lang == "zh":
        language = "中文" if a.language == "zh" else "英文"
        return "\n".join(
            [
                "📊 文本分析",
                f"语言：{language}",
                f"长度：{a.characters} 字（不含空白），{a.words} 个词，{a.sentences} 句",
                f"关键词（TF-IDF）：{_format(a.tfidf, '、', '（无）')}",
                f"关键词（TextRank）：{_format(a.textrank, '、', '（无）')}",
                flags,
            ]
        )
    language = "Chinese" if a.language == "zh" else "English"
    return "\n".join(
        [
            "📊 Text analysis",
            f"Language: {language}",
            f"Length: {_plural(a.characters, 'character')} (excluding spaces), "
            f"{_plural(a.words, 'word')}, {_plural(a.sentences, 'sentence')}",
            f"Keywords (TF-IDF): {_format(a.tfidf, ', ', '(none)')}",
            f"Keywords (TextRank): {_format(a.textrank, ', ', '(none)')}",
            flags,
        ]
    )


def _format(keywords: tuple[tuple[str, float], ...], separator: str, empty: str) -> str:
    """Keywords with two-decimal weights ("风衣 1.26、防风 1.22"), or `empty`."""
    return separator.join(f"{w} {weight:.2f}" for w, weight in keywords) or empty


def _plural(count: int, noun: str) -> str:
    """Count and noun, plural unless 1: "1 word", "2 words"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
