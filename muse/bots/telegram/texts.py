"""What the Telegram adapter itself says, in Chinese and English: the command menu, the button
labels and the few one-liners that are about Telegram rather than about writing.

Everything else people read comes from the core, already in their language.
"""

from __future__ import annotations

from muse.core.commands import COMMAND_NAMES, COMMANDS
from muse.core.messages import Lang

# Every command the bot answers; /start is what Telegram clients send when a chat is opened.
MENU_NAMES = (*COMMAND_NAMES, "start")

# setMyCommands descriptions (Bot API: 1–256 characters): the core's menu lines, plus /start,
# which only Telegram has. The menu is short; /help says more.
_START: dict[Lang, str] = {"zh": "开始使用缪斯", "en": "Get started with Muse"}


def menu_entries(lang: Lang) -> dict[str, str]:
    """Every command of the menu with its description in `lang`, in menu order."""
    return {**{name: COMMANDS[name].menu[lang] for name in COMMAND_NAMES}, "start": _START[lang]}


_TEXTS: dict[str, dict[Lang, str]] = {
    # Shown under a reply while it is still being written.
    "writing": {"zh": "✍️ 正在写…", "en": "✍️ Writing…"},
    # Shown when a reply stopped half-way (Muse restarting, Telegram unreachable).
    "interrupted": {
        "zh": "（回复被中断了，请重新发送一次。）",
        "en": "(This reply was interrupted. Please send your request again.)",
    },
    # Callback answer (a small toast) for Regenerate, Shorter, Longer and Other tone.
    "rewriting": {"zh": "收到，正在改写…", "en": "Got it, rewriting…"},
    # Callback answer for a button Muse cannot read (an old format, or not Muse's).
    "stale_button": {
        "zh": "这个按钮已经失效了，请重新发送你的请求。",
        "en": "This button no longer works. Please send your request again.",
    },
    # Stickers, photos, voice notes…: the model only reads text.
    "text_only": {
        "zh": "我目前只能读文字消息，请用文字告诉我你的需求，例如：/ad 新款秋季风衣",
        "en": "I can only read text for now. Please type your request, "
        "e.g. /ad a new autumn trench coat",
    },
}


def text(key: str, lang: Lang) -> str:
    """The adapter's sentence `key` in `lang`."""
    return _TEXTS[key][lang]
