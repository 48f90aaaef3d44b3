"""Text normalization and length/quality filters for the pretraining corpus.

NFKC is not used: it folds Chinese full-width punctuation into ASCII ("，" → ","), which would
teach the model half-width punctuation in Chinese copy. Instead NFC, plus folding full-width
letters and digits ("１９９８" → "1998"), which Chinese text writes both ways.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Full-width ASCII letters and digits (U+FF10–FF19, FF21–FF3A, FF41–FF5A) → ASCII.
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for code in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
}
# Zero-width and byte-order marks, which tokenize into invisible tokens.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    """NFC, full-width letters/digits to ASCII, no invisible or control characters, tidy spaces.

    Chinese punctuation (，。！？：；“”（）《》…) is kept as written.
    """
    text = unicodedata.normalize("NFC", text).translate(_FULL_WIDTH_ALNUM)
    text = _CONTROL.sub("", _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n")))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@dataclass(frozen=True)
class Filters:
    """Which documents are kept: length in non-space characters and share of real letters."""

    min_chars: int = 6
    max_chars: int = 4000
    # Han characters and letters over non-space characters; below it is mostly symbols or URLs.
    min_letter_share: float = 0.5

    def problem(self, text: str) -> str | None:
        """Why `text` is dropped ("short", "long", "symbols"), or None when it is kept."""
        visible = sum(1 for ch in text if not ch.isspace())
        if visible < self.min_chars:
            return "short"
        if visible > self.max_chars:
            return "long"
        letters = sum(1 for ch in text if ch.isalpha() or _HAN.match(ch))
        if letters < self.min_letter_share * visible:
            return "symbols"
        return None


def han_count(text: str) -> int:
    """Han (Chinese) characters in `text`."""
    return len(_HAN.findall(text))
