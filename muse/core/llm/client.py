"""The seam between the core and a model: request/response types and the `ModelClient` protocol.

Implementations: `openai_client.OpenAIClient` (any OpenAI-compatible server, over HTTP/SSE) and
`engine.LocalEngine` (a local Hugging Face directory, in-process). Tests swap in fakes here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Role = Literal["system", "user", "assistant"]


# The most `copy_phrases` a request may carry (engine/copying.py refuses more): a brief's
# product terms and their spellings usually fit well within it; the core keeps the first ones.
MAX_COPY_PHRASES = 32


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One message of a chat prompt, as OpenAI's chat completions API takes it."""

    role: Role
    content: str


@dataclass(frozen=True, slots=True)
class SamplingParams:
    """Decoding settings of one request (OpenAI names; repetition_penalty as vLLM takes it).

    The repetition penalty also weighs on the prompt's tokens; the frequency and presence
    penalties (OpenAI's, −2 to 2) only on what the reply already generated.
    """

    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 256
    repetition_penalty: float = 1.1
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    # Ask for each sampled token's log-probability (OpenAI's `logprobs`): best-of-n reads the
    # mean as fluency (scoring.py). A server that returns none leaves `Chunk.logprobs` empty.
    logprobs: bool = False
    # Arguments for the serving engine's logits processors, sent as vLLM's `vllm_xargs`: Muse's
    # copy prior takes {"copy_phrases": [...], "copy_bias": 12.0} (engine/copying.py); servers
    # without the processor ignore them.
    extra_args: Mapping[str, Any] = field(default_factory=dict)


def sampling_fields(params: SamplingParams) -> dict[str, Any]:
    """`params` as the fields of an OpenAI request body, with vLLM's `repetition_penalty` and
    `vllm_xargs`: what the HTTP client sends and what the in-process engine reads."""
    fields: dict[str, Any] = {
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_tokens": params.max_tokens,
        "repetition_penalty": params.repetition_penalty,
    }
    # Sent only when set: OpenAI-compatible servers differ in which of these they take.
    for name in ("frequency_penalty", "presence_penalty"):
        if value := getattr(params, name):
            fields[name] = value
    if params.stop:
        fields["stop"] = list(params.stop)
    if params.seed is not None:
        fields["seed"] = params.seed
    if params.logprobs:
        fields["logprobs"] = True
    if params.extra_args:
        fields["vllm_xargs"] = dict(params.extra_args)
    return fields


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A chat completion request: `n` independent completions of the same messages."""

    messages: tuple[ChatMessage, ...]
    params: SamplingParams = field(default_factory=SamplingParams)
    n: int = 1


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of completion `index` (0 ≤ index < n). `finish_reason` is set on its last chunk;
    `logprobs` holds the log-probabilities of the tokens that came with it, when asked for."""

    index: int
    text: str
    finish_reason: str | None = None
    logprobs: tuple[float, ...] = ()


class Completions:
    """The `n` completions of one request, gathered from its chunks: text and fluency."""

    def __init__(self, n: int) -> None:
        self._parts: list[list[str]] = [[] for _ in range(n)]
        self._logprob = [0.0] * n  # sum of the token log-probabilities seen
        self._tokens = [0] * n  # tokens with a log-probability

    def feed(self, chunk: Chunk) -> None:
        """Take one chunk of any completion."""
        self._parts[chunk.index].append(chunk.text)
        self._logprob[chunk.index] += sum(chunk.logprobs)
        self._tokens[chunk.index] += len(chunk.logprobs)

    def texts(self) -> list[str]:
        """Each completion's text, in index order."""
        return ["".join(p) for p in self._parts]

    def fluency(self) -> list[float | None]:
        """Each completion's mean token log-probability (nats); None where none came."""
        return [s / n if n else None for s, n in zip(self._logprob, self._tokens, strict=True)]


class ModelError(Exception):
    """Base of every failure a model client raises; `code` names it for logs and users."""

    code = "model_error"


class ModelUnavailable(ModelError):
    """The model cannot be reached or answered with a server error / timeout."""

    code = "model_unavailable"


class ModelNotInstalled(ModelError):
    """No local model directory exists; the message says how to get one."""

    code = "model_not_installed"


class ModelRequestRejected(ModelError):
    """The server refused this request (HTTP 4xx), e.g. the prompt exceeds its context."""

    code = "model_rejected"


class ModelClient(Protocol):
    """What the core needs from a model. Streams must stop generating when closed early."""

    async def start(self) -> None:
        """Connect or load weights; raises `ModelNotInstalled` when there is no model."""
        ...

    def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Yield chunks of all `n` completions as they are generated."""
        ...

    async def complete(self, request: ChatRequest) -> list[str]:
        """Run `request` to the end; the `n` completion texts in index order."""
        ...

    async def aclose(self) -> None:
        """Release connections, threads and weights."""
        ...


async def gather(client: ModelClient, request: ChatRequest) -> Completions:
    """Drain `client.stream(request)`: the `n` completions with their fluency."""
    completions = Completions(request.n)
    stream = client.stream(request)
    try:
        async for chunk in stream:
            completions.feed(chunk)
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    return completions


async def collect(client: ModelClient, request: ChatRequest) -> list[str]:
    """`complete` for clients that only stream: drain `client.stream` into `n` texts."""
    return (await gather(client, request)).texts()
