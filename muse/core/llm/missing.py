"""The model client used when no model is installed: every request fails with the how-to.

It never produces text; it lets the rest of Muse (help, /analyze, history commands) keep
working and turns each model request into the human "how to get a model" message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from muse.core.llm.client import ChatRequest, Chunk, ModelNotInstalled


class MissingModel:
    """A `ModelClient` that raises the `ModelNotInstalled` it was given on every request."""

    def __init__(self, problem: ModelNotInstalled) -> None:
        self._problem = problem

    async def start(self) -> None:
        """Nothing to start."""

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Fail at once: there is no model."""
        raise self._problem
        yield  # makes this an async generator, like every other client's stream

    async def complete(self, request: ChatRequest) -> list[str]:
        """Fail at once: there is no model."""
        raise self._problem

    async def aclose(self) -> None:
        """Nothing to release."""
