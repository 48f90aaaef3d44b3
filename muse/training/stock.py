"""Stock phrases in the authored data: the same run of words in the copy for many briefs.

A small model trained on copy that reuses a phrase across briefs learns the phrase, not the
craft ("用过就知道" in most ads). The rule (tests/training/test_authored.py): no span outside a
brief's own words appears in the outputs of more than `MAX_BRIEFS` different briefs. A span is a
character 8-gram of Chinese text, or a 5-gram of English words (a character 8-gram of English is
"with the" — common, not stock; five words cover about what eight Chinese characters do).

Before counting, each line loses its skill's structural label ("方案 1", "场景 2", "画面：",
"Line: ", "1. "…), which every output repeats by design, and the brief's own words are masked,
so copy that names its product ("火锅底料") shares nothing through the name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba

from muse.core.language import HAN
from muse.training.authored import Example

CHARS = 8  # Chinese span: characters
WORDS = 5  # English span: words
MAX_BRIEFS = 5
_MASK = "\x00"
# Labels every output of a skill starts its lines with; they are structure, not copy.
_LABEL = re.compile(
    r"^(?:方案 \d+|Option \d+|场景 \d+|Scene \d+|\d+\. |画面：|台词：|时长：|"
    r"Visual: |Line: |Duration: )"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_TOKEN = re.compile(r"\x00|[A-Za-z][A-Za-z'’-]*")  # an English word or the mask


@dataclass(frozen=True)
class Stock:
    """A span found in the outputs of too many briefs."""

    span: str
    briefs: tuple[str, ...]  # the briefs whose outputs contain it, in data order


def brief_key(example: Example) -> tuple[str, str, str]:
    """Records that share task, language and brief are one brief (regenerate pairs)."""
    return (example.task, example.lang, example.brief)


def outputs_of(example: Example) -> tuple[str, ...]:
    """Every completion the example teaches: the output and its follow-ups' answers."""
    return (example.output, *(f.output for f in example.follow_ups))


def spans(text: str, brief: str) -> set[str]:
    """The Chinese 8-grams and English word 5-grams of `text`, labels dropped, brief masked."""
    masked = _mask_brief(text, brief)
    found: set[str] = set()
    for line in masked.split("\n"):
        line = _LABEL.sub("", line.strip())
        for i in range(len(line) - CHARS + 1):
            window = line[i : i + CHARS]
            if _MASK not in window and len(HAN.findall(window)) >= CHARS // 2:
                found.add(window)
        tokens = _TOKEN.findall(line)
        words = [t.lower() for t in tokens]
        for i in range(len(words) - WORDS + 1):
            window_words = words[i : i + WORDS]
            if _MASK not in window_words:
                found.add(" ".join(window_words))
    return found


def stock_spans(examples: Iterable[Example], max_briefs: int = MAX_BRIEFS) -> list[Stock]:
    """Spans in the outputs of more than `max_briefs` briefs, the most widespread first."""
    where: dict[str, dict[tuple[str, str, str], None]] = defaultdict(dict)
    for example in examples:
        key = brief_key(example)
        for text in outputs_of(example):
            for span in spans(text, example.brief):
                where[span][key] = None
    found = [
        Stock(span, tuple(key[2] for key in keys))
        for span, keys in where.items()
        if len(keys) > max_briefs
    ]
    return sorted(found, key=lambda s: (-len(s.briefs), s.span))


def _mask_brief(text: str, brief: str) -> str:
    """`text` with each word of the brief (two or more characters) replaced by the mask."""
    for word in _brief_words(brief):
        text = re.sub(re.escape(word), _MASK, text, flags=re.IGNORECASE)
    return text


def _brief_words(brief: str) -> Sequence[str]:
    """The brief's words worth masking, longest first so a name is masked before its parts."""
    words = {w.strip() for w in jieba.lcut(brief) if len(w.strip()) >= 2}
    words |= {w for w in _WORD.findall(brief) if len(w) >= 3}
    return sorted(words, key=len, reverse=True)
