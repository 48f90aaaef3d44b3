"""The model engine: continuous batching over a local Hugging Face causal LM (nano-vllm's shape).

`scheduler` decides each step (no torch), `runner` runs it on the model with the KV cache of
`attention`, `sampler` picks the tokens, `core.Engine` loops them in a thread and streams to
asyncio. `LocalEngine` is the in-process `ModelClient`; `muse serve-model` serves `Engine`
over HTTP.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    """`LocalEngine` on first use, so the torch-free modules here import without torch."""
    if name == "LocalEngine":
        from muse.core.llm.engine.local import LocalEngine

        return LocalEngine
    raise AttributeError(name)


__all__ = ["LocalEngine"]
