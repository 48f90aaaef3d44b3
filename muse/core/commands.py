"""Parsing slash commands, once in the core for every platform, and the texts that explain them.

Accepted forms: "/ad brief", "/ad@SomeBot brief" (Telegram appends the bot's username in
groups), a full-width "／ad brief" (Chinese input methods type "／"), and "/ad新款风衣" with no
space, which Chinese users often send. Plain text is a chat message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from muse.core.command_spec import CommandSpec
from muse.core.formats import pick
from muse.core.messages import Incoming, Lang
from muse.core.skills.registry import COMMAND_SKILLS

# The core's own commands, answered without the model; skills declare theirs (Skill.command).
_LOCAL: dict[str, CommandSpec] = {
    "analyze": CommandSpec(
        placeholder={"zh": "<文字>", "en": "<text>"},
        example={"zh": "轻薄防风，秋天出门就穿它。", "en": "Light, windproof, ready for autumn."},
        summary={
            "zh": "分析一段文字：关键词、字数、句数、广告法风险用语",
            "en": "analyze a text: keywords, length, sentences, ad-law risk terms",
        },
        menu={
            "zh": "分析文字：关键词和广告法风险用语",
            "en": "Analyze a text: keywords and ad-law risks",
        },
    ),
    "voice": CommandSpec(
        placeholder={
            "zh": "[描述 | must 词一,词二 | ban 词一,词二 | clear]",
            "en": "[description | must word, word | ban word, word | clear]",
        },
        example={
            "zh": "「青禾」社区食堂，面向附近的老人和上班族，语气亲切朴实，不用网络流行语",
            "en": "Brickwell wooden toys: warm, plain-spoken, for parents of toddlers",
        },
        summary={
            "zh": "查看或设定品牌调性（品牌、受众、语气、必用词和禁用词）；频道里只有管理员可以改",
            "en": "show or set the brand voice (brand, audience, tone, must and banned words); "
            "in channels only admins can change it",
        },
        menu={"zh": "品牌调性：查看或设定", "en": "Brand voice: show or set"},
        optional=True,
    ),
    "saved": CommandSpec(
        placeholder={"zh": "[词 | remove 编号]", "en": "[word | remove number]"},
        example={"zh": "火锅", "en": "coffee"},
        summary={
            "zh": "查看、搜索或删除这里的收藏（点过 👍 的文案）",
            "en": "list, search or remove the copy kept here (replies you gave a 👍)",
        },
        menu={"zh": "收藏的文案", "en": "Kept copy"},
        optional=True,
    ),
    "reset": CommandSpec(
        placeholder={},
        example={},
        summary={"zh": "开始新对话", "en": "start a new conversation"},
        menu={"zh": "开始新对话", "en": "Start a new conversation"},
    ),
    "forget": CommandSpec(
        placeholder={},
        example={},
        summary={
            "zh": "删除我保存的你的全部对话记录",
            "en": "delete all your conversations I keep",
        },
        menu={"zh": "删除我保存的你的全部记录", "en": "Delete everything I keep about you"},
    ),
    "help": CommandSpec(
        placeholder={},
        example={},
        summary={"zh": "显示这条说明", "en": "show this help"},
        menu={"zh": "使用说明", "en": "How to use Muse"},
    ),
}
# Every command, skills first, in the order /help and the platforms' command menus list them.
COMMANDS: dict[str, CommandSpec] = {
    **{skill.name: skill.command for skill in COMMAND_SKILLS if skill.command is not None},
    **_LOCAL,
}
COMMAND_NAMES: tuple[str, ...] = tuple(COMMANDS)
# Commands whose argument is the whole point; sent bare they get a usage line with an example.
ARGUMENT_COMMANDS: tuple[str, ...] = tuple(n for n, spec in COMMANDS.items() if spec.takes_argument)
# Replies about the person or about Muse itself, not copy for the channel to see.
_PERSONAL = frozenset({"help", "reset", "forget", "unknown", "formats", "voice", "saved"})
# Skills that take a platform format before the brief, and what asks them for the list.
_FORMAT_SKILLS = frozenset(skill.name for skill in COMMAND_SKILLS if skill.takes_formats)
_FORMAT_LIST = frozenset({"formats", "format", "platforms", "格式", "平台", "全部格式"})
# Skills' other names; Telegram sends /start when a user first opens the bot; British "analyse".
_SKILL_ALIASES = {alias: skill.name for skill in COMMAND_SKILLS for alias in skill.aliases}
_ALIASES = {
    **_SKILL_ALIASES,
    "start": "help",
    "library": "saved",
    "analyse": "analyze",
}

# Slash (ASCII or full-width), a name in ASCII or full-width letters, an optional @botname.
_COMMAND = re.compile(
    r"[/／](?P<name>[A-Za-zＡ-Ｚａ-ｚ][A-Za-z0-9_Ａ-Ｚａ-ｚ０-９＿]*)"
    r"(?:[@＠][A-Za-z0-9_]+)?"
    r"(?P<rest>.*)",
    re.DOTALL,
)
# Separators people put between a command and its argument: spaces, "：", ":", "，", ",".
_LEADING_SEPARATORS = " \t\r\n\u3000:：,，"


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed message: `name` is a command, "chat" for plain text or "unknown".

    For "chat" the argument is the text; for "unknown" it is the command ("/xyz", lower-cased,
    without any @botname); for "formats" ("/ad formats") the skill it was asked of. `format`
    is the platform named before a brief ("/ad 小红书 …" → "xiaohongshu"), the argument then
    being the brief alone.
    """

    name: str
    argument: str = ""
    format: str | None = None

    @property
    def missing_argument(self) -> bool:
        """True when a command that needs an argument came without one."""
        return self.name in ARGUMENT_COMMANDS and not self.argument

    @property
    def personal(self) -> bool:
        """True when the reply is for the asker only: help, reset, forget, voice, an unknown
        command or a usage line. Platforms that can answer privately (Slack's ephemeral) do so."""
        return self.name in _PERSONAL or self.missing_argument


_HELP_INTRO: dict[Lang, str] = {
    "zh": "我是缪斯（Muse），帮你写广告文案、广告语、创意点子和短视频脚本。\n\n命令：",
    "en": "I'm Muse, here to help with ad copy, taglines, ideas and video scripts.\n\nCommands:",
}
_HELP_OUTRO: dict[Lang, str] = {
    "zh": (
        "也可以直接给我发消息聊创意；在频道或群里 @我，我会在同一个话题里回复。\n"
        "在 /ad 和 /tagline 的简介前可以写上平台，例如 /ad 小红书 新款防晒霜；"
        "/ad formats 列出全部平台格式。\n"
        "回复下方的按钮可以让我换一版、写短一点、写长一点或换个语气。\n"
        "我会记住当前对话的上下文：对话太长时最早的内容会被省略，长时间不聊会自动开始新对话。"
        "/reset 立即开始新对话，/forget 删除你的全部记录。"
    ),
    "en": (
        "You can also just message me to brainstorm; in a channel or group, @mention me and I'll "
        "reply in the thread.\n"
        "Name a platform before the brief of /ad or /tagline, e.g. /ad instagram handmade "
        "leather wallet; /ad formats lists them all.\n"
        "The buttons under a reply ask for a new version, a shorter one, a longer one or a "
        "different tone.\n"
        "I remember the current conversation: the oldest turns are dropped when it gets long, and "
        "a new one starts after a long pause. /reset starts a new conversation now; /forget "
        "deletes everything I keep of yours."
    ),
}


def parse(text: str) -> Command:
    """Parse one message into a command, a chat message or an unknown command."""
    stripped = text.strip()
    match = _COMMAND.fullmatch(stripped)
    if match is None or _continues_name(match.group("rest")):
        return Command("chat", stripped)
    return resolve(match.group("name"), match.group("rest"))


def resolve(name: str, argument: str) -> Command:
    """The command called `name` (any case, full-width letters or an alias) with `argument`."""
    name = unicodedata.normalize("NFKC", name).lower()
    name = _ALIASES.get(name, name)
    if name not in COMMAND_NAMES:
        return Command("unknown", "/" + name)
    argument = argument.lstrip(_LEADING_SEPARATORS).strip()
    if name in _FORMAT_SKILLS:
        if argument.casefold() in _FORMAT_LIST:
            return Command("formats", name)
        fmt, brief = pick(argument)
        if fmt is not None:
            return Command(name, brief, fmt.name)
    return Command(name, argument)


def read(msg: Incoming) -> Command:
    """What a message asks for: the command its platform named, else its text parsed."""
    return parse(msg.text) if msg.command is None else resolve(msg.command, msg.text)


def _continues_name(rest: str) -> bool:
    """True when the text goes on like a path, file, word or address ("/usr/bin", "/ad-hoc")."""
    return rest[:1] in {"/", "／", "@", "＠", ".", "-"}


def usage(name: str, lang: Lang) -> str:
    """The usage line of a command, with an example when it takes an argument."""
    spec = COMMANDS[name]
    if not spec.takes_argument:
        return f"用法：/{name}" if lang == "zh" else f"Usage: /{name}"
    if lang == "zh":
        return f"用法：/{name} {spec.placeholder['zh']}，例如：/{name} {spec.example['zh']}"
    return f"Usage: /{name} {spec.placeholder['en']}, e.g. /{name} {spec.example['en']}"


def _also(name: str, lang: Lang) -> str:
    """The other names of a skill's command for its /help line ("（也可以用 /slogan）")."""
    others = " ".join(f"/{alias}" for alias, target in _SKILL_ALIASES.items() if target == name)
    if not others:
        return ""
    return f"（也可以用 {others}）" if lang == "zh" else f" (or {others})"


def help_text(lang: Lang) -> str:
    """Every command on one line each, then how buttons, memory, /reset and /forget work."""
    lines = [_HELP_INTRO[lang]]
    for name in COMMAND_NAMES:
        spec = COMMANDS[name]
        call = f"/{name} {spec.placeholder[lang]}" if spec.placeholder else f"/{name}"
        lines.append(f"{call} — {spec.summary[lang]}{_also(name, lang)}")
    return "\n".join(lines) + "\n\n" + _HELP_OUTRO[lang]
