"""Split long replies for platforms with per-message limits, without losing a character.

Slack sections hold about 3,000 characters and Telegram messages 4,096 UTF-16 code units;
a reply longer than that is cut at the most natural boundary available — paragraph, line,
sentence, clause, word — and only as a last resort mid-word. `"".join(pieces) == text`.
"""

from __future__ import annotations

from collections.abc import Callable

# Boundaries in order of preference; each piece keeps its separator at its end.
SEPARATORS = ("\n\n", "\n", "。", "！", "？", "! ", "? ", ". ", "；", "; ", "，", ", ", " ")

Measure = Callable[[str], int]


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (emoji outside the BMP count 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int, measure: Measure = len) -> list[str]:
    """Pieces of `text`, each measuring ≤ `limit`, that concatenate back to `text`.

    `measure` must add up over concatenation (len, UTF-16 length, escaped length).
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    if measure(text) <= limit:
        return [text] if text else []
    for separator in SEPARATORS:
        parts = _split_after(text, separator)
        if len(parts) > 1:
            return _pack(parts, limit, measure)
    return _cut(text, limit, measure)


def _split_after(text: str, separator: str) -> list[str]:
    """`text` split after each `separator`, which stays with the piece before it."""
    pieces = text.split(separator)
    return [p + separator for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])


def _pack(parts: list[str], limit: int, measure: Measure) -> list[str]:
    """Greedily join consecutive parts up to the limit; split parts that alone exceed it."""
    pieces: list[str] = []
    current, size = "", 0
    for part in parts:
        part_size = measure(part)
        if part_size > limit:
            if current:
                pieces.append(current)
                current, size = "", 0
            pieces.extend(split_text(part, limit, measure))
        elif size + part_size > limit:
            pieces.append(current)
            current, size = part, part_size
        else:
            current, size = current + part, size + part_size
    if current:
        pieces.append(current)
    return pieces


def _cut(text: str, limit: int, measure: Measure) -> list[str]:
    """Last resort: cut between characters (never inside one)."""
    pieces: list[str] = []
    current, size = "", 0
    for char in text:
        char_size = measure(char)
        if size + char_size > limit and current:
            pieces.append(current)
            current, size = "", 0
        current, size = current + char, size + char_size
    if current:
        pieces.append(current)
    return pieces
