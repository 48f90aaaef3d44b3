"""Brand voice: what a team tells Muse about the brand it writes for, and where that holds.

A voice belongs to a scope. In a channel or group it is the channel's, else the workspace's
(channel wins); in a private chat it is the person's own, else the workspace's. Under a button
the channel's, the person's and the workspace's are tried in that order (a button press does
not say whether its chat is private, and a person's voice is only ever set in one).

`/voice` shows the voice in force; `/voice <description>`, `/voice must 词一,词二`,
`/voice ban 词一,词二` and `/voice clear` change the scope's own; `/voice workspace …` the
workspace's. The description goes into every skill's system prompt (`prompt_section`, bounded
in tokens); `ban` words are linted like ad-law terms and `must` words are required of ad copy
and taglines (generation.py, scoring.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from muse.core.messages import Incoming, Kind, Lang
from muse.core.tokens import estimate_tokens

# The voice's share of the system prompt: a short model reads a long one as noise, and it must
# never crowd out the history budget.
PROMPT_TOKENS = 160
MAX_DESCRIPTION_CHARS = 500  # longer is refused with a sentence saying so
MAX_WORDS = 20  # must / ban words per voice
MAX_WORD_CHARS = 30
# Words are separated by commas (ASCII and full-width), the enumeration comma, semicolons or
# new lines; spaces stay inside a word ("free delivery").
_WORD_SEPARATORS = re.compile(r"[,，、;；\n]+")
_WORKSPACE = ("workspace", "全局", "工作区")
_CLEAR = ("clear", "reset", "清除", "删除", "清空")
_MUST = ("must", "必含", "必用")  # not 必须: "/voice 必须提到环保" is a description
_BAN = ("ban", "禁用", "禁用词")


_HEAD: dict[Lang, str] = {"zh": "品牌调性（团队设定，写作时遵守）：", "en": "Brand voice: "}


class Level(StrEnum):
    """Where a voice holds."""

    CHANNEL = "channel"  # a Slack channel or a Telegram group
    PERSON = "person"  # a person's private chat with Muse (and the terminal user)
    WORKSPACE = "workspace"  # a whole Slack workspace (Telegram: the bot's every chat)


# How replies name the scope a voice holds for.
WHERE: dict[Lang, dict[Level, str]] = {
    "zh": {Level.CHANNEL: "本频道", Level.PERSON: "你的私聊", Level.WORKSPACE: "整个工作区"},
    "en": {
        Level.CHANNEL: "this channel",
        Level.PERSON: "your private chat",
        Level.WORKSPACE: "the whole workspace",
    },
}


@dataclass(frozen=True, slots=True)
class VoiceScope:
    """One place a voice can be set: `scope_id` is the channel or the person ("" for a
    workspace)."""

    platform: str
    workspace_id: str
    level: Level
    scope_id: str = ""


@dataclass(frozen=True, slots=True)
class Voice:
    """A team's description of its brand, words every ad must use one of, words it never uses."""

    description: str = ""
    must: tuple[str, ...] = ()
    ban: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when nothing is set (such a voice is removed, not stored)."""
        return not (self.description or self.must or self.ban)


@dataclass(frozen=True, slots=True)
class VoiceChange:
    """What a `/voice` argument asks for: `field` is "description", "must", "ban", "clear" or
    "show"; `workspace` when it is for the whole workspace."""

    field: str
    value: str | tuple[str, ...] = ""
    workspace: bool = False


class VoiceInputError(ValueError):
    """A `/voice` argument Muse cannot store; `key` names the sentence in texts.py."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def scopes(msg: Incoming) -> tuple[VoiceScope, ...]:
    """Where to look for the voice that holds for `msg`, the first found winning."""
    channel = VoiceScope(msg.platform, msg.workspace_id, Level.CHANNEL, msg.channel_id)
    person = VoiceScope(msg.platform, msg.workspace_id, Level.PERSON, msg.user_id)
    workspace = VoiceScope(msg.platform, msg.workspace_id, Level.WORKSPACE)
    if msg.kind is Kind.DIRECT:
        return person, workspace
    if msg.kind is Kind.ACTION:
        return channel, person, workspace
    return channel, workspace


def target(msg: Incoming, workspace: bool) -> VoiceScope:
    """The scope a `/voice` change in `msg` sets: the workspace, the private chat's person or
    the channel."""
    if workspace:
        return VoiceScope(msg.platform, msg.workspace_id, Level.WORKSPACE)
    if msg.kind is Kind.DIRECT:
        return VoiceScope(msg.platform, msg.workspace_id, Level.PERSON, msg.user_id)
    return VoiceScope(msg.platform, msg.workspace_id, Level.CHANNEL, msg.channel_id)


def parse_change(argument: str) -> VoiceChange:
    """Read a `/voice` argument; raises VoiceInputError for one too long to keep."""
    rest = argument.strip()
    workspace = False
    head, _, tail = rest.partition(" ")
    if head.casefold() in _WORKSPACE:
        workspace, rest = True, tail.strip()
        head, _, tail = rest.partition(" ")
    word = head.casefold()
    if not rest:
        return VoiceChange("show", workspace=workspace)
    if word in _CLEAR and not tail.strip():
        return VoiceChange("clear", workspace=workspace)
    for field, names in (("must", _MUST), ("ban", _BAN)):
        if word in names:
            return VoiceChange(field, words(tail), workspace)
    if len(rest) > MAX_DESCRIPTION_CHARS:
        raise VoiceInputError("voice_too_long", length=len(rest), limit=MAX_DESCRIPTION_CHARS)
    return VoiceChange("description", rest, workspace)


def words(text: str) -> tuple[str, ...]:
    """The distinct words of a `must`/`ban` list, in order; raises VoiceInputError past the
    limits."""
    found = tuple(dict.fromkeys(w.strip() for w in _WORD_SEPARATORS.split(text) if w.strip()))
    if len(found) > MAX_WORDS:
        raise VoiceInputError("voice_too_many_words", count=len(found), limit=MAX_WORDS)
    if long := [w for w in found if len(w) > MAX_WORD_CHARS]:
        raise VoiceInputError("voice_word_too_long", word=long[0], limit=MAX_WORD_CHARS)
    return found


def apply(voice: Voice, change: VoiceChange) -> Voice:
    """`voice` with `change` made ("clear" gives the empty voice)."""
    if change.field == "clear":
        return Voice()
    return replace(voice, **{change.field: change.value})


def prompt_section(voice: Voice, lang: Lang) -> str:
    """The system-prompt lines that carry `voice`, at most PROMPT_TOKENS (the description is
    cut at a character boundary to fit; the word lists are short by construction)."""
    if voice.empty:
        return ""
    sep = "、" if lang == "zh" else ", "
    lines = []
    if voice.must:
        lines.append(
            f"每条文案至少用上其中一个词：{sep.join(voice.must)}"
            if lang == "zh"
            else f"Every ad and tagline uses at least one of: {sep.join(voice.must)}"
        )
    if voice.ban:
        lines.append(
            f"不要出现这些词：{sep.join(voice.ban)}"
            if lang == "zh"
            else f"Never use these words: {sep.join(voice.ban)}"
        )
    head = _HEAD[lang]
    room = PROMPT_TOKENS - estimate_tokens("\n".join([head, *lines]))
    description = voice.description
    while description and estimate_tokens(description) > room:
        description = description[: len(description) * 9 // 10]
    return "\n".join([head + description, *lines]) if description else "\n".join(lines)


def ban_warning(words: Sequence[str], lang: Lang) -> str:
    """The visible mark for copy that still uses a banned word after the redraws."""
    if lang == "zh":
        return f"⚠️ 含团队禁用词：{'、'.join(words)}（发布前请修改）"
    return f"⚠️ Uses words your team banned: {', '.join(words)} (edit before publishing)"


def describe(voice: Voice | None, where: Level | None, lang: Lang) -> str:
    """What `/voice` shows: the voice in force and where it comes from, or how to set one."""
    if voice is None or where is None:
        if lang == "zh":
            return (
                "这里还没有设定品牌调性。\n"
                "/voice <描述> 设定品牌、受众和语气；"
                "/voice must 词一,词二 设定每条文案必须用上的词；"
                "/voice ban 词一,词二 设定禁用词；/voice clear 清除。"
            )
        return (
            "No brand voice is set here.\n"
            "/voice <description> sets the brand, audience and tone; /voice must word1, word2 "
            "sets words every ad must use one of; /voice ban word1, word2 sets words never to "
            "use; /voice clear removes it."
        )
    origin = WHERE[lang][where]
    none = "（无）" if lang == "zh" else "(none)"
    sep = "、" if lang == "zh" else ", "
    if lang == "zh":
        return (
            f"当前的品牌调性（来自{origin}）：\n"
            f"描述：{voice.description or none}\n"
            f"必须用上的词：{sep.join(voice.must) or none}\n"
            f"禁用词：{sep.join(voice.ban) or none}"
        )
    return (
        f"The brand voice in force (set for {origin}):\n"
        f"Description: {voice.description or none}\n"
        f"Must use one of: {sep.join(voice.must) or none}\n"
        f"Never use: {sep.join(voice.ban) or none}"
    )
