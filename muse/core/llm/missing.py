"""No model installed: the check, the how-to text, and the client that stands in meanwhile.

`MissingModel` never produces text. It lets the rest of Muse (help, /analyze, history
commands) keep working and turns each model request into the "how to get a model" message.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

from muse.core.llm.client import ChatRequest, Chunk, ModelNotInstalled

HOW_TO_GET_A_MODEL = (
    "To get a model, train one with `muse train all --preset cpu --out models/default` "
    "(Muse looks for the default model in models/default), or set MUSE_MODEL_PATH to a "
    "Hugging Face model directory, or set MUSE_MODEL_URL to an OpenAI-compatible server "
    "(e.g. http://127.0.0.1:8000/v1)."
)


def missing_model(path: Path) -> ModelNotInstalled | None:
    """The problem when `path` holds no Hugging Face model (no config.json), else None."""
    if (path / "config.json").is_file():
        return None
    return ModelNotInstalled(f"No model found at {path}. {HOW_TO_GET_A_MODEL}")


class MissingModel:
    """A `ModelClient` that raises the `ModelNotInstalled` it was given on every call."""

    def __init__(self, problem: ModelNotInstalled) -> None:
        self.problem = problem

    async def start(self) -> None:
        """Fail, so whoever starts the client learns at once that there is no model."""
        raise self.problem

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Fail at once: there is no model."""
        raise self.problem
        yield  # unreachable; its presence makes this an async generator like other clients'

    async def complete(self, request: ChatRequest) -> list[str]:
        """Fail at once: there is no model."""
        raise self.problem

    async def aclose(self) -> None:
        """Nothing to release."""
