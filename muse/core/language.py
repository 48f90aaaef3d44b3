"""Which language to answer in: Chinese or English, decided from the user's own text.

Muse is Chinese-first, and Chinese marketers mix English brand names and jargon into Chinese
requests ("帮我写 slogan for 咖啡"), while English requests rarely carry more Chinese than a
brand name ("Write an ad for 小米 phones"). So Chinese wins once its share is meaningful.
"""

from __future__ import annotations

import re

from muse.core.messages import Lang

# CJK Unified Ideographs with extension A, the compatibility block and extensions B–F (plane 2).
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
# A Latin word: ASCII and Latin-1/Extended-A/B letters (café, naïve), with inner apostrophes.
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+(?:['’][A-Za-z]+)*")

# Text that says nothing about the user's language: a leading command ("/ad@SomeBot"),
# mentions (Slack "<@U123>", "@muse_bot"), links and e-mail addresses.
_NOT_LANGUAGE = re.compile(
    r"^\s*[/／][A-Za-zＡ-Ｚａ-ｚ0-9_]*(?:[@＠][A-Za-z0-9_]+)?"  # the command, "/ad新款" keeps 新款
    r"|<[@#!][^>]*>"  # Slack user, channel and special mentions
    r"|<?(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+>?"  # ASCII URL characters
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]+"  # e-mail addresses
    r"|[@＠][A-Za-z0-9_.\-]+"  # @username
)

# Chinese words average about 1.5 characters, so 1.2 characters per English word means Chinese
# makes up roughly 45% of the words: below half on purpose, to lean Chinese (see the docstring).
_HAN_PER_ENGLISH_WORD = 1.2


def detect_language(text: str, hint: str | None = None) -> Lang:
    """The language to answer `text` in; `hint` ("zh-CN", "en-US", "zh_hans") breaks no-letter ties.

    Commands, mentions, links and e-mail addresses are not counted: "/help" alone has no letters
    to go by. Without letters (emoji, numbers, punctuation) a hint starting with "zh" gives
    Chinese, any other hint English (Muse only answers in these two, and English serves other
    locales better); no hint gives Chinese.
    """
    text = _NOT_LANGUAGE.sub(" ", text)
    han = len(HAN.findall(text))
    english_words = len(_LATIN_WORD.findall(text))
    if han == 0 and english_words == 0:
        return _from_hint(hint)
    return "zh" if han >= _HAN_PER_ENGLISH_WORD * english_words else "en"


def _from_hint(hint: str | None) -> Lang:
    """Map a platform locale to a language; Chinese when there is none."""
    if not hint or not hint.strip():
        return "zh"
    return "zh" if hint.strip().lower().startswith("zh") else "en"
