"""The words on the buttons under a reply, one set for every platform, so a reply's buttons read
the same in Slack and Telegram (and match the core's texts, which say 「重新生成」 / Regenerate)."""

from __future__ import annotations

from muse.core.messages import Action, Lang

BUTTON_LABELS: dict[Action, dict[Lang, str]] = {
    Action.REGENERATE: {"zh": "🔄 重新生成", "en": "🔄 Regenerate"},
    Action.SHORTER: {"zh": "✂️ 短一点", "en": "✂️ Shorter"},
    Action.LONGER: {"zh": "📝 长一点", "en": "📝 Longer"},
    Action.TONE: {"zh": "🎭 换个语气", "en": "🎭 Other tone"},
    Action.LIKE: {"zh": "👍", "en": "👍"},
    Action.DISLIKE: {"zh": "👎", "en": "👎"},
}
