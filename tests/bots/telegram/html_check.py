"""Telegram's HTML parse mode, as strictly as its documentation states it, for the fake server.

Bot API, "HTML style": only the listed tags; "All <, > and & symbols that are not a part of a
tag or an HTML entity must be replaced with the corresponding HTML entities"; only &lt; &gt;
&amp; &quot; and numerical entities. The visible text is what length limits apply to.
"""

from __future__ import annotations

import html
import re

TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")


class MarkupError(ValueError):
    """Telegram would answer 400 "can't parse entities"."""


def parse_html(marked: str) -> str:
    """The visible text of `marked`; MarkupError where Telegram would refuse it."""
    out: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < len(marked):
        char = marked[pos]
        if char == "<":
            tag = _TAG.match(marked, pos)
            if tag is None or tag[2].lower() not in TAGS:
                raise MarkupError(f"unsupported start tag at byte offset {pos}")
            name = tag[2].lower()
            if tag[1]:
                if not open_tags or open_tags.pop() != name:
                    raise MarkupError(f"can't find end tag corresponding to start tag {name}")
            else:
                open_tags.append(name)
            pos = tag.end()
        elif char == "&":
            entity = _ENTITY.match(marked, pos)
            if entity is None:
                raise MarkupError(f"unsupported HTML entity at byte offset {pos}")
            out.append(html.unescape(entity[0]))
            pos = entity.end()
        elif char == ">":
            raise MarkupError(f"unexpected end of tag at byte offset {pos}")
        else:
            out.append(char)
            pos += 1
    if open_tags:
        raise MarkupError(f"can't find end tag corresponding to start tag {open_tags[-1]}")
    return "".join(out)
