"""/tagline: five short taglines for a brief, one per line, in one completion."""

from __future__ import annotations

import re
from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.counting import within
from muse.core.formats import FORMATS, limit_mark
from muse.core.llm.client import SamplingParams
from muse.core.messages import Lang, Variant
from muse.core.skills.base import COPY_PRIOR
from muse.core.skills.platform import PlatformSkill
from muse.core.skills.templated import ANSWER_IN, NO_ABSOLUTES, STOP
from muse.core.skills.text import list_items, unique

TAGLINES = 5
MAX_CHINESE_CHARS = 16
MAX_ENGLISH_WORDS = 8


def fits(line: str, lang: Lang) -> bool:
    """True when the tagline is within the limit of its own language (≤16 characters / ≤8 words).

    The line's language decides, not the user's: a Chinese user may ask for English taglines.
    """
    return within(line, lang, MAX_CHINESE_CHARS, MAX_ENGLISH_WORDS)


# What a platform adds to the tagline prompt: the limit of its title, hook or headline.
FORMAT_LINE: dict[Lang, str] = {
    "zh": "这些广告语用于{label}，每条还要不超过 {most}（按{label}的计数）。",
    "en": "They are for {label}: each also {most} characters or fewer as {label} counts.",
}
FORMAT_HEADER: dict[Lang, str] = {"zh": "格式：{label}\n", "en": "Format: {label}\n"}
# The header as a model may copy it from a stored reply in its history: never a tagline.
_HEADER_LINE = re.compile(
    r"^\s*(?:格式[：:]|Format:)\s*(?:"
    + "|".join(re.escape(f.label[lang]) for f in FORMATS for lang in ("zh", "en"))
    + r")\s*$",
    re.MULTILINE,
)


class TaglineSkill(PlatformSkill):
    """Taglines: one completion of five lines; each line is a variant. With a format each line
    also keeps the platform's title, hook or headline limit."""

    name = "tagline"
    n = 1
    lint = True
    grounded = True
    best_of = True
    command = CommandSpec(
        placeholder={"zh": "<产品或品牌简介>", "en": "<product or brand brief>"},
        example={"zh": "社区咖啡馆，周末早午餐", "en": "Neighbourhood café with weekend brunch"},
        summary={
            "zh": f"写 {TAGLINES} 条广告语，每条不超过 {MAX_CHINESE_CHARS} 个字",
            "en": f"write {TAGLINES} taglines, {MAX_ENGLISH_WORDS} words or fewer each",
        },
        menu={"zh": f"写 {TAGLINES} 条广告语", "en": f"Write {TAGLINES} taglines"},
    )
    aliases = ("slogan",)
    system: ClassVar[dict[Lang, str]] = {
        "zh": (
            f"你是缪斯，一名资深广告文案。根据用户提供的产品或品牌简介写 {TAGLINES} 条广告语，"
            f"每行一条，每条不超过 {MAX_CHINESE_CHARS} 个字。不要编号，不要解释。"
            f"{NO_ABSOLUTES['zh']}{ANSWER_IN['zh']}"
        ),
        "en": (
            f"You are Muse, a senior copywriter. Write {TAGLINES} taglines for the user's product "
            f"or brand brief, one per line, {MAX_ENGLISH_WORDS} words or fewer each. "
            f"No numbering, no explanations. {NO_ABSOLUTES['en']} {ANSWER_IN['en']}"
        ),
    }
    user: ClassVar[dict[Lang, str]] = {
        "zh": f"产品简介：{{argument}}\n请写 {TAGLINES} 条广告语。",
        "en": f"Brief: {{argument}}\nWrite {TAGLINES} taglines.",
    }
    # Five short lines fit in 160 tokens; decoded like ad copy (see ad.py). The presence penalty
    # keeps a small model from writing the same stock line twice, which leaves a set of four
    # after the dedup (measurements: muse/training/data/README.md, "Decoding settings").
    sampling = SamplingParams(
        temperature=0.6,
        top_p=0.95,
        max_tokens=160,
        repetition_penalty=1.0,
        presence_penalty=1.5,
        extra_args=COPY_PRIOR,
        stop=STOP,
    )

    def system_prompt(self, lang: Lang) -> str:
        """The tagline prompt, with the platform's line limit when the skill has a format."""
        prompt = super().system_prompt(lang)
        if self.format is None:
            return prompt
        label, most = self.format.label[lang], self.format.line_limit.most
        return prompt + " " * (lang == "en") + FORMAT_LINE[lang].format(label=label, most=most)

    def variant_header(self, index: int, lang: Lang) -> str:
        """With a format, a first line that says which ("格式：小红书\n"); "" otherwise."""
        if self.format is None or index:
            return ""
        return FORMAT_HEADER[lang].format(label=self.format.label[lang])

    def _fits(self, line: str, lang: Lang) -> bool:
        """Within the tagline limit and, with a format, within the platform's line limit."""
        if not fits(line, lang):
            return False
        if self.format is None:
            return True
        limit = self.format.line_limit
        return limit.counting.length(line) <= limit.most

    def marks(self, text: str, lang: Lang) -> tuple[str, ...]:
        """The mark for a tagline over the platform's line limit."""
        if self.format is None:
            return ()
        limit = self.format.line_limit
        length = limit.counting.length(text)
        return (limit_mark(self.format, limit, length, lang),) if length > limit.most else ()

    def split(self, completion: str, lang: Lang) -> list[str]:
        """Up to five distinct taglines, numbering, bullets and quotes stripped.

        Lines over the limit are dropped when at least five fit; otherwise the first of them
        fill the gap, in their original order, since a long tagline beats a missing one.
        """
        items = unique(list_items(_HEADER_LINE.sub("", completion)))
        ok = [self._fits(item, lang) for item in items]
        spare = TAGLINES - sum(ok)
        kept: list[str] = []
        for item, item_fits in zip(items, ok, strict=True):
            if item_fits:
                kept.append(item)
            elif spare > 0:
                kept.append(item)
                spare -= 1
        return kept[:TAGLINES]

    def combine(self, completions: list[str], lang: Lang) -> str | None:
        """Five distinct taglines within the limit from the sets in order, one per line; None
        when together they have fewer. A small model often stops a set at four lines, the same
        four on a redraw, yet each line stands alone."""
        lines = unique([t for c in completions for t in list_items(c) if self._fits(t, lang)])
        return "\n".join(lines[:TAGLINES]) if len(lines) >= TAGLINES else None

    def render(self, variants: list[Variant], lang: Lang) -> str:
        """One tagline per line, a flagged one followed by its warning; the platform first."""
        return self.variant_header(0, lang) + "\n".join(v.shown for v in variants)

    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """Five lines, each within the length limit, kept as they are by `split` (a format
        header the model copied from its history is no line of the set)."""
        completion = _HEADER_LINE.sub("", completion).strip("\n")
        lines = completion.split("\n")
        if len(lines) != TAGLINES:
            return f"{TAGLINES} lines"
        if self.split(completion, lang) != lines:
            return "the tagline skill's split changes it"
        too_long = [line for line in lines if not self._fits(line, lang)]
        if too_long:
            return f"over the length limit: {too_long}"
        return None
