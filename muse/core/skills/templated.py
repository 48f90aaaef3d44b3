"""`TemplatedSkill`: a Skill whose prompts are per-language tables, plus the texts skills share.

Training data is rendered from exactly these prompts, so they stay short and regular: a fixed
system prompt per language and a user turn that fills one `{argument}` slot.
"""

from __future__ import annotations

from typing import ClassVar

from muse.core.llm.client import SamplingParams
from muse.core.messages import Action, Lang, Variant
from muse.core.skills.base import Skill

# End of an assistant turn in ChatML chat templates; for a server that already stops at the
# template's end token it changes nothing.
STOP = ("<|im_end|>",)

# The closing instruction of every system prompt: answer in the language the user writes in.
ANSWER_IN: dict[Lang, str] = {
    "zh": "除非用户另有要求，用中文回答。",
    "en": "Answer in English unless the user asks for another language.",
}
# Ad-law guidance for skills that write publishable copy (see muse/core/data/adlaw_terms.txt).
NO_ABSOLUTES: dict[Lang, str] = {
    "zh": "避免“最”“第一”“国家级”等绝对化用语和疗效承诺。",
    "en": 'Avoid absolute claims such as "best" or "No.1" and any promise of cures.',
}

# The user turn each button sends; the same for every skill.
FOLLOW_UPS: dict[Action, dict[Lang, str]] = {
    Action.REGENERATE: {
        "zh": "请换一个角度，重新写一版。",
        "en": "Try a different angle and write a new version.",
    },
    Action.SHORTER: {"zh": "更短一点。", "en": "Make it shorter."},
    Action.LONGER: {"zh": "写得更长、更具体一点。", "en": "Make it longer and more specific."},
    Action.TONE: {"zh": "换一种语气，更活泼一些。", "en": "Change the tone: make it livelier."},
}


class TemplatedSkill(Skill):
    """A skill defined by its prompt tables and decoding settings; subclasses add `split`."""

    system: ClassVar[dict[Lang, str]]
    user: ClassVar[dict[Lang, str]]  # with one "{argument}" slot
    sampling: ClassVar[SamplingParams]

    def params(self, lang: Lang) -> SamplingParams:
        """The skill's decoding settings (the same for both languages)."""
        return self.sampling

    def system_prompt(self, lang: Lang) -> str:
        """The system prompt in `lang`."""
        return self.system[lang]

    def user_prompt(self, argument: str, lang: Lang) -> str:
        """The user turn with the argument filled in."""
        return self.user[lang].format(argument=argument.strip())

    def argument_of(self, user_turn: str) -> str | None:
        """The argument `user_prompt` put into `user_turn` (in either language), or None."""
        for template in self.user.values():
            head, _, tail = template.partition("{argument}")
            if user_turn.startswith(head) and user_turn.endswith(tail):
                argument = user_turn[len(head) : len(user_turn) - len(tail)]
                if argument.strip():
                    return argument
        return None

    def follow_up(self, action: Action, lang: Lang) -> str:
        """The shared user turn for a button."""
        return FOLLOW_UPS[action][lang]

    def variant_header(self, index: int, lang: Lang) -> str:
        """No header: one completion per request."""
        return ""

    def render(self, variants: list[Variant], lang: Lang) -> str:
        """Each variant under its header, flags marked, separated by blank lines."""
        return "\n\n".join(self.variant_header(i, lang) + v.shown for i, v in enumerate(variants))


class PartsSkill(TemplatedSkill):
    """A long-form skill whose one completion is labelled parts separated by blank lines
    (press, lyrics, story, design): each part is a variant, and a draft that misses the
    shape is redrawn."""

    redraw = True
    best_of = True

    def render(self, variants: list[Variant], lang: Lang) -> str:
        """The parts separated by blank lines."""
        return "\n\n".join(v.shown for v in variants)

    def kept_parts(self, completion: str, lang: Lang) -> list[str] | None:
        """The parts of `completion` when split and render keep it as written; None else."""
        parts = self.split(completion, lang)
        return parts if self.render([Variant(p) for p in parts], lang) == completion else None
