"""Cleaning model output: list markers, markdown, labels, chatter; joining; marking lint flags.

Small models wrap answers in the habits of their pretraining text — "好的，以下是……：", numbered
lists, **bold**, "标题：" labels, "希望对你有帮助！". Skills use these helpers to keep only content.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# "1." "1、" "1)" "(1)" "（1）" "①" "一、" and bullets; "3.5元" is not a marker (digit after ".").
_MARKER = re.compile(
    r"^(?:[-*+]\s+|[•·▪◦●■►▶➤✓✔]\s*"
    r"|\d{1,2}\s*(?:[.．](?!\d)|[、)）])\s*"
    r"|[（(]\d{1,2}[)）]\s*"
    r"|[①-⑳]\s*"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]\s*)"
)
# Labels a model puts before content, with an optional number: "标题：", "Idea 3:", "方案二"
# (a bare variant header on its own line is a label with nothing after it).
_LABEL = re.compile(
    r"^(?:标题|副标题|主标题|正文|文案|广告文案|广告语|标语|口号|点子|创意|想法|方案|版本"
    r"|headline|sub-?headline|body(?:\s+copy)?|copy|tagline|slogan|idea|option|version|variant)"
    r"\s*[0-9一二三四五六七八九十]*\s*(?:[:：]\s*|$)",
    re.IGNORECASE,
)
# Politeness around the answer: openers, offers, wishes and notes. Kept narrow so copy such as
# "希望这个秋天更暖" or "Here's to you" survives; intros ending in a colon are caught by is_intro.
_CHATTER = re.compile(
    r"^(?:好的(?:[，,。！!\s]|$)|当然(?:可以)?[，,。！!]|没问题[，,。！!]|以下是|下面是"
    r"|希望(?:以上|这些|这几|这份|这版|上面|.{0,8}对你有)|如果?还?(?:需要|有需要)|需要的话"
    r"|(?:注|备注|说明|note)[:：]"
    r"|(?:sure|certainly|of course|absolutely)[,!.]|i hope\b|let me know\b|feel free\b"
    r"|hope (?:this|these|that) (?:helps|works)|hope you (?:like|enjoy|find)|i've written\b)",
    re.IGNORECASE,
)
_WRAPPING_QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "'": "'", "‘": "’"}
# Full-width punctuation already separates sentences; after anything else a space is needed.
_FULL_WIDTH_END = "。！？…，；：”’」』）"


def has_marker(line: str) -> bool:
    """True when `line` starts with a list number or bullet."""
    return _MARKER.match(line.strip()) is not None


def clean_line(line: str) -> str:
    """`line` without markdown emphasis or heading marks, list marker and wrapping quotes."""
    line = line.replace("**", "").replace("__", "").strip()
    line = re.sub(r"^#{1,6}\s*", "", line)
    line = _MARKER.sub("", line, count=1).strip()
    return unquote(line)


def unquote(line: str) -> str:
    """`line` without a pair of quotes wrapping all of it."""
    if len(line) >= 2 and _WRAPPING_QUOTES.get(line[0]) == line[-1]:
        inner = line[1:-1].strip()
        if inner and not any(q in inner for q in (line[0], line[-1])):
            return inner
    return line


def strip_label(line: str) -> str:
    """`line` without a leading label such as "标题：" or "Headline:"."""
    return _LABEL.sub("", line, count=1).strip()


def is_chatter(line: str) -> bool:
    """True for politeness around the answer ("好的，以下是……", "Hope this helps!")."""
    return _CHATTER.match(line) is not None


def is_intro(line: str) -> bool:
    """True for a line that announces what follows ("以下是 5 条广告语：")."""
    return line.endswith((":", "："))


def content_lines(text: str) -> list[str]:
    """Non-empty cleaned lines without labels, chatter or intros."""
    lines = (strip_label(clean_line(raw)) for raw in text.splitlines())
    return [line for line in lines if line and not is_chatter(line) and not is_intro(line)]


def list_items(text: str) -> list[str]:
    """The items of a list answer: only numbered/bulleted lines when there are at least two,
    which leaves out unnumbered chatter around them; otherwise every content line."""
    marked = [raw for raw in text.splitlines() if has_marker(raw)]
    return content_lines("\n".join(marked) if len(marked) >= 2 else text)


def unique(items: Iterable[str]) -> list[str]:
    """`items` without repeats, comparing letters, digits and ideographs only, ignoring case."""
    seen: set[str] = set()
    kept: list[str] = []
    for item in items:
        key = "".join(ch for ch in item.casefold() if ch.isalnum())
        if key and key not in seen:
            seen.add(key)
            kept.append(item)
    return kept


def join_sentences(sentences: Sequence[str]) -> str:
    """Sentences on one line: glued after full-width punctuation, else separated by a space."""
    joined = ""
    for sentence in sentences:
        if joined and not joined.endswith(tuple(_FULL_WIDTH_END)):
            joined += " "
        joined += sentence
    return joined


def numbered(items: Sequence[str]) -> str:
    """Items as numbered lines: "1. …"."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))


def labelled(line: str, labels: dict[str, str]) -> tuple[str, str] | None:
    """(canonical label, text) when `line` starts with one of `labels`' names and a colon
    ("理念：…" → ("设计理念", "…")); None otherwise. Names match ignoring case."""
    head, colon, text = line.partition("：") if "：" in line[:20] else line.partition(":")
    if not colon:
        return None
    canonical = labels.get(head.strip().casefold())
    return (canonical, text.strip()) if canonical else None


def paragraphs(text: str) -> list[str]:
    """The cleaned non-empty lines of `text` without chatter: one paragraph each."""
    lines = (clean_line(raw) for raw in text.splitlines())
    return [line for line in lines if line and not is_chatter(line)]
