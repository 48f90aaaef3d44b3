"""TF-IDF keywords over jieba's words and IDF table, without importing `jieba.analyse`.

`jieba.analyse` imports jieba's part-of-speech tagger at import time, which costs as much
start-up as the dictionary itself, and the product check of every `/ad` and `/tagline` turn
needs TF-IDF only. The ranking is jieba 0.42's `TFIDF.extract_tags`: each word's count times
its IDF (the table's median IDF for words it lacks) over the number of counted words; words
shorter than two characters and stop words are not counted.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib.resources import files
from types import ModuleType

IDF_FILE = "analyse/idf.txt"  # inside the jieba package: "word idf" per line


@cache
def jieba_module() -> ModuleType:
    """jieba, imported on first use (its dictionary loads on the first cut) and kept quiet."""
    import jieba

    # jieba logs dictionary loading at DEBUG on its own stderr handler; keep stderr for our logs.
    jieba.setLogLevel(logging.WARNING)
    return jieba


@cache
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF table and its median, read once."""
    text = (files("jieba") / IDF_FILE).read_text(encoding="utf-8")
    table: dict[str, float] = {}
    for line in text.splitlines():
        word, _, value = line.strip().partition(" ")
        table[word] = float(value)
    return table, sorted(table.values())[len(table) // 2]


def tfidf(text: str, stop_words: frozenset[str]) -> list[tuple[str, float]]:
    """Every counted word of `text` with its TF-IDF weight, highest first (ties keep the
    order the words first appear in)."""
    counts: dict[str, float] = {}
    for word in jieba_module().cut(text):
        if len(word.strip()) < 2 or word.lower() in stop_words:
            continue
        counts[word] = counts.get(word, 0.0) + 1.0
    table, median = idf_table()
    total = sum(counts.values())
    weights = {word: n * table.get(word, median) / total for word, n in counts.items()}
    return sorted(weights.items(), key=lambda item: item[1], reverse=True)
