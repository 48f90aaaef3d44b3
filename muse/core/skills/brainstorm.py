"""/brainstorm: eight campaign ideas on a topic, one line each, in one completion."""

from __future__ import annotations

from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang, Variant
from muse.core.sentences import split_sentences
from muse.core.skills.templated import ANSWER_IN, STOP, TemplatedSkill
from muse.core.skills.text import list_items, numbered, unique

IDEAS = 8


class BrainstormSkill(TemplatedSkill):
    """Ideas: one completion of eight numbered lines; each idea is a variant."""

    name = "brainstorm"
    command = CommandSpec(
        placeholder={"zh": "<主题>", "en": "<topic>"},
        example={
            "zh": "中秋节会员拉新活动",
            "en": "Mid-Autumn Festival campaign to win new members",
        },
        summary={"zh": f"想 {IDEAS} 个创意点子", "en": f"come up with {IDEAS} campaign ideas"},
        menu={"zh": f"想 {IDEAS} 个创意点子", "en": f"Come up with {IDEAS} campaign ideas"},
    )
    aliases = ("ideas",)
    n = 1
    lint = False
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            f"你是缪斯，一名创意总监。围绕用户给的主题提出 {IDEAS} 个营销创意点子，"
            f"每行一个，用 1. 到 {IDEAS}. 编号，每个点子用一句话说清做法。不要解释。"
            f"{ANSWER_IN['zh']}"
        ),
        "en": (
            f"You are Muse, a creative director. Give {IDEAS} marketing ideas on the user's "
            f"topic, one per line, numbered 1. to {IDEAS}., each one sentence saying what to do. "
            f"No explanations. {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": f"主题：{{argument}}\n请给出 {IDEAS} 个创意点子。",
        "en": f"Topic: {{argument}}\nGive {IDEAS} ideas.",
    }
    # Ideas should surprise: a little hotter than copy. Eight sentences need about 512 tokens.
    sampling = SamplingParams(
        temperature=0.95, top_p=0.95, max_tokens=512, repetition_penalty=1.1, stop=STOP
    )

    def split(self, completion: str, lang: Lang) -> list[str]:
        """Up to eight distinct ideas, numbering and chatter stripped."""
        return unique(list_items(completion))[:IDEAS]

    def render(self, variants: list[Variant], lang: Lang) -> str:
        """The ideas numbered 1–8, one per line."""
        return numbered([v.shown for v in variants])

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """Eight lines numbered "1. " to "8. ", one sentence each, as `render` writes them."""
        lines = completion.split("\n")
        if len(lines) != IDEAS or any(
            not line.startswith(f"{i}. ") for i, line in enumerate(lines, start=1)
        ):
            return f"{IDEAS} lines numbered 1. to {IDEAS}."
        ideas = self.split(completion, lang)
        if self.render([Variant(i) for i in ideas], lang) != completion:
            return "the brainstorm skill's split and render change it"
        several = [idea for idea in ideas if len(split_sentences(idea)) != 1]
        if several:
            return f"ideas of more than one sentence: {several}"
        return None
