"""Logits processors: per-request changes to the next token's logits, plugged into the sampler
through one hook, so the engine stays generic and a processor goes when no model needs it.

The shape follows vLLM's (v1) logits processors: built once per engine from the tokenizer,
active only for requests whose `extra_args` (sent as `vllm_xargs`) carry their arguments, and
checked when a request arrives. Unlike transformers' `LogitsProcessor`, which rewrites the
scores tensor, a processor here returns an additive bias per token id (OpenAI's `logit_bias`,
but recomputed each step), which keeps processors free of torch and testable on their own; the
sampler adds all of them in one scatter. No torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, Self

from muse.core.llm.engine.copying import CopyPrior


class LogitsProcessor(Protocol):
    """One processor; `check` is static so that a server can refuse a request before any model
    is asked (a `(field, message)` pair for the first bad argument, None when all are right)."""

    @classmethod
    def build(cls, tokenizer: Any, vocab_size: int) -> Self:
        """The processor for a model's tokenizer and (possibly padded) vocabulary."""
        ...

    @staticmethod
    def check(args: Mapping[str, Any]) -> tuple[str, str] | None:
        """Whether a request's `extra_args` hold valid arguments for this processor."""
        ...

    def bias(self, generated: Sequence[int], args: Mapping[str, Any]) -> Mapping[int, float]:
        """Token id → logit to add for the token after `generated` (the reply's ids so far);
        empty when `args` does not ask for this processor."""
        ...


# Every processor the engine builds, in the order their biases are summed.
PROCESSORS: tuple[type[LogitsProcessor], ...] = (CopyPrior,)


def build_processors(tokenizer: Any, vocab_size: int) -> list[LogitsProcessor]:
    """One instance of each processor for a loaded model."""
    return [processor.build(tokenizer, vocab_size) for processor in PROCESSORS]
