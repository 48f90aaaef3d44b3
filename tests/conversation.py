"""Helpers to drive the core the way an adapter does."""

from __future__ import annotations

from muse.core.messages import Incoming, Kind, ReplyEvent
from muse.core.service import MuseCore


def incoming(text: str, user: str = "u1", kind: Kind = Kind.DIRECT, **extra: object) -> Incoming:
    """A message from `user` on a test platform."""
    return Incoming("test", "w1", "c1", user, text, kind, **extra)  # type: ignore[arg-type]


async def send(core: MuseCore, text: str, user: str = "u1", **extra: object) -> list[ReplyEvent]:
    """All events of one turn."""
    return [e async for e in core.assistant.handle(incoming(text, user, **extra))]
