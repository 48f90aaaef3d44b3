"""Memorisation: the longest stretch of a generated text that appears verbatim in training text.

All character 8-grams of the training text are hashed (a polynomial rolling hash, wrapping
modulo 2^64) into one sorted array. Runs of consecutive 8-grams of the output that are all found
there bound the candidates; each candidate is then confirmed with an exact substring search,
so the reported length is exact (a hash collision can only cost time, never a wrong answer).
Overlaps shorter than 8 characters count as 0: at that length they are common phrases, not
memorised text.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

GRAM = 8
_BASE = np.uint64(1_000_003)


def _gram_hashes(text: str) -> np.ndarray:
    """(len(text) - GRAM + 1,) uint64 hashes of every character 8-gram of `text`."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < GRAM:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(len(codes) - GRAM + 1, dtype=np.uint64)
    for j in range(GRAM):
        h = h * _BASE + codes[j : len(codes) - GRAM + 1 + j]
    return h


class TrainingText:
    """An index of the training text for longest-overlap queries."""

    def __init__(self, texts: Iterable[str]) -> None:
        # A separator no text contains keeps matches from spanning two documents.
        self._text = "\x00".join(texts)
        self._hashes = np.unique(_gram_hashes(self._text))

    def longest_overlap(self, output: str) -> int:
        """Length of the longest substring of `output` found in the training text (0 if < 8)."""
        hashes = _gram_hashes(output)
        positions = np.searchsorted(self._hashes, hashes).clip(max=len(self._hashes) - 1)
        found = self._hashes[positions] == hashes
        best = GRAM - 1
        # Runs of found 8-grams, longest first: a run of r grams spans r + 7 characters.
        for start, length in sorted(_runs(found), key=lambda r: -r[1]):
            if length + GRAM - 1 <= best:
                break
            best = max(best, self._longest_within(output[start : start + length + GRAM - 1], best))
        return best if best >= GRAM else 0

    def _longest_within(self, span: str, best: int) -> int:
        """The longest substring of `span` in the training text, if longer than `best`."""
        i, size = 0, best + 1
        while i + size <= len(span):
            if span[i : i + size] in self._text:
                best = size
                size += 1
            else:
                i += 1
        return best


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in `flags`."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e - s)) for s, e in zip(edges[::2], edges[1::2], strict=True)]
