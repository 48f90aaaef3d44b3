"""`PlatformSkill`: a templated skill that can write for a platform format (formats.py).

An instance without a format is the skill as it always was; `with_format` gives the instance
for one request, whose user turn names the platform ("平台：小红书") so that a button under the
reply finds the same format again (`for_turn`).
"""

from __future__ import annotations

from typing import ClassVar

from muse.core.formats import FORMATS, Format, Limit, broken_limits, limit_mark
from muse.core.messages import Lang
from muse.core.skills.templated import TemplatedSkill

# The line before the brief in a formatted request's user turn.
PLATFORM_LINE: dict[Lang, str] = {"zh": "平台：{label}\n", "en": "Platform: {label}\n"}


class PlatformSkill(TemplatedSkill):
    """A skill whose instances may carry a format; subclasses use `self.format`."""

    takes_formats: ClassVar[bool] = True

    def __init__(self, fmt: Format | None = None) -> None:
        self.format = fmt

    def with_format(self, fmt: Format | None) -> PlatformSkill:
        """This skill writing for `fmt` (None: for no platform)."""
        return self if fmt is self.format else type(self)(fmt)

    def for_turn(self, user_turn: str) -> PlatformSkill:
        """The instance with the format `user_turn` names, or this one when it names none."""
        for fmt in FORMATS:
            skill = self.with_format(fmt)
            if skill.argument_of(user_turn) is not None:
                return skill
        return self

    def user_prompt(self, argument: str, lang: Lang) -> str:
        """The user turn, with the platform line first when the skill has a format."""
        turn = super().user_prompt(argument, lang)
        if self.format is None:
            return turn
        return PLATFORM_LINE[lang].format(label=self.format.label[lang]) + turn

    def argument_of(self, user_turn: str) -> str | None:
        """The brief in a user turn this instance made (with its platform line, if any)."""
        if self.format is not None:
            for lang, line in PLATFORM_LINE.items():
                prefix = line.format(label=self.format.label[lang])
                if user_turn.startswith(prefix):
                    return super().argument_of(user_turn[len(prefix) :])
            return None
        if any(user_turn.startswith(line.partition("{")[0]) for line in PLATFORM_LINE.values()):
            return None
        return super().argument_of(user_turn)

    def broken(self, text: str, lang: Lang) -> list[tuple[Limit, int]]:
        """The format's limits `text` breaks, with its length; none without a format."""
        return [] if self.format is None else broken_limits(self.format, text, lang)

    def marks(self, text: str, lang: Lang) -> tuple[str, ...]:
        """One visible mark per limit of the format the variant still breaks."""
        fmt = self.format
        if fmt is None:
            return ()
        return tuple(limit_mark(fmt, limit, n, lang) for limit, n in self.broken(text, lang))
