"""Why the engine refuses or fails a request, as the `ModelClient` errors the core knows.

The HTTP server maps each to its status: `PromptTooLong` 400, `QueueFull` 503 with Retry-After,
`RequestTimedOut` 504, `GenerationFailed` 500, `EngineStopped` 503.
"""

from __future__ import annotations

from muse.core.llm.client import ModelRequestRejected, ModelUnavailable


class PromptTooLong(ModelRequestRejected):
    """The prompt leaves no room for a single generated token in the model's context."""

    code = "context_length_exceeded"

    def __init__(self, prompt_tokens: int, max_model_len: int) -> None:
        super().__init__(
            f"The prompt is {prompt_tokens} tokens; this model reads at most {max_model_len}."
        )
        self.prompt_tokens = prompt_tokens
        self.max_model_len = max_model_len


class EmptyPrompt(ModelRequestRejected):
    """The prompt has no tokens: there is nothing to continue."""

    code = "empty_prompt"


class TooManyCompletions(ModelRequestRejected):
    """`n` exceeds the sequences the engine decodes at once, so it could never be scheduled."""

    code = "invalid_n"


class QueueFull(ModelUnavailable):
    """Every slot is busy and the waiting queue is at its limit: try again shortly."""

    code = "queue_full"


class RequestTimedOut(ModelUnavailable):
    """The request did not finish within the engine's request timeout."""

    code = "timeout"


class GenerationFailed(ModelUnavailable):
    """The model raised while generating this request (the engine itself keeps running)."""

    code = "generation_failed"


class EngineStopped(ModelUnavailable):
    """The engine is not running (not started yet, or shutting down)."""

    code = "engine_stopped"
