"""What the Telegram adapter itself says, in Chinese and English: the command menu, the button
labels and the few one-liners that are about Telegram rather than about writing.

Everything else people read comes from the core, already in their language.
"""

from __future__ import annotations

from muse.core.commands import COMMAND_NAMES
from muse.core.messages import Lang
from muse.core.skills.ad import AdSkill
from muse.core.skills.brainstorm import IDEAS
from muse.core.skills.tagline import TAGLINES

# Every command the bot answers; /start is what Telegram clients send when a chat is opened.
MENU_NAMES = (*COMMAND_NAMES, "start")

# setMyCommands descriptions (Bot API: 1–256 characters); the menu is short, /help says more.
MENU: dict[Lang, dict[str, str]] = {
    "zh": {
        "ad": f"写 {AdSkill.n} 版广告文案",
        "tagline": f"写 {TAGLINES} 条广告语",
        "brainstorm": f"想 {IDEAS} 个创意点子",
        "script": "写短视频分镜脚本",
        "analyze": "分析文字：关键词和广告法风险用语",
        "reset": "开始新对话",
        "forget": "删除我保存的你的全部记录",
        "help": "使用说明",
        "start": "开始使用缪斯",
    },
    "en": {
        "ad": f"Write {AdSkill.n} ad copy options",
        "tagline": f"Write {TAGLINES} taglines",
        "brainstorm": f"Come up with {IDEAS} campaign ideas",
        "script": "Write a short video script",
        "analyze": "Analyze a text: keywords and ad-law risks",
        "reset": "Start a new conversation",
        "forget": "Delete everything I keep about you",
        "help": "How to use Muse",
        "start": "Get started with Muse",
    },
}

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
