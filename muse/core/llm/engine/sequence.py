"""What the engine schedules: a request of `n` sequences that share one prompt, and their outputs.

Plain data, no torch: the scheduler and the HTTP server use these without loading a model.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from muse.core.llm.engine.detokenizer import Detokenizer

# Why a sequence ended: OpenAI's "stop"/"length", plus the engine's own endings, which the
# server turns into errors ("abort" only ever reaches a client that has already gone).
FINISH_STOP = "stop"
FINISH_LENGTH = "length"
FINISH_ABORT = "abort"
FINISH_TIMEOUT = "timeout"
FINISH_ERROR = "error"

_request_ids = itertools.count()


@dataclass(frozen=True, slots=True)
class SamplingOptions:
    """Decoding settings of one request; every sequence of every request may differ."""

    temperature: float = 1.0  # 0 means greedy
    top_p: float = 1.0
    top_k: int = 0  # 0: no top-k cut
    repetition_penalty: float = 1.0  # as in CTRL (Keskar et al. 2019) and transformers
    # OpenAI's penalties: minus frequency × times generated, minus presence once generated.
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0
    max_tokens: int = 256
    stop: tuple[str, ...] = ()
    seed: int | None = None
    # Arguments of the logits processors (processors.py) by name, as vLLM's `extra_args`.
    extra_args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SeqOutput:
    """New text of completion `index` in one engine step; `finish_reason` set on its last one."""

    index: int
    text: str
    tokens: int  # tokens generated in this step (0 or 1)
    finish_reason: str | None = None
    # The step's token and its raw log-probability (sampler.py); None when no token was drawn
    # (a sequence ended by a timeout, an abort or a failed step).
    token_id: int | None = None
    logprob: float | None = None


@dataclass(eq=False, slots=True)
class Sequence:
    """One completion: the prompt's ids followed by its generated ids, and its KV slot."""

    request: Request
    index: int
    token_ids: list[int]
    detokenizer: Detokenizer
    slot: int = -1
    generated: int = 0
    finish_reason: str | None = None
    last_token_at: float = 0.0

    @property
    def options(self) -> SamplingOptions:
        return self.request.options


@dataclass(eq=False, slots=True)
class Request:
    """`n` completions of one prompt, prefilled once; `sink` receives their outputs.

    `sink` runs on the event loop of whoever submitted the request; `rng` is the request's own
    random generator (set by the model runner when the request is seeded), so a seeded request
    samples the same text whatever else is in the batch.
    """

    prompt_ids: list[int]
    options: SamplingOptions
    n: int
    arrival: float
    deadline: float
    sink: Callable[[list[SeqOutput]], None]
    id: int = field(default_factory=lambda: next(_request_ids))
    seqs: list[Sequence] = field(default_factory=list)
    aborted: bool = False
    rng: Any = None

    @property
    def finished(self) -> bool:
        return all(seq.finish_reason is not None for seq in self.seqs)
