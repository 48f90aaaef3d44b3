"""The state machine every platform's reply follows, from the core's events to what people see.

Started → `begin` (a status, "typing…", a placeholder), TextDelta → `draft` (a message edited
as the text grows, through `LiveMessage`), then one of Done or Error → `end` (the final text,
its buttons; or the core's sentence). Whatever happens, `close` runs last and is told whether
the reply ended, so a reply cut off half-way (cancelled, the platform unreachable) is marked as
such rather than left as a draft. Adapters implement the four steps; the order lives here once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator

from muse.core.messages import Done, Error, Lang, ReplyEvent, Started, TextDelta


class ReplyView(ABC):
    """One reply on one platform; `play` drives it."""

    async def play(self, events: AsyncIterator[ReplyEvent]) -> Done | Error | None:
        """Render every event; returns the last (None when the core answered nothing)."""
        last: Done | Error | None = None
        try:
            async for event in events:
                if isinstance(event, Started):
                    await self.begin(event.language)
                elif isinstance(event, TextDelta):
                    await self.draft(event.text)
                else:
                    await self.end(event)
                    last = event
        finally:
            await self.close(ended=last is not None)
        return last

    @abstractmethod
    async def begin(self, lang: Lang) -> None:
        """The core took the request: show that Muse is working, in the reply's language."""

    @abstractmethod
    async def draft(self, text: str) -> None:
        """The reply so far (append-only, growing)."""

    @abstractmethod
    async def end(self, event: Done | Error) -> None:
        """The final reply, or the sentence saying why there is none."""

    @abstractmethod
    async def close(self, *, ended: bool) -> None:
        """Always last: stop what is still running; mark a draft that never `end`ed."""
