"""Counting text the way each place counts it: poster 字数, English words, and the platforms' rules.

A platform's hard limit is only kept if the text is counted as the platform counts it: X weighs a
Chinese character as two, Google Ads counts double-width characters twice, Weibo and Baidu count
two half-width characters as one. Each rule here cites the behaviour it follows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum

from muse.core.language import detect_language

# Joiners and modifiers that belong to the character before them: a flag, a skin tone or a
# ZWJ family is one emoji on screen, and every platform below counts it once.
_ZWJ = "\u200d"
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
# X's twitter-text v3 configuration (github.com/twitter/twitter-text, config/v3.json): code
# points in these ranges weigh 100, every other 200, against a limit of 28,000; a URL weighs
# as 23 characters however long it is, and an emoji sequence weighs 200 once.
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
X_URL_LENGTH = 23


def chinese_length(line: str) -> float:
    """Length of a Chinese line in characters, as it reads on a poster (slogan 字数).

    Ideographs and other full-width characters (emoji included) count 1; half-width letters and
    digits count ½, since two fill the width of one ideograph ("Nike" = 2); punctuation, spaces,
    combining marks and invisible characters count 0.
    """
    length = 0.0
    for ch in line:
        if unicodedata.category(ch)[0] in "PZCM":
            continue
        length += 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5
    return length


def english_words(line: str) -> int:
    """Words of an English line: whitespace-separated pieces holding a letter or digit."""
    return sum(1 for piece in line.split() if re.search(r"\w", piece))


def graphemes(text: str) -> list[str]:
    """The characters a reader sees: an emoji with its joiners, selectors and tones is one."""
    text = _VARIATION_SELECTORS.sub("", text)
    out: list[str] = []
    join_next = False
    for ch in text:
        if ch == _ZWJ:
            join_next = bool(out)
            if out:
                out[-1] += ch
            continue
        if out and (join_next or _SKIN_TONES.fullmatch(ch) or unicodedata.combining(ch)):
            out[-1] += ch
        else:
            out.append(ch)
        join_next = False
    return out


def characters(text: str) -> int:
    """Every visible character counts 1, an emoji sequence once: how 小红书, 抖音, 朋友圈,
    淘宝 and Instagram count their limits."""
    return len(graphemes(text))


def _wide(grapheme: str) -> bool:
    return unicodedata.east_asian_width(grapheme[0]) in "WF"


def half_width_halves(text: str) -> int:
    """Weibo's and Baidu's count: a Chinese character (or emoji) is 1, two half-width
    characters are 1, rounded up (Weibo's 140 字; Baidu search ads' 25-character headline)."""
    units = sum(2 if _wide(g) else 1 for g in graphemes(text))
    return math.ceil(units / 2)


def google_ads_length(text: str) -> int:
    """Google Ads' count: double-width characters (Chinese, Japanese, Korean) count 2, every
    other character 1 (Google Ads Help, "Character limits for ads": double-width languages)."""
    return sum(2 if _wide(g) else 1 for g in graphemes(text))


def x_weighted_length(text: str) -> int:
    """X's weighted length (twitter-text v3) in characters: the 280 limit's unit."""
    weight = 0
    rest = _URL.sub("", text)
    weight += 100 * X_URL_LENGTH * len(_URL.findall(text))
    for grapheme in graphemes(rest):
        if len(grapheme) > 1 or unicodedata.category(grapheme[0]) == "So":
            weight += 200  # an emoji (sequence) weighs 200 once
            continue
        code = ord(grapheme)
        light = any(low <= code <= high for low, high in _X_LIGHT_RANGES)
        weight += 100 if light else 200
    return math.ceil(weight / 100)


class Counting(StrEnum):
    """How a platform counts the length of a text."""

    CHARACTERS = "characters"
    HALF_WIDTH = "half_width"
    GOOGLE = "google"
    X = "x"

    def length(self, text: str) -> int:
        """The length of `text` under this rule."""
        return _RULES[self](text)


_RULES: dict[Counting, Callable[[str], int]] = {
    Counting.CHARACTERS: characters,
    Counting.HALF_WIDTH: half_width_halves,
    Counting.GOOGLE: google_ads_length,
    Counting.X: x_weighted_length,
}


def within(line: str, lang: str, chars: float, words: int) -> bool:
    """True when `line` is within `chars` Chinese characters (poster count) or `words` English
    words, by the line's own language: a Chinese user may ask for English copy."""
    if detect_language(line, lang) == "zh":  # type: ignore[arg-type]
        return chinese_length(line) <= chars
    return english_words(line) <= words
