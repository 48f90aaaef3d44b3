"""A scripted `ModelClient` for tests of the core (the Protocol seam the core depends on).

It records every request, answers through a reply function, streams each completion in small
pieces with completions interleaved (as real servers do with n > 1), and can fail or stall.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from muse.core.llm.client import ChatRequest, Chunk, ModelError

Reply = Callable[[ChatRequest, int], str]


def last_user(request: ChatRequest) -> str:
    """The newest user message of a request."""
    return next(m.content for m in reversed(request.messages) if m.role == "user")


def echo(request: ChatRequest, index: int) -> str:
    """Default reply: a headline and one line quoting the request's last user turn.

    The quote is flattened to one line, so an ad reply keeps the headline-and-body shape the core
    redraws anything else for.
    """
    quoted = " ".join(last_user(request).split("\n"))
    return f"回声{index + 1}\n你说的是：{quoted}。"


class FakeModel:
    """Answers `reply(request, index)` for each of the n completions."""

    def __init__(
        self,
        reply: Reply = echo,
        *,
        fail: ModelError | None = None,
        delay: float = 0.0,
        piece: int = 3,
        logprob: Callable[[int], float] | None = None,
    ) -> None:
        self.reply = reply
        # Asked for logprobs, each piece of completion i comes as one token of logprob(i).
        self.logprob = logprob
        self.fail = fail
        self.delay = delay
        self.piece = piece
        self.requests: list[ChatRequest] = []
        self.running = 0
        self.peak = 0
        self.started = asyncio.Event()  # set when a stream has produced its first chunk

    async def start(self) -> None:
        """Nothing to load."""

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Interleave the n completions piece by piece."""
        self.requests.append(request)
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            if self.fail is not None:
                raise self.fail
            texts = [self.reply(request, i) for i in range(request.n)]
            pieces = [[t[k : k + self.piece] for k in range(0, len(t), self.piece)] for t in texts]
            for step in range(max(len(p) for p in pieces)):
                for index, parts in enumerate(pieces):
                    if step < len(parts):
                        await asyncio.sleep(self.delay)
                        last = step == len(parts) - 1
                        asked = self.logprob and request.params.logprobs
                        lp = (self.logprob(index),) if asked else ()
                        yield Chunk(index, parts[step], "stop" if last else None, lp)
                        self.started.set()
        finally:
            self.running -= 1

    async def complete(self, request: ChatRequest) -> list[str]:
        """Collect the stream."""
        texts = [""] * request.n
        async for chunk in self.stream(request):
            texts[chunk.index] += chunk.text
        return texts

    async def aclose(self) -> None:
        """Nothing to release."""
