"""`LocalEngine`: the `ModelClient` for `muse chat` / `muse ask` without a model server — the
continuous-batching engine, in-process, on a local Hugging Face model directory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Self

from muse.core.llm.client import ChatRequest, Chunk, collect, sampling_fields
from muse.core.llm.engine.config import IN_PROCESS, EngineConfig
from muse.core.llm.engine.core import Engine
from muse.core.llm.engine.errors import EngineStopped, GenerationFailed, RequestTimedOut
from muse.core.llm.engine.options import sampling_options
from muse.core.llm.engine.sequence import (
    FINISH_ABORT,
    FINISH_ERROR,
    FINISH_TIMEOUT,
    SeqOutput,
)
from muse.core.llm.missing import missing_model

logger = logging.getLogger(__name__)


class LocalEngine:
    """A `ModelClient` generating in-process; concurrent requests share the batch."""

    def __init__(self, path: Path, config: EngineConfig = IN_PROCESS) -> None:
        self._path = Path(path)
        self._config = config
        self._engine: Engine | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Load tokenizer and weights; ModelNotInstalled (with the how-to) if there are none."""
        async with self._lock:
            if self._engine is not None:
                return
            if problem := missing_model(self._path):
                raise problem
            engine = Engine(self._path, self._config)
            await engine.start()
            self._engine = engine

    async def aclose(self) -> None:
        """Stop the engine; streams still open end with ModelUnavailable."""
        async with self._lock:
            if self._engine is not None:
                await self._engine.aclose()
                self._engine = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def complete(self, request: ChatRequest) -> list[str]:
        """Run `request` to the end; the `n` completion texts in index order."""
        return await collect(self, request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Yield the chunks of all `n` completions as the batch produces them, interleaved like
        an OpenAI server's (the core puts them in order); closing the stream stops generation
        and frees the slots before it returns."""
        if self._engine is None:
            raise RuntimeError("LocalEngine.start() must be awaited before generating")
        engine = self._engine
        prompt = engine.encode_chat(
            [{"role": m.role, "content": m.content} for m in request.messages]
        )
        # The same conversion as `muse serve-model`'s, so both engines read a request alike.
        options = sampling_options(sampling_fields(request.params))
        logger.debug("generating n=%d prompt=%d tokens", request.n, len(prompt))
        # Log-probs of tokens whose text is still held back (incomplete UTF-8) go with the next
        # chunk of their completion, as `muse serve-model` sends them.
        pending: list[list[float]] = [[] for _ in range(request.n)]
        async with engine.submit(prompt, options, request.n) as generation:
            async for outputs in generation:
                for output in outputs:
                    _raise_for(output)
                    if request.params.logprobs and output.logprob is not None:
                        pending[output.index].append(output.logprob)
                    if output.text or output.finish_reason:
                        logprobs, pending[output.index] = tuple(pending[output.index]), []
                        yield Chunk(output.index, output.text, output.finish_reason, logprobs)


def _raise_for(output: SeqOutput) -> None:
    """The error a sequence's engine-side ending means to the caller, if any."""
    if output.finish_reason == FINISH_TIMEOUT:
        raise RequestTimedOut("Local generation took longer than the request timeout.")
    if output.finish_reason == FINISH_ERROR:
        raise GenerationFailed("Local generation failed; see the log for the cause.")
    if output.finish_reason == FINISH_ABORT:
        raise EngineStopped("The local model was shut down during generation.")
