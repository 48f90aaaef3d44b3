"""What every skill provides; the assistant drives skills only through this class.

A skill turns a command argument into the chat messages the model sees (the same messages the
training data is rendered from), says how to decode, and splits completions into variants.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar

from muse.core.command_spec import CommandSpec
from muse.core.formats import Format
from muse.core.llm.client import SamplingParams
from muse.core.messages import Action, Lang, Variant

# The copy prior (engine/copying.py), asked for by ad copy and taglines with the bonus that kept
# product mention highest with shape and repeats in bounds (muse/training/data/README.md,
# "Decoding settings"); the core adds the brief's names (generation.py). A model that copies on
# its own does without: drop it here. Servers without the processor ignore it.
COPY_PRIOR: Mapping[str, float] = MappingProxyType({"copy_bias": 12.0})
# `Settings.candidates` counts the drafts for three shown completions (an ad's variants).
CANDIDATES_PER = 3


class Skill(ABC):
    """A task Muse can do. Subclasses set the class attributes and implement the hooks."""

    name: str  # "ad", "tagline", "brainstorm", "script", "chat"
    n: int = 1  # completions asked per request; the ad skill asks 3 (one variant each)
    lint: bool = False  # run the ad-law lint on the variants (ad copy and taglines)
    grounded: bool = False  # each completion must name the brief's product (ad copy, taglines)
    redraw: bool = False  # redraw a completion that breaks the structure (grounded skills do)
    best_of: bool = False  # draw more completions than shown and pick the best (scoring.py)
    # The slash command that runs the skill and its texts; None for a skill with no command
    # (chat answers plain messages). commands.py derives parsing, usage and /help from it.
    command: ClassVar[CommandSpec | None] = None
    aliases: ClassVar[tuple[str, ...]] = ()  # other names of the command ("/news" for "/press")
    # The buttons under a reply, in order; a skill without variants to redo would offer fewer.
    actions: ClassVar[tuple[Action, ...]] = tuple(Action)
    takes_formats: ClassVar[bool] = False  # a platform format may be named before the brief
    format: Format | None = None  # the platform this instance writes for (skills/platform.py)

    @abstractmethod
    def params(self, lang: Lang) -> SamplingParams:
        """Decoding settings for this task."""

    @abstractmethod
    def system_prompt(self, lang: Lang) -> str:
        """System prompt in the user's language; it tells the model to answer in it."""

    @abstractmethod
    def user_prompt(self, argument: str, lang: Lang) -> str:
        """The user turn the model sees for a command argument (the brief, the topic…)."""

    @abstractmethod
    def argument_of(self, user_turn: str) -> str | None:
        """The command argument inside a user turn `user_prompt` made; None for any other."""

    @abstractmethod
    def follow_up(self, action: Action, lang: Lang) -> str:
        """The user turn for a button under an earlier reply ("更短一点", "Make it longer")."""

    @abstractmethod
    def variant_header(self, index: int, lang: Lang) -> str:
        """Text streamed before completion `index` when n > 1 ("方案 1\n"); "" otherwise."""

    @abstractmethod
    def split(self, completion: str, lang: Lang) -> list[str]:
        """The variants in one completion, cleaned (numbering stripped, structure enforced)."""

    @abstractmethod
    def render(self, variants: list[Variant], lang: Lang) -> str:
        """The final reply text, with each variant's lint flags marked visibly."""

    @abstractmethod
    def structure_problem(self, completion: str, lang: Lang) -> str | None:
        """What is wrong with `completion` as this skill's output; None when it is right.

        Right means the skill's own split and render keep it as written, so serving shows it
        unchanged. Serving redraws ad copy and tagline sets that fail (generation.py); training
        keeps only data that passes (authored.py); `muse train eval` reports the share.
        """

    def draws(self, candidates: int) -> int:
        """Completions to draw for the `n` shown: `candidates` (`Settings.candidates`) per
        three shown, rounded up, for a skill that picks; `n` for one that does not."""
        if not self.best_of:
            return self.n
        return max(self.n, -(-candidates * self.n // CANDIDATES_PER))

    def with_format(self, fmt: Format | None) -> Skill:
        """This skill writing for platform `fmt`; only skills that take formats accept one."""
        if fmt is not None:
            raise ValueError(f"/{self.name} takes no platform format")
        return self

    def for_turn(self, user_turn: str) -> Skill:
        """This skill as it was when it wrote `user_turn` (with the format that turn names)."""
        return self

    def marks(self, text: str, lang: Lang) -> tuple[str, ...]:
        """Visible marks for hard limits a variant still breaks after the redraws; none here."""
        return ()

    def combine(self, completions: list[str], lang: Lang) -> str | None:
        """One completion made of the variants of several, when a skill's variants stand alone
        (a tagline set short of five takes lines from a redraw); None where they do not."""
        return None
