"""Sentence boundaries in Chinese, English and mixed text.

A sentence ends at Chinese 。！？ or an ellipsis (… or ...), at English ! ?, at a period followed
by a space or the end (so 3.5 and v2.0 stay whole; "e.g. this" splits, which is acceptable), or at
a line break: ad copy puts headlines and list items on their own lines without punctuation.
Closing quotes and brackets after the punctuation stay with their sentence.
"""

from __future__ import annotations

import re

_CLOSERS = "”’\"'）)」』】"
_END = re.compile(
    rf"(?:[。！？!?]+|…+|\.{{2,}}|\.(?=[{_CLOSERS}]*(?:\s|$)))[{_CLOSERS}]*|\n+",
)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, with their end punctuation; no empty pieces."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        _keep(text[start : match.end()], sentences)
        start = match.end()
    _keep(text[start:], sentences)
    return sentences


def _keep(piece: str, sentences: list[str]) -> None:
    """Append `piece`; one without letters, digits or ideographs ("🎉", "——") joins the last."""
    piece = piece.strip()
    if any(ch.isalnum() for ch in piece):
        sentences.append(piece)
    elif piece and sentences:
        sentences[-1] += piece
