"""LocalEngine on the tiny random model: decoding settings, stop strings, cancellation, errors."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaForCausalLM

from muse.core.llm.client import (
    ChatMessage,
    ChatRequest,
    Chunk,
    ModelNotInstalled,
    ModelRequestRejected,
    SamplingParams,
)
from muse.core.llm.engine import LocalEngine

MESSAGES = (ChatMessage("system", "你是缪斯。"), ChatMessage("user", "给新款服装写广告 please"))


def request(n: int = 1, **params: Any) -> ChatRequest:
    return ChatRequest(MESSAGES, SamplingParams(**params), n=n)


def greedy(max_tokens: int = 24, **params: Any) -> ChatRequest:
    return request(temperature=0, repetition_penalty=1.0, max_tokens=max_tokens, **params)


async def drain(engine: LocalEngine, req: ChatRequest) -> list[Chunk]:
    return [chunk async for chunk in engine.stream(req)]


@pytest.fixture
async def engine(tiny_model_dir: Path) -> AsyncIterator[LocalEngine]:
    async with LocalEngine(tiny_model_dir) as started:
        yield started


@pytest.fixture
def forward_calls() -> Iterator[list[int]]:
    """Counts forward passes of any causal LM in this process (one per generated token)."""
    calls = [0]

    def count(module: torch.nn.Module, args: Any, output: Any) -> None:
        if isinstance(module, LlamaForCausalLM):
            calls[0] += 1

    handle = torch.nn.modules.module.register_module_forward_hook(count)
    yield calls
    handle.remove()


async def test_streams_text_until_length(engine: LocalEngine) -> None:
    chunks = await drain(engine, request(max_tokens=12))
    assert chunks and all(c.index == 0 for c in chunks)
    assert "".join(c.text for c in chunks)
    assert [c.finish_reason for c in chunks] == [None] * (len(chunks) - 1) + ["length"]


async def test_temperature_zero_is_greedy_generate(
    engine: LocalEngine, tiny_model_dir: Path
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True)
    prompt = tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in MESSAGES],
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    )
    output = model.generate(**prompt, do_sample=False, max_new_tokens=24, repetition_penalty=1.0)
    expected = tokenizer.decode(
        output[0, prompt["input_ids"].shape[1] :],
        skip_special_tokens=True,
        clean_up_tokenization_spaces=False,
    )
    assert await engine.complete(greedy(24)) == [expected]


async def test_logprobs_are_the_models_own_for_the_drawn_tokens(
    engine: LocalEngine, tiny_model_dir: Path
) -> None:
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, local_files_only=True)
    prompt = tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in MESSAGES],
        add_generation_prompt=True,
        return_dict=True,
        return_tensors="pt",
    )
    output = model.generate(
        **prompt,
        do_sample=False,
        max_new_tokens=16,
        repetition_penalty=1.0,
        output_scores=True,
        return_dict_in_generate=True,
    )
    drawn = output.sequences[0, prompt["input_ids"].shape[1] :]
    pairs = zip(output.scores, drawn, strict=True)
    expected = [float(score[0].log_softmax(-1)[token]) for score, token in pairs]
    chunks = await drain(engine, greedy(16, logprobs=True))
    assert [lp for c in chunks for lp in c.logprobs] == pytest.approx(expected, abs=1e-4)
    assert all(c.logprobs == () for c in await drain(engine, greedy(4)))


async def test_seed_makes_sampling_reproducible(engine: LocalEngine) -> None:
    first = await engine.complete(request(seed=7, max_tokens=16))
    again = await engine.complete(request(seed=7, max_tokens=16))
    other = await engine.complete(request(seed=8, max_tokens=16))
    assert first == again
    assert first != other


async def test_n_completions_stream_together_each_ending_once(engine: LocalEngine) -> None:
    chunks = await drain(engine, request(n=3, seed=1, max_tokens=10))
    indices = [c.index for c in chunks]
    # One batch decodes all three, so their chunks interleave as an OpenAI server's do.
    assert set(indices) == {0, 1, 2} and indices != sorted(indices)
    finished = [c.index for c in chunks if c.finish_reason]
    assert sorted(finished) == [0, 1, 2]
    texts = ["".join(c.text for c in chunks if c.index == i) for i in range(3)]
    assert len(set(texts)) == 3


async def test_stop_string_cuts_the_completion(engine: LocalEngine) -> None:
    [full] = await engine.complete(greedy(40))
    start = next(i for i in range(8, len(full) - 2) if "\ufffd" not in full[i : i + 2])
    stop = full[start : start + 2]
    chunks = await drain(engine, greedy(40, stop=(stop,)))
    assert "".join(c.text for c in chunks) == full[: full.index(stop)]
    assert chunks[-1].finish_reason == "stop"


async def test_end_of_turn_token_ends_the_completion(
    engine: LocalEngine, tiny_model_dir: Path
) -> None:
    im_end = AutoTokenizer.from_pretrained(
        tiny_model_dir, local_files_only=True
    ).convert_tokens_to_ids("<|im_end|>")
    steps = [0]

    def force_im_end(module: torch.nn.Module, args: Any, output: Any) -> None:
        # logits: (batch, positions, vocab); make <|im_end|> win from the 4th step on.
        if isinstance(module, LlamaForCausalLM):
            steps[0] += 1
            if steps[0] >= 4:
                output.logits[:, -1, im_end] = 1e4

    handle = torch.nn.modules.module.register_module_forward_hook(force_im_end)
    try:
        chunks = await drain(engine, greedy(40))
    finally:
        handle.remove()
    assert chunks[-1].finish_reason == "stop"
    assert "im_end" not in "".join(c.text for c in chunks)
    assert steps[0] == 4


async def test_closing_the_stream_stops_generation(
    engine: LocalEngine, forward_calls: list[int]
) -> None:
    stream = engine.stream(request(max_tokens=2000))
    await anext(stream)
    await stream.aclose()
    after_close = forward_calls[0]
    await asyncio.sleep(0.1)
    assert forward_calls[0] == after_close < 100  # generate() has returned, far from 2000
    [text] = await asyncio.wait_for(engine.complete(request(max_tokens=4)), timeout=5)
    assert text


async def test_event_loop_stays_responsive(engine: LocalEngine) -> None:
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.005)

    task = asyncio.create_task(ticker())
    await engine.complete(request(max_tokens=300))
    task.cancel()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) >= 10
    assert max(gaps) < 0.25


async def test_prompt_beyond_the_context_is_rejected(engine: LocalEngine) -> None:
    long = ChatRequest((ChatMessage("user", "Autumn launch, 秋季新品! " * 1000),))
    with pytest.raises(ModelRequestRejected, match="reads at most 2048"):
        await drain(engine, long)


@pytest.mark.parametrize("make", [lambda p: p / "missing", lambda p: p])
async def test_missing_model_says_how_to_get_one(tmp_path: Path, make: Any) -> None:
    with pytest.raises(ModelNotInstalled) as caught:
        await LocalEngine(make(tmp_path)).start()
    message = str(caught.value)
    assert "muse train all --preset cpu --out models/default" in message
    assert "MUSE_MODEL_PATH" in message and "MUSE_MODEL_URL" in message


async def test_generating_before_start_is_a_programming_error(tiny_model_dir: Path) -> None:
    with pytest.raises(RuntimeError, match="start"):
        await LocalEngine(tiny_model_dir).complete(request())


async def test_concurrent_requests_take_turns(engine: LocalEngine) -> None:
    # Sampling shares torch's global generator: interleaved generations would change the text.
    solo = await engine.complete(request(seed=5, max_tokens=12))
    both = await asyncio.gather(*(engine.complete(request(seed=5, max_tokens=12)) for _ in "ab"))
    assert both == [solo, solo]
