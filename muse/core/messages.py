"""The contract between platform adapters and the core.

An adapter turns a platform event into an `Incoming` and renders the `ReplyEvent`s the core
yields: `Started` → `TextDelta`* → `Done` | `Error`, or a lone `Error` when the request is
refused before any work (too long, a button under a deleted reply), or nothing at all for an
event id already answered. Adapters never see prompts or the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Lang = Literal["zh", "en"]  # the languages Muse writes in


class Kind(StrEnum):
    """How the text reached Muse; with the ids it decides which conversation it belongs to."""

    COMMAND = "command"  # a slash command (Slack) — keyed by channel and user
    DIRECT = "direct"  # a direct/private message or the terminal — keyed by user
    MENTION = "mention"  # an @mention in a team channel — keyed by channel and thread
    ACTION = "action"  # a button under an earlier reply — continues that reply's conversation


class Action(StrEnum):
    """Buttons adapters show under a reply with variants."""

    REGENERATE = "regenerate"
    SHORTER = "shorter"
    LONGER = "longer"
    TONE = "tone"
    LIKE = "like"  # 👍: stored as feedback, no model call
    DISLIKE = "dislike"  # 👎: stored as feedback, no model call

    @property
    def vote(self) -> int:
        """+1 for 👍, -1 for 👎, 0 for a button that asks the model to write again."""
        return {Action.LIKE: 1, Action.DISLIKE: -1}.get(self, 0)


# The feedback log's action for a 👍 beside one variant: "like:" + its 1-based number.
LIKED_PREFIX = "like:"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One platform-neutral message for the core."""

    platform: str  # "slack", "telegram", "terminal"
    workspace_id: str  # Slack team id, Telegram bot id, "local"
    channel_id: str  # Slack channel, Telegram chat id, "terminal"
    user_id: str
    text: str
    kind: Kind
    thread_id: str | None = None  # Slack thread_ts / Telegram reply-chain root
    event_id: str | None = None  # platform event id; the same id is answered at most once
    message_id: str | None = None  # platform id of the message itself (Slack ts, Telegram id)
    user_name: str | None = None  # display name, when the platform gives it
    language: str | None = None  # "zh" / "en" hint (Telegram language_code, Slack locale)
    action: Action | None = None  # with kind=ACTION: which button
    target_message_id: int | None = None  # with kind=ACTION: Done.message_id of that reply
    variant: int | None = None  # with a 👍: the shown variant it keeps (1-based); None: all
    # A command the platform already separated from its argument (Slack's slash commands): its
    # name without "/" ("ad", an alias, "reset"); `text` is then the argument alone.
    command: str | None = None


@dataclass(frozen=True, slots=True)
class Variant:
    """One alternative in a reply (an ad variant, a tagline, an idea, a scene)."""

    text: str
    lint_flags: tuple[str, ...] = ()  # ad-law terms still present after one regeneration
    warning: str = ""  # the visible mark for those terms, in the reply's language; "" if none
    # Marks for a platform format's hard limits still broken after the redraws (formats.py).
    limits: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The text as every platform shows it: each warning on its own line below it."""
        return "\n".join([self.text, *(m for m in (self.warning, *self.limits) if m)])


@dataclass(frozen=True, slots=True)
class Started:
    """Work has begun; adapters may show a placeholder or a typing indicator.

    `language` is the one the reply will be written in (a button press answers in the language
    of the reply it is under), so adapters never guess it from the user's text.
    """

    skill: str
    language: Lang


@dataclass(frozen=True, slots=True)
class TextDelta:
    """Text appended to the reply. `text` is everything so far, for adapters that edit."""

    delta: str
    text: str


@dataclass(frozen=True, slots=True)
class Done:
    """The reply is complete; `text` is final and may differ from the streamed text."""

    text: str
    skill: str
    variants: tuple[Variant, ...] = ()
    notices: tuple[str, ...] = ()  # one-off remarks, e.g. "older turns were dropped"
    message_id: int | None = None  # stored assistant turn; buttons refer to it
    language: Lang = "zh"
    # The buttons under a stored reply, in order: the skill's own (Skill.actions).
    actions: tuple[Action, ...] = tuple(Action)
    format: str | None = None  # the platform format the reply was written for ("weibo")


@dataclass(frozen=True, slots=True)
class Error:
    """The request failed; `message` is a human sentence in the user's language."""

    message: str
    code: str  # machine-readable: "model_unavailable", "too_long", "internal", …
    language: Lang = "zh"


ReplyEvent = Started | TextDelta | Done | Error
