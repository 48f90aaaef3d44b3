"""The library of kept copy: a 👍 keeps a reply's shown drafts where it was written (a 👍 on
one variant keeps that one), a 👎 from the same person drops them again, and `/saved` lists,
searches and removes them."""

from __future__ import annotations

import re

from muse.core.history.store import HistoryStore, Library, Place, SavedCopy
from muse.core.messages import Incoming, Lang
from muse.core.skills.registry import get_skill
from muse.core.texts import text

SHOWN = 10  # items /saved lists
_REMOVE = re.compile(r"(?:remove|delete|删除|移除)\s*#?(\d+)", re.IGNORECASE)
_SKILL_NAMES = {
    "zh": {"ad": "广告文案", "tagline": "广告语", "brainstorm": "创意", "script": "脚本"},
    "en": {"ad": "ad", "tagline": "taglines", "brainstorm": "ideas", "script": "script"},
}


def place_of(msg: Incoming) -> Place:
    """The library `msg` belongs to: its channel, group or private chat."""
    return Place(msg.platform, msg.workspace_id, msg.channel_id)


async def after_vote(store: HistoryStore, library: Library, msg: Incoming) -> int:
    """Keep (👍) or drop (👎) the voted reply's drafts; returns how many were kept."""
    if msg.action is None or msg.target_message_id is None:
        return 0
    if msg.action.vote < 0:
        await library.unkeep(msg.target_message_id, msg.user_id)
        return 0
    target = await store.replied_message(msg.target_message_id)
    if target is None:
        return 0
    skill = get_skill(target.skill).for_turn(target.request)
    brief = skill.argument_of(target.request) or target.request
    fmt = skill.format.name if skill.format else None
    return await library.keep(
        place_of(msg), msg.target_message_id, msg.user_id, skill.name, fmt, brief, msg.variant
    )


async def answer_saved(library: Library, argument: str, msg: Incoming, lang: Lang) -> str:
    """`/saved` (newest kept copy here), `/saved <word>` (search), `/saved remove <n>`."""
    place = place_of(msg)
    if removal := _REMOVE.fullmatch(argument.strip()):
        item = int(removal.group(1))
        removed = await library.remove(place, item)
        return text("saved_removed" if removed else "saved_not_found", lang, item=item)
    word = argument.strip() or None
    items = await library.newest(place, word, SHOWN)
    if not items:
        return text("saved_none_for" if word else "saved_none", lang, word=word or "")
    head = text("saved_found" if word else "saved_head", lang, word=word or "", count=len(items))
    return "\n\n".join([head, *(_item(i, lang) for i in items), text("saved_tail", lang)])


def _item(item: SavedCopy, lang: Lang) -> str:
    """One kept piece: its number, skill, format and date, the brief, then the copy."""
    skill = _SKILL_NAMES[lang].get(item.skill, item.skill)
    when = (
        f"{item.created_at.month}月{item.created_at.day}日"
        if lang == "zh"
        else item.created_at.strftime("%d %b")
    )
    label = " · ".join(x for x in (f"#{item.id}", skill, item.format or "", when) if x)
    brief = ("简介：" if lang == "zh" else "Brief: ") + item.brief
    return f"{label}\n{brief}\n{item.text}"
