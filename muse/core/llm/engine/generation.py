"""`Generation`: the asyncio side of one submitted request — its outputs, and its abort."""

from __future__ import annotations

import asyncio
from typing import Protocol, Self

from muse.core.llm.engine.sequence import Request, SeqOutput


class Aborts(Protocol):
    """What a generation needs of its engine."""

    def abort(self, request: Request) -> None: ...


class Generation:
    """The outputs of one submitted request, step by step, until its `n` sequences finish.

    Use it as `async with engine.submit(...) as generation: async for outputs in generation`;
    leaving early aborts the request and returns once the engine has freed its slots.
    """

    def __init__(
        self, engine: Aborts, request: Request, queue: asyncio.Queue[list[SeqOutput]]
    ) -> None:
        self._engine = engine
        self._request = request
        self._queue = queue
        self._remaining = request.n

    @property
    def prompt_tokens(self) -> int:
        return len(self._request.prompt_ids)

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> list[SeqOutput]:
        if not self._remaining:
            raise StopAsyncIteration
        outputs = await self._queue.get()
        self._remaining -= sum(out.finish_reason is not None for out in outputs)
        return outputs

    async def aclose(self) -> None:
        """Abort the request if it is unfinished; return once its slots are free."""
        if self._remaining:
            self._engine.abort(self._request)
            while self._remaining:
                await self.__anext__()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
