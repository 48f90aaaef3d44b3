"""Prompt assembly: system prompt + the newest history turns that fit the budget + the new turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from muse.core.history.store import Turn
from muse.core.llm.client import ChatMessage
from muse.core.tokens import estimate_tokens


@dataclass(frozen=True, slots=True)
class Prompt:
    """The messages sent to the model and whether older turns had to be left out."""

    messages: tuple[ChatMessage, ...]
    dropped: bool


def build_prompt(system: str, history: Sequence[Turn], user: str, budget: int) -> Prompt:
    """Keep the newest turns whose estimated tokens, with the new user turn, fit `budget`.

    The system prompt is never cut and not counted; the new turn is always sent. A turn is kept
    only with its partner, so the model never sees a reply without the request it answered.
    """
    used = estimate_tokens(user)
    kept: list[Turn] = []
    for turn in reversed(history):
        used += turn.token_count
        if used > budget:
            break
        kept.append(turn)
    kept.reverse()
    while kept and kept[0].role == "assistant":
        kept.pop(0)
    messages = [ChatMessage("system", system)]
    messages += [ChatMessage(t.role, t.content) for t in kept]
    messages.append(ChatMessage("user", user))
    return Prompt(tuple(messages), dropped=len(kept) < len(history))
