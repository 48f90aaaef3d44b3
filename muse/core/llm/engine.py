"""In-process generation on a local Hugging Face model directory (the embedded default model).

One generation runs at a time: requests wait on a lock and the `n` completions of a request run
one after another. `generate()` runs in a worker thread; its tokens are decoded there and handed
to the event loop as text deltas, so the loop never blocks on the model.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    StoppingCriteria,
    StoppingCriteriaList,
)
from transformers.generation.streamers import BaseStreamer

from muse.core.llm.client import (
    ChatMessage,
    ChatRequest,
    Chunk,
    ModelNotInstalled,
    ModelRequestRejected,
    ModelUnavailable,
    SamplingParams,
    collect,
)
from muse.core.llm.missing import HOW_TO_GET_A_MODEL, missing_model
from muse.core.llm.stops import StopScanner

logger = logging.getLogger(__name__)

# ChatML's end-of-turn marker: generation ends there even when the tokenizer's eos is another token.
END_OF_TURN = "<|im_end|>"


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What `start` loads: the weights, their tokenizer and the ids that end a completion."""

    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    eos_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class _Delta:
    """New text of the completion being generated; the last one has `finish_reason` or `error`."""

    text: str
    finish_reason: str | None = None
    error: Exception | None = None


class _Halt(StoppingCriteria):
    """Ends `generate()` at its next step once `flag` is set (stream closed or stop string seen)."""

    def __init__(self, flag: threading.Event) -> None:
        self._flag = flag

    def __call__(self, input_ids: torch.Tensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        # One verdict per sequence: input_ids is (batch, seq_len), the answer (batch,) bool.
        return torch.full(
            (input_ids.shape[0],), self._flag.is_set(), dtype=torch.bool, device=input_ids.device
        )


class _DeltaStreamer(BaseStreamer):
    """Decodes generated ids in the worker thread and emits text deltas, cut at stop strings."""

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        stops: tuple[str, ...],
        eos_ids: frozenset[int],
        halt: threading.Event,
        emit: Callable[[_Delta], None],
    ) -> None:
        self._tokenizer = tokenizer
        self._scanner = StopScanner(stops)
        self._eos_ids = eos_ids
        self._halt = halt
        self._emit = emit
        self._ids: list[int] = []
        self._prompt_skipped = False

    def put(self, value: torch.Tensor) -> None:
        """Take new token ids: the prompt (1, prompt_len) first, then (1,) per generated step."""
        if not self._prompt_skipped:
            self._prompt_skipped = True
            return
        if self._halt.is_set():
            return
        self._ids.extend(value.reshape(-1).tolist())
        # Decoding the whole completion, not the new ids alone, joins characters whose UTF-8
        # bytes span several byte-level tokens.
        delta = self._scanner.feed(self._decode())
        if delta:
            self._emit(_Delta(delta))
        if self._scanner.stopped:
            self._halt.set()

    def end(self) -> None:
        """Called by `generate()`; the final delta comes from `finish`, which also sees errors."""

    def finish(self, error: Exception | None) -> None:
        """Emit the held-back rest and why the completion ended (once, after `generate()`)."""
        if error is not None:
            self._emit(_Delta("", error=error))
            return
        ended_at_eos = bool(self._ids) and self._ids[-1] in self._eos_ids
        reason = "stop" if self._scanner.stopped or ended_at_eos else "length"
        self._emit(_Delta(self._scanner.flush(self._decode()), finish_reason=reason))

    def _decode(self) -> str:
        return self._tokenizer.decode(
            self._ids, skip_special_tokens=True, clean_up_tokenization_spaces=False
        )


class LocalEngine:
    """A `ModelClient` generating in-process with a local Hugging Face causal LM directory."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._loaded: _Loaded | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Load tokenizer and weights in a worker thread; ModelNotInstalled if there are none."""
        async with self._lock:
            if self._loaded is not None:
                return
            if problem := missing_model(self._path):
                raise problem
            logger.info("loading model from %s", self._path)
            self._loaded = await asyncio.to_thread(_load, self._path)
            logger.info("model loaded on %s", self._loaded.model.device)

    async def aclose(self) -> None:
        """Release the weights once any running generation has finished."""
        async with self._lock:
            self._loaded = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def complete(self, request: ChatRequest) -> list[str]:
        """Run `request` to the end; the `n` completion texts in index order."""
        return await collect(self, request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        """Yield completion 0 in full, then 1, …; closing the stream stops generation promptly."""
        if self._loaded is None:
            raise RuntimeError("LocalEngine.start() must be awaited before generating")
        loaded = self._loaded
        inputs = _encode(loaded, request.messages)
        prompt_tokens = inputs["input_ids"].shape[1]
        context = getattr(loaded.model.config, "max_position_embeddings", None)
        room = request.params.max_tokens if context is None else context - prompt_tokens
        if room <= 0:
            raise ModelRequestRejected(
                f"The prompt is {prompt_tokens} tokens; this model reads at most {context}."
            )
        kwargs = _generate_kwargs(loaded, request.params, min(request.params.max_tokens, room))
        max_new = kwargs["max_new_tokens"]
        logger.debug("generating n=%d prompt=%d max_new=%d", request.n, prompt_tokens, max_new)
        async with self._lock:
            for index in range(request.n):
                seed = None if request.params.seed is None else request.params.seed + index
                one = _stream_one(loaded, index, inputs, kwargs, seed, request.params.stop)
                async with aclosing(one) as chunks:
                    async for chunk in chunks:
                        yield chunk


async def _stream_one(
    loaded: _Loaded,
    index: int,
    inputs: dict[str, torch.Tensor],
    kwargs: dict[str, Any],
    seed: int | None,
    stops: tuple[str, ...],
) -> AsyncIterator[Chunk]:
    """Stream completion `index`; its worker thread has finished whenever this returns."""
    loop = asyncio.get_running_loop()
    deltas: asyncio.Queue[_Delta] = asyncio.Queue()
    halt = threading.Event()
    streamer = _DeltaStreamer(
        loaded.tokenizer,
        stops,
        loaded.eos_ids,
        halt,
        lambda delta: loop.call_soon_threadsafe(deltas.put_nowait, delta),
    )
    worker = asyncio.create_task(
        asyncio.to_thread(_generate, loaded.model, inputs, kwargs, streamer, halt, seed)
    )
    try:
        while True:
            delta = await deltas.get()
            if delta.error is not None:
                message = f"Local generation failed: {delta.error}"
                raise ModelUnavailable(message) from delta.error
            yield Chunk(index, delta.text, delta.finish_reason)
            if delta.finish_reason is not None:
                return
    finally:
        halt.set()
        # The engine's lock must outlive the thread: wait until generate() notices `halt`.
        await asyncio.wait({worker})


def _generate(
    model: PreTrainedModel,
    inputs: dict[str, torch.Tensor],
    kwargs: dict[str, Any],
    streamer: _DeltaStreamer,
    halt: threading.Event,
    seed: int | None,
) -> None:
    """Worker thread: one `generate()` call, always ending with the streamer's final delta."""
    error: Exception | None = None
    try:
        # Sampling draws from torch's global generator; one generation at a time owns it.
        if seed is None:
            torch.seed()
        else:
            torch.manual_seed(seed)
        with torch.inference_mode():
            model.generate(
                **inputs,
                **kwargs,
                streamer=streamer,
                stopping_criteria=StoppingCriteriaList([_Halt(halt)]),
            )
    except Exception as exc:
        logger.exception("local generation failed")
        error = exc
    streamer.finish(error)


def _load(path: Path) -> _Loaded:
    """Worker thread: read tokenizer and weights from `path`, never from a hub."""
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype="auto")
    except (OSError, ValueError) as exc:
        raise ModelNotInstalled(
            f"The model at {path} could not be loaded ({exc}). {HOW_TO_GET_A_MODEL}"
        ) from exc
    model.to("cuda" if torch.cuda.is_available() else "cpu")
    model.eval()
    return _Loaded(model, tokenizer, _eos_ids(model, tokenizer))


def _eos_ids(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> frozenset[int]:
    """Token ids that end a completion: the tokenizer's and checkpoint's eos, and <|im_end|>."""
    configured = model.generation_config.eos_token_id
    ids = {tokenizer.eos_token_id}
    ids.update(configured if isinstance(configured, list) else [configured])
    if END_OF_TURN in tokenizer.get_vocab():
        ids.add(tokenizer.convert_tokens_to_ids(END_OF_TURN))
    return frozenset(i for i in ids if i is not None)


def _encode(loaded: _Loaded, messages: tuple[ChatMessage, ...]) -> dict[str, torch.Tensor]:
    """The chat template applied to `messages`: input_ids and attention_mask, (1, prompt_len)."""
    batch = loaded.tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in messages],
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    )
    return {key: batch[key].to(loaded.model.device) for key in ("input_ids", "attention_mask")}


def _generate_kwargs(
    loaded: _Loaded, params: SamplingParams, max_new_tokens: int
) -> dict[str, Any]:
    """`generate()` arguments for `params`, overriding the checkpoint's generation defaults."""
    eos = sorted(loaded.eos_ids)
    pad = loaded.tokenizer.pad_token_id
    kwargs: dict[str, Any] = {
        "max_new_tokens": max_new_tokens,
        "repetition_penalty": params.repetition_penalty,
        "eos_token_id": eos or None,
        "pad_token_id": pad if pad is not None or not eos else eos[0],
    }
    if params.temperature > 0:
        # top_k=0 turns off transformers' default top-k of 50: OpenAI semantics have none.
        kwargs.update(do_sample=True, temperature=params.temperature, top_p=params.top_p, top_k=0)
    else:
        kwargs["do_sample"] = False
    return kwargs
