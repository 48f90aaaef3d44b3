"""Free conversation: brainstorming in direct messages and channel threads, with history."""

from __future__ import annotations

from typing import ClassVar

from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang
from muse.core.skills.templated import ANSWER_IN, NO_ABSOLUTES, STOP, TemplatedSkill


class ChatSkill(TemplatedSkill):
    """Chat: the user's text is the user turn; the whole reply is one variant."""

    name = "chat"
    n = 1
    lint = False
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            "你是缪斯（Muse），帮市场营销团队做创意写作的助手：广告文案、广告语、创意点子、"
            f"短视频脚本。回答简洁、具体、有新意。{NO_ABSOLUTES['zh']}{ANSWER_IN['zh']}"
        ),
        "en": (
            "You are Muse, a creative-writing assistant for marketing teams: ad copy, taglines, "
            "campaign ideas, short-video scripts. Be concise, concrete and fresh. "
            f"{NO_ABSOLUTES['en']} {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {"zh": "{argument}", "en": "{argument}"}
    sampling = SamplingParams(
        temperature=0.8, top_p=0.95, max_tokens=512, repetition_penalty=1.1, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """The whole reply, trimmed; nothing when it is empty."""
        text = completion.strip()
        return [text] if text else []

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """Any text, as long as it has no surrounding blanks and is not empty."""
        if self.split(completion, lang) != [completion]:
            return "must be non-empty text without surrounding blanks"
        return None
